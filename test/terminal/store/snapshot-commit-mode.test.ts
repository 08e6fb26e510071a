// A snapshot chunk before the last commits without an fsync (the terminal bootstraps again if it
// is lost); every other commit on the store's connection stays synchronous=FULL, including the
// last chunk, a chunk that is refused, and a sale committed between two chunks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStore } from '../../../terminal/src/store/index.js';
import { card, cardNoOf, member, memberIdOf, saleDraft, uidOf } from './fixtures/records.js';

const SNAP = '01JSNAP0000000000000000001';
const FULL = 2;

describe('snapshot chunks and the commit mode', () => {
  let dir: string;
  let store: LocalStore;
  const pragma = (name: string) => (store as unknown as { db: Database.Database }).db.pragma(name, { simple: true });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pos-snapmode-'));
    store = LocalStore.open(path.join(dir, 'terminal.sqlite'));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is back to FULL after each chunk, a refused one and the last; the checkpoint interval is restored at the end', () => {
    store.applySnapshotChunk({ snapshotId: SNAP, index: 0, last: false, cursor: null, entity: 'members', items: [member(1), member(2)] });
    expect(pragma('synchronous')).toBe(FULL);
    expect(pragma('wal_autocheckpoint')).toBe(16_384);
    store.commitSale(saleDraft(1), 'T-');
    expect(() => store.applySnapshotChunk({ snapshotId: SNAP, index: 5, last: false, cursor: null, entity: 'members', items: [member(3)] })).toThrow(
      expect.objectContaining({ code: 'SNAPSHOT_OUT_OF_ORDER' }),
    );
    expect(pragma('synchronous')).toBe(FULL);
    store.applySnapshotChunk({ snapshotId: SNAP, index: 1, last: true, cursor: 'c-1', entity: 'cards', items: [card(1, { uids: [uidOf(1)] }), card(2)] });
    expect(pragma('synchronous')).toBe(FULL);
    expect(pragma('wal_autocheckpoint')).toBe(1000);
    expect(store.cursor()).toBe('c-1');
    expect(store.members.size()).toEqual({ members: 2, cards: 2 });
    expect(store.members.member(memberIdOf(3))).toBeNull();
    expect(store.members.cardByUid(uidOf(1))?.cardNo).toBe(cardNoOf(1));
    expect(store.journal.outboxSize()).toBe(1);
  });

  it('removes what an earlier snapshot left unless the caches were empty, and keeps what a delta wrote meanwhile', () => {
    store.applySnapshotChunk({ snapshotId: SNAP, index: 0, last: false, cursor: null, entity: 'members', items: [member(1), member(2)] });
    store.applyDelta({ cursor: 'd-1', changes: [{ op: 'upsert', change: { entity: 'members', items: [member(8)] } }] });
    store.applySnapshotChunk({ snapshotId: SNAP, index: 1, last: true, cursor: 'c-1', entity: 'cards', items: [card(1)] });
    expect([1, 2, 8].map((i) => store.members.member(memberIdOf(i))?.memberId)).toEqual([1, 2, 8].map(memberIdOf));
    // A second snapshot over a filled cache removes the members and cards it does not mention.
    const SNAP3 = '01JSNAP0000000000000000003';
    store.applySnapshotChunk({ snapshotId: SNAP3, index: 0, last: false, cursor: null, entity: 'members', items: [member(2)] });
    store.applySnapshotChunk({ snapshotId: SNAP3, index: 1, last: true, cursor: 'c-3', entity: 'cards', items: [card(2)] });
    expect(store.members.size()).toEqual({ members: 1, cards: 1 });
    expect(store.members.member(memberIdOf(2))?.memberId).toBe(memberIdOf(2));
    expect(store.members.card(cardNoOf(1))).toBeNull();
  });

  it('a chunk of 123 (two statements of 50 rows, 23 rows one by one) writes every row; a key given twice keeps the later row', () => {
    const members = Array.from({ length: 123 }, (_, i) => member(i + 1));
    members[70] = member(10, { name: '后来的' }); // member 10 again, in the second statement
    const cards = Array.from({ length: 123 }, (_, i) => card(i + 1));
    cards[110] = card(111, { uids: [uidOf(5)] }); // takes card 5's UID, in the rows written one by one
    store.applySnapshotChunk({ snapshotId: SNAP, index: 0, last: false, cursor: null, entity: 'members', items: members });
    store.applySnapshotChunk({ snapshotId: SNAP, index: 1, last: true, cursor: 'c-4', entity: 'cards', items: cards });
    expect(store.members.size()).toEqual({ members: 122, cards: 123 });
    expect(store.members.member(memberIdOf(10))?.name).toBe('后来的');
    expect(store.members.member(memberIdOf(71))).toBeNull();
    expect(store.members.member(memberIdOf(123))).toEqual(member(123));
    expect(store.members.memberByPhone(member(50).phone!)?.memberId).toBe(memberIdOf(50));
    expect(store.members.cardByUid(uidOf(5))?.cardNo).toBe(cardNoOf(111));
    expect(store.members.cardByUid(uidOf(49))?.cardNo).toBe(cardNoOf(49));
    expect(store.members.card(cardNoOf(100))).toEqual(card(100));
  });

  it('a cards chunk rebinds UIDs as card-by-card writes did', () => {
    store.loadMembers([member(1), member(2)], [card(1, { uids: ['AAAA0001', 'AAAA0002'] }), card(2, { uids: ['BBBB0001'] })]);
    store.applySnapshotChunk({ snapshotId: SNAP, index: 0, last: false, cursor: null, entity: 'members', items: [member(1), member(2)] });
    // Card 1 loses AAAA0002 and takes BBBB0001 from card 2, which keeps nothing.
    store.applySnapshotChunk({ snapshotId: SNAP, index: 1, last: true, cursor: 'c-2', entity: 'cards', items: [card(1, { uids: ['AAAA0001', 'BBBB0001'] }), card(2, { uids: [] })] });
    expect(store.members.cardByUid('AAAA0001')?.cardNo).toBe(cardNoOf(1));
    expect(store.members.cardByUid('BBBB0001')?.cardNo).toBe(cardNoOf(1));
    expect(store.members.cardByUid('AAAA0002')).toBeNull();
  });
});
