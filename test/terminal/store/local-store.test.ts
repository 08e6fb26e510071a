// The local store on a real SQLite file: durability settings, journal + outbox in one transaction,
// gap-free receipts, outbox ack, frame seq, pending member effects, disk full.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStore, StoreError } from '../../../terminal/src/store/index.js';
import { STORE_ID, TERMINAL_ID, T0_MS, card, member, memberIdOf, cardNoOf, saleDraft } from './fixtures/records.js';
import { newId } from '@pos/protocol';

describe('local store', () => {
  let dir: string;
  let file: string;
  let store: LocalStore;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pos-store-'));
    file = path.join(dir, 'terminal.sqlite');
    store = LocalStore.open(file);
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens in WAL mode with synchronous=FULL and the current schema, and reopens idempotently', () => {
    store.close();
    store = LocalStore.open(file);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(5);
    } finally {
      db.close();
    }
    // synchronous is per connection: read it through the store's own connection.
    expect((store as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('journals and enqueues a sale in one commit with gap-free receipt numbers', () => {
    const a = store.commitSale(saleDraft(1), 'T01-');
    const b = store.commitSale(saleDraft(2), 'T01-');
    expect(a.body.receiptNo).toBe('T01-00000001');
    expect(b.body.receiptNo).toBe('T01-00000002');
    expect(store.journal.journalSize()).toBe(2);
    expect(store.journal.outboxSize()).toBe(2);
    const outbox = store.journal.pendingOutbox(10);
    expect(outbox.map((e) => [e.type, e.eventId, e.attempts])).toEqual([
      ['saleCommitted', a.eventId, 0],
      ['saleCommitted', b.eventId, 0],
    ]);
    expect(outbox[0]!.body).toEqual(a.body);
    expect(outbox[0]!.createdAt).toBe(new Date(T0_MS + 1000).toISOString());
    expect(store.journal.saleById(b.body.saleId)?.body).toEqual(b.body);
    expect(store.journal.byReceiptNo('T01-00000001')?.body).toEqual(a.body);
    expect(store.journal.lastSale()?.body.receiptNo).toBe('T01-00000002');
  });

  it('refuses an invalid sale with INVALID_EVENT, writes nothing and consumes no receipt number', () => {
    store.commitSale(saleDraft(1), '');
    const bad = saleDraft(2, { lines: [] });
    const error = (() => {
      try {
        store.commitSale(bad, '');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('INVALID_EVENT');
    expect((error as StoreError).field).toBe('lines');
    expect(store.journal.journalSize()).toBe(1);
    expect(store.journal.outboxSize()).toBe(1);
    expect(store.commitSale(saleDraft(3), '').body.receiptNo).toBe('00000002');
  });

  it('refuses a second commit of the same event id as DUPLICATE_EVENT without a receipt gap', () => {
    const draft = saleDraft(1);
    store.commitSale(draft, '');
    expect(() => store.commitSale(draft, '')).toThrow(expect.objectContaining({ code: 'DUPLICATE_EVENT' }));
    expect(store.journal.journalSize()).toBe(1);
    expect(store.commitSale(saleDraft(2), '').body.receiptNo).toBe('00000002');
  });

  it('keeps the outbox in commit order, counts attempts and deletes only acked entries; the journal keeps all', () => {
    const ids = [1, 2, 3, 4].map((i) => store.commitSale(saleDraft(i), '').eventId);
    store.journal.recordAttempt([ids[0]!, ids[1]!], '2026-11-25T02:00:00.000Z');
    store.journal.recordAttempt([ids[0]!], '2026-11-25T02:00:05.000Z');
    expect(store.journal.pendingOutbox(2).map((e) => [e.eventId, e.attempts, e.lastAttemptAt])).toEqual([
      [ids[0], 2, '2026-11-25T02:00:05.000Z'],
      [ids[1], 1, '2026-11-25T02:00:00.000Z'],
    ]);
    expect(store.journal.ack([ids[1]!, ids[0]!, newId(T0_MS)])).toBe(2);
    expect(store.journal.ack([ids[0]!])).toBe(0); // a duplicate ack is harmless
    expect(store.journal.pendingOutbox(10).map((e) => e.eventId)).toEqual([ids[2], ids[3]]);
    // The sync client reads only past what it has sent.
    const [third, fourth] = store.journal.pendingOutbox(10);
    expect(store.journal.pendingOutboxAfter(third!.position, 10).map((e) => e.eventId)).toEqual([ids[3]]);
    expect(store.journal.pendingOutboxAfter(0, 1).map((e) => e.eventId)).toEqual([ids[2]]);
    expect(store.journal.pendingOutboxAfter(fourth!.position, 10)).toEqual([]);
    expect(store.journal.journalSize()).toBe(4);
    expect(store.journal.journalAfter(0, 10).map((e) => e.eventId)).toEqual(ids);
  });

  it('persists the frame seq across a reopen and never repeats one', () => {
    expect(store.nextFrameSeq()).toBe(1);
    expect(store.nextFrameSeq()).toBe(2);
    store.close();
    store = LocalStore.open(file);
    expect(store.lastFrameSeq()).toBe(2);
    expect(store.nextFrameSeq()).toBe(3);
    // Blocks for the sync client: one durable write per block, unused seqs are skipped, never reused.
    expect(store.reserveFrameSeqs(100)).toBe(4);
    store.close();
    store = LocalStore.open(file);
    expect(store.lastFrameSeq()).toBe(103);
    expect(store.reserveFrameSeqs(1)).toBe(104);
    expect(() => store.reserveFrameSeqs(0)).toThrow(RangeError);
  });

  it('tracks the unacked balance effect of a member (stored value spent, points earned) until ack', () => {
    const m = memberIdOf(7);
    const sale = store.commitSale(
      saleDraft(1, {
        memberId: m,
        cardNo: cardNoOf(7),
        tenders: [
          { kind: 'storedValue', amountFen: 250, principalFen: 200, bonusFen: 50, cardNo: cardNoOf(7) },
          { kind: 'cash', amountFen: 50, changeFen: 0 },
        ],
        pointsEarned: 3,
        pointsSpent: 0,
      }),
      '',
    );
    store.commitRecharge({
      eventId: newId(T0_MS + 5000),
      storeId: STORE_ID,
      terminalId: TERMINAL_ID,
      occurredAt: new Date(T0_MS + 5000).toISOString(),
      businessDate: '2026-11-25',
      offline: true,
      rechargeId: newId(T0_MS + 5000),
      memberId: m,
      cardNo: cardNoOf(7),
      planId: 'P100',
      paidFen: 10_000,
      principalFen: 10_000,
      bonusFen: 2_000,
      bonusPoints: 20,
      tenders: [{ kind: 'cash', amountFen: 10_000, changeFen: 0 }],
    });
    expect(store.journal.pendingEffectOf(m)).toEqual({ storedValueDeltaFen: 11_750, storedValueSpentFen: 250, principalDeltaFen: 9_800, bonusDeltaFen: 1_950, pointsDelta: 23, events: 2 });
    store.journal.ack([sale.eventId]);
    expect(store.journal.pendingEffectOf(m)).toEqual({ storedValueDeltaFen: 12_000, storedValueSpentFen: 0, principalDeltaFen: 10_000, bonusDeltaFen: 2_000, pointsDelta: 20, events: 1 });
    expect(store.journal.pendingEffectOf(memberIdOf(8))).toEqual({ storedValueDeltaFen: 0, storedValueSpentFen: 0, principalDeltaFen: 0, bonusDeltaFen: 0, pointsDelta: 0, events: 0 });
  });

  it('caches a member enrolled at the till and applies a card loss at once, both journaled', () => {
    const m = member(42, { storedValue: { principalFen: 0, bonusFen: 0 }, pointsBalance: 0 });
    store.commitEnrolment(
      {
        eventId: newId(T0_MS),
        storeId: STORE_ID,
        terminalId: TERMINAL_ID,
        occurredAt: new Date(T0_MS).toISOString(),
        offline: true,
        memberId: m.memberId,
        phone: m.phone!,
        name: m.name,
      },
      m,
    );
    expect(store.members.memberByPhone(m.phone!)).toEqual(m);
    store.loadMembers([], [card(42)]);
    store.commitCardEvent({
      eventId: newId(T0_MS + 1),
      storeId: STORE_ID,
      terminalId: TERMINAL_ID,
      occurredAt: '2026-11-25T02:10:00.000Z',
      offline: true,
      cardNo: cardNoOf(42),
      memberId: m.memberId,
      action: 'loss',
    });
    expect(store.members.card(cardNoOf(42))).toMatchObject({ status: 'lost', updatedAt: '2026-11-25T02:10:00.000Z' });
    expect(store.journal.journalAfter(0, 10).map((e) => e.type)).toEqual(['memberEnrolled', 'cardEvent']);
    expect(store.journal.outboxSize()).toBe(2);
  });

  it('refuses a sale with DISK_FULL when the file cannot grow, leaves nothing half-written, and resumes after space returns', () => {
    store.commitSale(saleDraft(1), '');
    // The machine cannot safely fill its real disk in a test; SQLite's max_page_count makes the
    // database hit the same SQLITE_FULL path that a full filesystem produces.
    store.setMaxPageCount(store.pageCount());
    const big = saleDraft(2, {
      lines: Array.from({ length: 500 }, (_, k) => ({
        lineNo: k + 1,
        sku: `SKU-${k}`,
        name: '很长的商品名称'.repeat(20),
        quantityMilli: 1000,
        unitPriceFen: 100,
        grossFen: 100,
        adjustments: [],
        netFen: 100,
        pointsEarned: 0,
      })),
    });
    const error = (() => {
      try {
        store.commitSale(big, '');
      } catch (e) {
        return e;
      }
    })() as StoreError;
    expect(error).toBeInstanceOf(StoreError);
    expect(error.code).toBe('DISK_FULL');
    expect(error.messageZh).toBe('存储空间已满，交易未保存，请联系管理员');
    expect(store.journal.journalSize()).toBe(1);
    expect(store.journal.outboxSize()).toBe(1);
    expect(store.journal.saleById(big.saleId)).toBeNull();
    expect(store.integrityCheck()).toBe('ok');
    store.setMaxPageCount(1_000_000);
    expect(store.commitSale(big, '').body.receiptNo).toBe('00000002');
  });
});
