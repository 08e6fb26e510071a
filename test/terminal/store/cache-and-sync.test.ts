// Member/card and catalogue caches, and snapshot chunks and deltas applied atomically with the cursor.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStore, StoreError } from '../../../terminal/src/store/index.js';
import { card, cardNoOf, ean13Of, item, member, memberIdOf, uidOf } from './fixtures/records.js';

const SNAP = '01JSNAP0000000000000000001';
const SNAP2 = '01JSNAP0000000000000000002';

describe('member, card and catalogue cache with snapshot and delta sync', () => {
  let dir: string;
  let store: LocalStore;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pos-cache-'));
    store = LocalStore.open(path.join(dir, 'terminal.sqlite'));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('looks members up by phone, card number and RFID UID (any case), and items by barcode and sku', () => {
    store.loadMembers([member(1), member(2)], [card(1), card(2, { uids: ['ABCDEF01', 'ABCDEF02'] })]);
    store.loadCatalogue([item(1), item(2, { barcodes: ['12345670', ean13Of(2)] })]);
    expect(store.members.memberByPhone('+8613800000002')?.memberId).toBe(memberIdOf(2));
    expect(store.members.memberByPhone('+8613800000009')).toBeNull();
    expect(store.members.card(cardNoOf(1))?.memberId).toBe(memberIdOf(1));
    expect(store.members.cardByUid(uidOf(1))?.cardNo).toBe(cardNoOf(1));
    expect(store.members.cardByUid('abcdef02')?.cardNo).toBe(cardNoOf(2));
    expect(store.members.cardByUid('FFFF0000')).toBeNull();
    expect(store.catalogue.itemByBarcode('12345670')?.sku).toBe('SKU-2');
    expect(store.catalogue.itemByBarcode(ean13Of(2))?.sku).toBe('SKU-2');
    expect(store.catalogue.item('SKU-1')).toEqual(item(1));
    expect(store.members.size()).toEqual({ members: 2, cards: 2 });
  });

  it('rebinds UIDs and barcodes when a card or item is updated', () => {
    store.loadMembers([member(1)], [card(1, { uids: ['AAAA0001'] })]);
    store.loadMembers([], [card(1, { uids: ['BBBB0001'] })]);
    expect(store.members.cardByUid('AAAA0001')).toBeNull();
    expect(store.members.cardByUid('BBBB0001')?.cardNo).toBe(cardNoOf(1));
    store.loadCatalogue([item(1, { barcodes: ['11111116'] })]);
    store.loadCatalogue([item(1, { barcodes: ['22222222'] })]);
    expect(store.catalogue.itemByBarcode('11111116')).toBeNull();
    expect(store.catalogue.itemByBarcode('22222222')?.sku).toBe('SKU-1');
  });

  it('applies snapshot chunks in order, adopts the cursor only on the last, and drops rows the snapshot left out', () => {
    store.loadMembers([member(99)], [card(99)]);
    store.loadCatalogue([item(99)]);
    store.applySnapshotChunk({ snapshotId: SNAP, index: 0, last: false, cursor: null, entity: 'members', items: [member(1), member(2)] });
    expect(store.cursor()).toBeNull();
    expect(store.members.member(memberIdOf(99))).not.toBeNull(); // still sellable mid-snapshot
    store.applySnapshotChunk({ snapshotId: SNAP, index: 1, last: false, cursor: null, entity: 'cards', items: [card(1)] });
    store.applySnapshotChunk({ snapshotId: SNAP, index: 2, last: false, cursor: null, entity: 'catalogue', items: [item(5)] });
    store.applySnapshotChunk({
      snapshotId: SNAP,
      index: 3,
      last: true,
      cursor: 'c-100',
      entity: 'ruleSet',
      items: [{ ruleSetId: '01JRULES000000000000000007', version: 7, publishedAt: '2026-11-24T00:00:00Z', rules: { version: 7 } }],
    });
    expect(store.cursor()).toBe('c-100');
    expect(store.members.size()).toEqual({ members: 2, cards: 1 });
    expect(store.members.member(memberIdOf(99))).toBeNull();
    expect(store.members.cardByUid(uidOf(99))).toBeNull();
    expect(store.catalogue.size()).toBe(1);
    expect(store.catalogue.itemByBarcode(ean13Of(99))).toBeNull();
    expect(store.activeRuleSet()?.version).toBe(7);
  });

  it('refuses a chunk out of order or of another snapshot and changes nothing', () => {
    store.applySnapshotChunk({ snapshotId: SNAP, index: 0, last: false, cursor: null, entity: 'members', items: [member(1)] });
    const tries = [
      { snapshotId: SNAP, index: 2 },
      { snapshotId: SNAP2, index: 1 },
    ];
    for (const t of tries) {
      expect(() =>
        store.applySnapshotChunk({ ...t, last: true, cursor: 'c-1', entity: 'members', items: [member(2)] }),
      ).toThrow(expect.objectContaining({ code: 'SNAPSHOT_OUT_OF_ORDER' }));
    }
    expect(store.members.member(memberIdOf(2))).toBeNull();
    expect(store.cursor()).toBeNull();
    // A fresh snapshot may always start over at chunk 0.
    store.applySnapshotChunk({ snapshotId: SNAP2, index: 0, last: true, cursor: 'c-2', entity: 'members', items: [member(3)] });
    expect(store.cursor()).toBe('c-2');
    expect(store.members.size().members).toBe(1);
  });

  it('applies a delta (upserts and deletes) and its cursor together', () => {
    store.loadMembers([member(1), member(2)], [card(1), card(2)]);
    store.applyDelta({
      cursor: 'c-5',
      changes: [
        { op: 'upsert', change: { entity: 'cards', items: [card(1, { status: 'frozen' })] } },
        { op: 'delete', entity: 'members', keys: [memberIdOf(2)] },
        { op: 'delete', entity: 'cards', keys: [cardNoOf(2)] },
        { op: 'upsert', change: { entity: 'catalogue', items: [item(3)] } },
      ],
    });
    expect(store.cursor()).toBe('c-5');
    expect(store.members.card(cardNoOf(1))?.status).toBe('frozen');
    expect(store.members.member(memberIdOf(2))).toBeNull();
    expect(store.members.cardByUid(uidOf(2))).toBeNull();
    expect(store.catalogue.item('SKU-3')?.name.zh).toBe('商品3');
  });

  it('rolls a delta back whole, cursor included, when the disk fills half-way through', () => {
    store.loadMembers([member(1)], [card(1)]);
    store.applyDelta({ cursor: 'c-1', changes: [{ op: 'delete', entity: 'members', keys: [memberIdOf(5)] }] });
    // SQLite's page cap stands in for a full filesystem (same SQLITE_FULL path).
    store.setMaxPageCount(store.pageCount());
    const many = Array.from({ length: 2000 }, (_, i) => member(1000 + i, { name: '很长的名字'.repeat(15) }));
    const error = (() => {
      try {
        store.applyDelta({
          cursor: 'c-2',
          changes: [
            { op: 'upsert', change: { entity: 'cards', items: [card(1, { status: 'lost' })] } },
            { op: 'upsert', change: { entity: 'members', items: many } },
          ],
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('DISK_FULL');
    expect(store.cursor()).toBe('c-1');
    expect(store.members.card(cardNoOf(1))?.status).toBe('active');
    expect(store.members.size()).toEqual({ members: 1, cards: 1 });
  });

  it('keeps the newest rule set when an older one arrives late, and replaces store settings', () => {
    const rs = (version: number) => ({ ruleSetId: `01JRULES00000000000000000${version}`, version, publishedAt: '2026-11-24T00:00:00Z', rules: {} });
    store.applyDelta({ cursor: 'a', changes: [{ op: 'upsert', change: { entity: 'ruleSet', items: [rs(8)] } }] });
    store.applyDelta({ cursor: 'b', changes: [{ op: 'upsert', change: { entity: 'ruleSet', items: [rs(7)] } }] });
    expect(store.activeRuleSet()?.version).toBe(8);
    const settings = { storeId: '01JST0RE000000000000000001', name: { zh: '一号店', en: 'Store 1' }, address: '', roundingMode: 'jiao' as const, timezone: 'Asia/Shanghai' };
    store.applyDelta({ cursor: 'c', changes: [{ op: 'upsert', change: { entity: 'storeSettings', items: [settings] } }] });
    expect(store.storeSettings()).toEqual(settings);
    expect(store.cursor()).toBe('c');
  });
});
