// A snapshot into empty caches drops the member cache's secondary indexes at its first chunk and
// builds them in the transaction of its last; a bootstrap cut in between must not leave a store
// without them, whether the store is reopened or a new snapshot starts on the same connection.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStore } from '../../../terminal/src/store/index.js';
import { card, cardNoOf, member, memberIdOf, uidOf } from './fixtures/records.js';

const SNAP = '01JSNAP0000000000000000001';
const SNAP2 = '01JSNAP0000000000000000002';
const BULK = ['cards_by_member', 'members_by_phone'];
const ALL_CACHE_INDEXES = ['barcodes_by_sku', 'card_uids_by_card', 'cards_by_member', 'members_by_phone'];

describe('secondary indexes around a snapshot into empty caches', () => {
  let dir: string;
  let file: string;
  let store: LocalStore;
  const db = () => (store as unknown as { db: Database.Database }).db;
  const cacheIndexes = () =>
    db()
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('members', 'cards', 'card_uids', 'barcodes') AND sql IS NOT NULL ORDER BY name`)
      .pluck()
      .all();
  const plan = (sql: string, arg: string) => (db().prepare(`EXPLAIN QUERY PLAN ${sql}`).all(arg) as { detail: string }[]).map((r) => r.detail).join('; ');
  const members = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => member(from + i));
  const cards = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => card(from + i, { uids: [uidOf(from + i)] }));

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pos-bulkidx-'));
    file = path.join(dir, 'terminal.sqlite');
    store = LocalStore.open(file);
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are gone between the chunks and back after the last; lookups by phone, card number, UID and member use them', () => {
    expect(cacheIndexes()).toEqual(ALL_CACHE_INDEXES);
    store.applySnapshotChunk({ snapshotId: SNAP, index: 0, last: false, cursor: null, entity: 'members', items: members(1, 60) });
    expect(cacheIndexes()).toEqual(['barcodes_by_sku', 'card_uids_by_card']);
    store.applySnapshotChunk({ snapshotId: SNAP, index: 1, last: false, cursor: null, entity: 'cards', items: cards(1, 30) });
    store.applySnapshotChunk({ snapshotId: SNAP, index: 2, last: true, cursor: 'c-1', entity: 'cards', items: cards(31, 60) });
    expect(cacheIndexes()).toEqual(ALL_CACHE_INDEXES);
    expect(store.cursor()).toBe('c-1');
    expect(store.members.size()).toEqual({ members: 60, cards: 60 });
    expect(store.members.memberByPhone(member(42).phone!)?.memberId).toBe(memberIdOf(42));
    expect(store.members.card(cardNoOf(7))?.memberId).toBe(memberIdOf(7));
    expect(store.members.cardByUid(uidOf(55))?.cardNo).toBe(cardNoOf(55));
    expect(store.members.cardsOf(memberIdOf(33)).map((c) => c.cardNo)).toEqual([cardNoOf(33)]);
    expect(plan(`SELECT body FROM members WHERE phone = ?`, member(42).phone!)).toContain('USING INDEX members_by_phone');
    expect(plan(`SELECT body FROM cards WHERE member_id = ?`, memberIdOf(33))).toContain('USING INDEX cards_by_member');
    expect(store.integrityCheck()).toBe('ok');
  });

  it('a bootstrap cut after the first chunk has them back when the store is opened again, and the next snapshot completes', () => {
    store.applySnapshotChunk({ snapshotId: SNAP, index: 0, last: false, cursor: null, entity: 'members', items: members(1, 40) });
    expect(cacheIndexes()).toEqual(['barcodes_by_sku', 'card_uids_by_card']);
    store.close();
    store = LocalStore.open(file);
    expect(cacheIndexes()).toEqual(ALL_CACHE_INDEXES);
    expect(store.cursor()).toBeNull();
    expect(store.members.memberByPhone(member(12).phone!)?.memberId).toBe(memberIdOf(12));
    // The caches are no longer empty: the next snapshot keeps the indexes and removes what it does not send.
    store.applySnapshotChunk({ snapshotId: SNAP2, index: 0, last: false, cursor: null, entity: 'members', items: members(1, 30) });
    expect(cacheIndexes()).toEqual(ALL_CACHE_INDEXES);
    store.applySnapshotChunk({ snapshotId: SNAP2, index: 1, last: true, cursor: 'c-2', entity: 'cards', items: cards(1, 30) });
    expect(cacheIndexes()).toEqual(ALL_CACHE_INDEXES);
    expect(store.members.size()).toEqual({ members: 30, cards: 30 });
    expect(store.members.member(memberIdOf(31))).toBeNull();
    expect(store.members.memberByPhone(member(30).phone!)?.memberId).toBe(memberIdOf(30));
    expect(store.members.cardByUid(uidOf(30))?.cardNo).toBe(cardNoOf(30));
    expect(store.integrityCheck()).toBe('ok');
  });

  it('a new snapshot on the same connection after a cut one builds them at its first chunk', () => {
    store.applySnapshotChunk({ snapshotId: SNAP, index: 0, last: false, cursor: null, entity: 'members', items: members(1, 40) });
    store.applySnapshotChunk({ snapshotId: SNAP2, index: 0, last: false, cursor: null, entity: 'members', items: members(1, 40) });
    expect(cacheIndexes()).toEqual(ALL_CACHE_INDEXES);
    expect(store.members.memberByPhone(member(40).phone!)?.memberId).toBe(memberIdOf(40));
  });

  it('a refused last chunk rolls the index build back with it; the store still opens with them', () => {
    store.applySnapshotChunk({ snapshotId: SNAP, index: 0, last: false, cursor: null, entity: 'members', items: members(1, 10) });
    expect(() => store.applySnapshotChunk({ snapshotId: SNAP, index: 1, last: true, cursor: null, entity: 'cards', items: cards(1, 10) })).toThrow(
      expect.objectContaining({ code: 'SNAPSHOT_OUT_OF_ORDER' }),
    );
    expect(cacheIndexes()).toEqual(['barcodes_by_sku', 'card_uids_by_card']);
    expect(store.members.size()).toEqual({ members: 10, cards: 0 });
    store.close();
    store = LocalStore.open(file);
    expect(cacheIndexes()).toEqual(ALL_CACHE_INDEXES);
  });

  it('a snapshot into caches that were not empty never drops them', () => {
    store.loadMembers([member(1)], [card(1)]);
    store.applySnapshotChunk({ snapshotId: SNAP, index: 0, last: false, cursor: null, entity: 'members', items: members(1, 5) });
    expect(cacheIndexes()).toEqual(ALL_CACHE_INDEXES);
    expect(BULK.every((name) => cacheIndexes().includes(name))).toBe(true);
  });
});
