// The terminal's durable local store (better-sqlite3, WAL, synchronous=FULL): journal + outbox,
// counters, member/card and catalogue caches, active rule set, store settings and sync cursor.
//
// Guarantees: every commit method writes the journal row and the outbox row in one IMMEDIATE
// transaction and returns only after SQLite has fsynced it; a failure (disk full included) rolls
// the whole transaction back and surfaces as a typed StoreError. A snapshot chunk or delta is
// applied in one transaction together with the cursor it leads to.
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { pino, type Logger } from 'pino';
import type {
  CardEventBody,
  CardRecord,
  CatalogueItem,
  DeltaBody,
  MemberEnrolledBody,
  MemberRecord,
  RechargeCommittedBody,
  RuleSetRecord,
  SaleCommittedBody,
  SaleRefundedBody,
  ShiftClosedBody,
  SnapshotChunkBody,
  StoreSettings,
} from '@pos/protocol';
import { CatalogueCache } from './catalogue-cache.js';
import {
  FRAME_SEQ_COUNTER,
  JournalRepository,
  type JournalEntry,
  RECEIPT_COUNTER,
  formatReceiptNo,
} from './journal-repository.js';
import { BULK_LOAD_INDEXES, MemberCache } from './member-cache.js';
import { migrate } from './migrations.js';
import { StoreError, toStoreError } from './store-error.js';

export interface LocalStoreOptions {
  logger?: Logger;
  /** How long a writer waits for another connection's lock before STORE_BUSY. */
  busyTimeoutMs?: number;
}

/** Records enrolled at this till carry this generation so no snapshot removes them before HQ sends them back. */
export const LOCAL_GEN = Number.MAX_SAFE_INTEGER;

const SYNC_GEN_COUNTER = 'syncGen';
const KEY_CURSOR = 'cursor';
const KEY_RULE_SET = 'ruleSet';
const KEY_STORE_SETTINGS = 'storeSettings';
const KEY_SNAPSHOT = 'snapshotInProgress';
/** SQLite's default WAL auto-checkpoint, in pages. */
const WAL_CHECKPOINT_PAGES = 1000;
/**
 * While a snapshot is applied: its chunks rewrite the same b-tree pages chunk after chunk, and a
 * checkpoint at every chunk (each is ~1,000 pages) wrote them to the database file over and over.
 */
const SNAPSHOT_WAL_CHECKPOINT_PAGES = 16_384;

interface SnapshotProgress {
  snapshotId: string;
  nextIndex: number;
  gen: number;
  /**
   * The caches were empty at chunk 0: every row is then of this snapshot's generation or newer
   * (deltas and loads write the current one, enrolments LOCAL_GEN), so the last chunk has
   * nothing to remove and skips scanning a million rows for it.
   */
  fresh?: boolean;
  /** BULK_LOAD_INDEXES were dropped at chunk 0 (fresh caches) and are built by the last chunk. */
  indexesDropped?: boolean;
}

const CARD_STATUS_AFTER: Partial<Record<CardEventBody['action'], CardRecord['status']>> = {
  loss: 'lost',
  unloss: 'active',
  freeze: 'frozen',
  unfreeze: 'active',
  cancel: 'cancelled',
  replace: 'replaced',
};

export class LocalStore {
  readonly journal: JournalRepository;
  readonly members: MemberCache;
  readonly catalogue: CatalogueCache;
  private readonly log: Logger;
  private readonly getState;
  private readonly putState;
  private readonly deleteState;
  private readonly putPricing;
  private readonly getPricing;
  private readonly pruneMemberCodes;
  private readonly insertMemberCode;
  private syncChanges = 0;

  private constructor(
    private readonly db: Db,
    readonly file: string,
    logger: Logger,
  ) {
    this.log = logger.child({ module: 'terminal/store' });
    this.journal = new JournalRepository(db);
    this.members = new MemberCache(db);
    this.catalogue = new CatalogueCache(db);
    this.getState = db.prepare(`SELECT value FROM sync_state WHERE key = ?`).pluck();
    this.putState = db.prepare(`INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
    this.deleteState = db.prepare(`DELETE FROM sync_state WHERE key = ?`);
    this.putPricing = db.prepare(`INSERT INTO sale_pricing (sale_id, priced) VALUES (?, ?)`);
    this.getPricing = db.prepare(`SELECT priced FROM sale_pricing WHERE sale_id = ?`).pluck();
    this.pruneMemberCodes = db.prepare(`DELETE FROM used_member_codes WHERE step < ?`);
    this.insertMemberCode = db.prepare(`INSERT OR IGNORE INTO used_member_codes (member_id, step, used_at_ms) VALUES (?, ?, ?)`);
  }

  static open(file: string, options: LocalStoreOptions = {}): LocalStore {
    const logger = options.logger ?? pino({ level: 'silent' });
    let db: Db | undefined;
    try {
      db = new Database(file);
      db.pragma('journal_mode = WAL');
      // FULL: the WAL is fsynced at every commit, so a returned commit survives power loss.
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
      const mode = db.pragma('journal_mode', { simple: true });
      if (mode !== 'wal') throw new StoreError('STORE_IO', `journal_mode is ${String(mode)}, expected wal`);
      migrate(db);
      // A snapshot into empty caches cut before its last chunk left its rows without these indexes;
      // the next snapshot is not into empty caches and keeps them, so they are back from here on.
      const present = new Set(db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index'`).pluck().all() as string[]);
      for (const index of BULK_LOAD_INDEXES) if (!present.has(index.name)) db.exec(index.create);
      return new LocalStore(db, file, logger);
    } catch (error) {
      db?.close();
      throw toStoreError(error);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Runs `fn` in an IMMEDIATE transaction and maps SQLite failures to StoreError. */
  private write<T>(fn: () => T): T {
    if (!this.db.open) throw new StoreError('STORE_CLOSED');
    try {
      return this.db.transaction(fn).immediate();
    } catch (error) {
      const mapped = toStoreError(error);
      if (mapped instanceof StoreError) this.log.error({ code: mapped.code, err: error }, 'store write refused');
      throw mapped;
    }
  }

  /**
   * Commits a sale: allocates the next gap-free receipt number, journals the sale and enqueues it,
   * all in one durable transaction. Nothing may print or open the drawer before this returns.
   */
  commitSale(draft: Omit<SaleCommittedBody, 'receiptNo'>, receiptPrefix: string, pricing?: unknown): JournalEntry<'saleCommitted'> {
    const entry = this.write(() => {
      const receiptNo = formatReceiptNo(receiptPrefix, this.journal.nextInTransaction(RECEIPT_COUNTER));
      const appended = this.journal.appendInTransaction('saleCommitted', { ...draft, receiptNo } as SaleCommittedBody);
      if (pricing !== undefined) this.putPricing.run(appended.body.saleId, JSON.stringify(pricing));
      return appended;
    });
    this.log.info({ saleId: entry.body.saleId, receiptNo: entry.body.receiptNo, journalSeq: entry.journalSeq }, 'sale committed');
    return entry;
  }

  /** The engine's priced basket stored with a sale, for refunds; null for sales committed without one. */
  pricingOf(saleId: string): unknown {
    const json = this.getPricing.get(saleId) as string | undefined;
    return json === undefined ? null : (JSON.parse(json) as unknown);
  }

  /** A refund prints its own receipt, numbered from the same gap-free sequence as sales. */
  commitRefund(draft: Omit<SaleRefundedBody, 'receiptNo'>, receiptPrefix: string): JournalEntry<'saleRefunded'> {
    const entry = this.write(() => {
      const receiptNo = formatReceiptNo(receiptPrefix, this.journal.nextInTransaction(RECEIPT_COUNTER));
      return this.journal.appendInTransaction('saleRefunded', { ...draft, receiptNo } as SaleRefundedBody);
    });
    this.log.info({ refundId: entry.body.refundId, saleId: entry.body.saleId, receiptNo: entry.body.receiptNo }, 'refund committed');
    return entry;
  }

  commitRecharge(body: RechargeCommittedBody): JournalEntry<'rechargeCommitted'> {
    const entry = this.write(() => this.journal.appendInTransaction('rechargeCommitted', body));
    this.log.info({ rechargeId: body.rechargeId, paidFen: body.paidFen }, 'recharge committed');
    return entry;
  }

  /** Journals a forecourt shift close (班结); its journalSeq is where the next shift's sales start. */
  commitShiftClosed(body: ShiftClosedBody): JournalEntry<'shiftClosed'> {
    const entry = this.write(() => this.journal.appendInTransaction('shiftClosed', body));
    this.log.info({ shiftId: body.shiftId, journalSeq: entry.journalSeq }, 'shift closed');
    return entry;
  }

  /** Journals the enrolment and caches the new member at once, so the till can sell to them offline. */
  commitEnrolment(body: MemberEnrolledBody, member: MemberRecord): JournalEntry<'memberEnrolled'> {
    return this.write(() => {
      const entry = this.journal.appendInTransaction('memberEnrolled', body);
      this.members.putMember(member, LOCAL_GEN);
      return entry;
    });
  }

  /** Journals a card action and shows its effect in the cache (a card reported lost is refused at once). */
  commitCardEvent(body: CardEventBody): JournalEntry<'cardEvent'> {
    return this.write(() => {
      const entry = this.journal.appendInTransaction('cardEvent', body);
      const status = CARD_STATUS_AFTER[body.action];
      if (status) this.members.putCardStatus(body.cardNo, status, body.occurredAt);
      if (body.action === 'bind' && body.uid) this.members.bindUid(body.cardNo, body.uid);
      return entry;
    });
  }

  /**
   * Claims the 30 s step of a member code: true the first time (member, step) is claimed on this
   * till, false after, across restarts. Steps older than `oldestStepKept` are pruned in the same
   * write, so the table holds only codes that could still verify.
   */
  claimMemberCode(memberId: string, step: number, oldestStepKept: number, nowMs: number): boolean {
    return this.write(() => {
      this.pruneMemberCodes.run(oldestStepKept);
      return this.insertMemberCode.run(memberId, step, nowMs).changes === 1;
    });
  }

  /** The next frame seq for the sync client, persisted before it is used so a restart never repeats one. */
  nextFrameSeq(): number {
    return this.write(() => this.journal.nextInTransaction(FRAME_SEQ_COUNTER));
  }

  /**
   * Reserves `count` frame seqs with one durable write and returns the first; the sync client
   * hands them out from memory. Seqs reserved but unused before a crash are skipped, never reused.
   */
  reserveFrameSeqs(count: number): number {
    if (!Number.isInteger(count) || count < 1 || count > 100_000) throw new RangeError(`cannot reserve ${count} seqs`);
    return this.write(() => this.journal.advanceInTransaction(FRAME_SEQ_COUNTER, count));
  }

  lastFrameSeq(): number {
    return this.journal.counterValue(FRAME_SEQ_COUNTER);
  }

  /** Bumped by every snapshot chunk and delta this store applies, so readers can cache rules and settings. */
  get syncVersion(): number {
    return this.syncChanges;
  }

  cursor(): string | null {
    return (this.getState.get(KEY_CURSOR) as string | undefined) ?? null;
  }

  activeRuleSet(): RuleSetRecord | null {
    return this.readJson<RuleSetRecord>(KEY_RULE_SET);
  }

  storeSettings(): StoreSettings | null {
    return this.readJson<StoreSettings>(KEY_STORE_SETTINGS);
  }

  /**
   * Applies one snapshot chunk atomically. Chunk 0 starts a new generation; every later chunk must
   * follow in order. On the last chunk, rows the snapshot did not mention are removed and the
   * cursor is adopted, in the same transaction.
   */
  applySnapshotChunk(chunk: SnapshotChunkBody): void {
    // A larger page cache (64 MiB) while a snapshot is applied was tried: no measurable gain at
    // 1,000,000 members once the phone index is built at the end (bench/catch-up bootstrap 50.1 and
    // 58.2 s with it, 49.2 and 50.4 s without, load ~4.5-5), and ~60 MiB more RSS.
    if (chunk.index === 0) this.db.pragma(`wal_autocheckpoint = ${SNAPSHOT_WAL_CHECKPOINT_PAGES}`);
    // A chunk before the last is committed without an fsync: lost at a power cut, it rolls back
    // with the progress row written in the same transaction, and the terminal, still without a
    // cursor, bootstraps again. The last chunk (the cursor) is fsynced, and with it the WAL
    // before it. Set and reset around this one synchronous transaction, so no sale, refund or
    // other commit on this connection ever runs without FULL.
    if (!chunk.last) this.db.pragma('synchronous = NORMAL');
    try {
      this.applyChunkInTransaction(chunk);
    } finally {
      if (!chunk.last) this.db.pragma('synchronous = FULL');
    }
    this.syncChanges += 1;
    if (chunk.last) {
      // Checkpointed now, as part of the bootstrap, rather than by the next sale's commit.
      this.db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
      this.db.pragma('wal_checkpoint(PASSIVE)');
    }
    this.log.debug({ snapshotId: chunk.snapshotId, index: chunk.index, entity: chunk.entity, items: chunk.items.length }, 'snapshot chunk applied');
  }

  private applyChunkInTransaction(chunk: SnapshotChunkBody): void {
    this.write(() => {
      let progress = this.readJson<SnapshotProgress>(KEY_SNAPSHOT);
      if (chunk.index === 0) {
        const fresh = this.db.prepare(`SELECT NOT EXISTS (SELECT 1 FROM members) AND NOT EXISTS (SELECT 1 FROM cards) AND NOT EXISTS (SELECT 1 FROM catalogue)`).pluck().get() === 1;
        // Dropped in the transaction that writes the progress row: a cut before the last chunk
        // leaves them missing until the store is opened again or the next snapshot starts.
        const indexesDropped = fresh && !chunk.last;
        for (const index of BULK_LOAD_INDEXES) this.db.exec(indexesDropped ? `DROP INDEX IF EXISTS ${index.name}` : index.create);
        progress = { snapshotId: chunk.snapshotId, nextIndex: 0, gen: this.journal.nextInTransaction(SYNC_GEN_COUNTER), fresh, indexesDropped };
      } else if (!progress || progress.snapshotId !== chunk.snapshotId || progress.nextIndex !== chunk.index) {
        throw new StoreError(
          'SNAPSHOT_OUT_OF_ORDER',
          `chunk ${chunk.index} of ${chunk.snapshotId}, expected ${progress ? `${progress.nextIndex} of ${progress.snapshotId}` : 'chunk 0'}`,
        );
      }
      this.putItems(chunk, progress.gen);
      if (chunk.last) {
        if (chunk.cursor === null) throw new StoreError('SNAPSHOT_OUT_OF_ORDER', 'last chunk without a cursor', 'cursor');
        const gen = progress.gen;
        if (!progress.fresh) {
          this.db.prepare(`DELETE FROM card_uids WHERE card_no IN (SELECT card_no FROM cards WHERE gen < ?)`).run(gen);
          this.db.prepare(`DELETE FROM cards WHERE gen < ?`).run(gen);
          this.db.prepare(`DELETE FROM members WHERE gen < ?`).run(gen);
          this.db.prepare(`DELETE FROM barcodes WHERE sku IN (SELECT sku FROM catalogue WHERE gen < ?)`).run(gen);
          this.db.prepare(`DELETE FROM catalogue WHERE gen < ?`).run(gen);
        }
        // Built over the whole snapshot once, in the transaction that adopts the cursor.
        if (progress.indexesDropped) for (const index of BULK_LOAD_INDEXES) this.db.exec(index.create);
        this.putState.run(KEY_CURSOR, chunk.cursor);
        this.deleteState.run(KEY_SNAPSHOT);
      } else {
        this.putState.run(KEY_SNAPSHOT, JSON.stringify({ ...progress, nextIndex: chunk.index + 1 }));
      }
    });
  }

  /** Applies a delta and advances the cursor in one transaction. */
  applyDelta(delta: DeltaBody): void {
    this.write(() => {
      const gen = this.journal.counterValue(SYNC_GEN_COUNTER);
      for (const change of delta.changes) {
        if (change.op === 'upsert') {
          this.putItems(change.change, gen);
          continue;
        }
        for (const key of change.keys) {
          switch (change.entity) {
            case 'members':
              this.members.removeMember(key);
              break;
            case 'cards':
              this.members.removeCard(key);
              break;
            case 'catalogue':
              this.catalogue.removeItem(key);
              break;
            case 'ruleSet':
              if (this.activeRuleSet()?.ruleSetId === key) this.deleteState.run(KEY_RULE_SET);
              break;
            case 'storeSettings':
              if (this.storeSettings()?.storeId === key) this.deleteState.run(KEY_STORE_SETTINGS);
              break;
          }
        }
      }
      this.putState.run(KEY_CURSOR, delta.cursor);
    });
    this.syncChanges += 1;
    this.log.debug({ cursor: delta.cursor, changes: delta.changes.length }, 'delta applied');
  }

  private putItems(change: SnapshotChunkBody | Extract<DeltaBody['changes'][number], { op: 'upsert' }>['change'], gen: number): void {
    switch (change.entity) {
      case 'members':
        this.members.putMembers(change.items, gen);
        break;
      case 'cards':
        this.members.putCards(change.items, gen);
        break;
      case 'catalogue':
        for (const i of change.items) this.catalogue.putItem(i, gen);
        break;
      case 'ruleSet': {
        const ruleSet = change.items[0];
        // An older rule set arriving late never replaces a newer one.
        if (ruleSet && (this.activeRuleSet()?.version ?? 0) <= ruleSet.version) this.putState.run(KEY_RULE_SET, JSON.stringify(ruleSet));
        break;
      }
      case 'storeSettings': {
        const settings = change.items[0];
        if (settings) this.putState.run(KEY_STORE_SETTINGS, JSON.stringify(settings));
        break;
      }
    }
  }

  private readJson<T>(key: string): T | null {
    const value = this.getState.get(key) as string | undefined;
    return value === undefined ? null : (JSON.parse(value) as T);
  }

  /** Bulk loading for tests, benchmarks and a first install: one transaction per call. */
  loadMembers(members: readonly MemberRecord[], cards: readonly CardRecord[]): void {
    this.write(() => {
      const gen = this.journal.counterValue(SYNC_GEN_COUNTER);
      for (const m of members) this.members.putMember(m, gen);
      for (const c of cards) this.members.putCard(c, gen);
    });
  }

  loadCatalogue(items: readonly CatalogueItem[]): void {
    this.write(() => {
      const gen = this.journal.counterValue(SYNC_GEN_COUNTER);
      for (const i of items) this.catalogue.putItem(i, gen);
    });
  }

  /** Parks a basket (any JSON the checkout chooses); durable like everything else here. */
  putSuspended(suspendId: string, suspendedAtMs: number, basket: unknown): void {
    this.write(() => {
      this.db
        .prepare(`INSERT INTO suspended_sales (suspend_id, suspended_at_ms, body) VALUES (?, ?, ?) ON CONFLICT(suspend_id) DO UPDATE SET suspended_at_ms = excluded.suspended_at_ms, body = excluded.body`)
        .run(suspendId, suspendedAtMs, JSON.stringify(basket));
    });
  }

  deleteSuspended(suspendId: string): void {
    this.write(() => {
      this.db.prepare(`DELETE FROM suspended_sales WHERE suspend_id = ?`).run(suspendId);
    });
  }

  /** Parked baskets, oldest first, at most `limit`. */
  listSuspended(limit: number): { suspendId: string; suspendedAtMs: number; basket: unknown }[] {
    const rows = this.db
      .prepare(`SELECT suspend_id, suspended_at_ms, body FROM suspended_sales ORDER BY suspended_at_ms, suspend_id LIMIT ?`)
      .all(Math.max(1, Math.min(limit, 1000))) as { suspend_id: string; suspended_at_ms: number; body: string }[];
    return rows.map((r) => ({ suspendId: r.suspend_id, suspendedAtMs: r.suspended_at_ms, basket: JSON.parse(r.body) as unknown }));
  }

  /** SQLite's own consistency check; 'ok' when the file is sound. */
  integrityCheck(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string;
  }

  /** For the disk-full test and for operators: cap the database file at this many pages. */
  setMaxPageCount(pages: number): number {
    return this.db.pragma(`max_page_count = ${Math.max(1, Math.trunc(pages))}`, { simple: true }) as number;
  }

  pageCount(): number {
    return this.db.pragma('page_count', { simple: true }) as number;
  }
}
