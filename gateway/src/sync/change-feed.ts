// Downstream changes for terminals, read back from the tables' own timestamps: members, cards,
// balances (ledger transactions name their member and card), flags, the price list and the rule
// set. One poller per merchant with connected terminals reads the shared database, so a change
// made through any gateway instance reaches terminals on every instance within `pollMs`.
//
// Cursors are `t:<ms>`. A window is read with `overlapMs` of overlap, because a transaction that
// commits late can carry an earlier timestamp; deltas are upserts of whole current records, so
// reading a change twice is harmless, and the poller skips records it already pushed unchanged.
import pino, { type Logger } from 'pino';
import { type DeltaBody, type PreparedBody, prepareBody } from '@pos/protocol';
import { catalogueItemsAfter } from '../catalogue/catalogue-service.js';
import type { Clock } from '../context.js';
import type { GatewayDb } from '../db/database.js';
import { SNAPSHOT_CHUNK_ITEMS, type SnapshotBuilder } from './snapshot-builder.js';
import { syncDb } from './sync-tables.js';
import { marketingDb } from '../marketing/marketing-tables.js';

export interface ChangeFeedOptions {
  pollMs?: number;
  overlapMs?: number;
  /** Beyond this many changed members a terminal is better served by a snapshot. */
  maxDeltaMembers?: number;
  logger?: Logger;
}

/** Gets each live delta prepared once (canonical JSON computed) for all of the merchant's terminals. */
type Listener = (delta: PreparedBody<'delta'>) => void;

interface Watch {
  listeners: Set<Listener>;
  highWaterMs: number;
  /** JSON of each record last pushed, by entity key, to skip unchanged re-reads. */
  pushed: Map<string, { json: string; atMs: number }>;
  /** Change rows (table, key, timestamp) whose records were already read, with their timestamps. */
  seen: Map<string, number>;
  polling: boolean;
}

/** One row that says something changed: `mark` names the row and its change time. */
interface ChangeRow {
  mark: string;
  atMs: number;
}

export function cursorOf(ms: number): string {
  return `t:${ms}`;
}

/** The time a cursor stands for, or null when it is not one of ours. */
export function cursorTime(cursor: string | null): number | null {
  const match = cursor ? /^t:(\d{1,16})$/.exec(cursor) : null;
  return match ? Number(match[1]) : null;
}

export class ChangeFeed {
  private readonly pollMs: number;
  private readonly overlapMs: number;
  private readonly maxDeltaMembers: number;
  private readonly log: Logger;
  private readonly watches = new Map<string, Watch>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly gdb: GatewayDb,
    private readonly snapshots: SnapshotBuilder,
    private readonly clock: Clock,
    options: ChangeFeedOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 500;
    this.overlapMs = options.overlapMs ?? 5_000;
    this.maxDeltaMembers = options.maxDeltaMembers ?? 20_000;
    this.log = (options.logger ?? pino({ level: 'silent' })).child({ module: 'gateway/sync/feed' });
  }

  /**
   * Every change in (sinceMs − overlap, untilMs] as deltas (several when large), the last one
   * carrying cursor(untilMs); null when so much changed that a snapshot is cheaper.
   */
  async deltasSince(merchantId: string, sinceMs: number, untilMs: number): Promise<DeltaBody[] | null> {
    const changed = await this.changedKeys(merchantId, sinceMs - this.overlapMs, untilMs);
    if (changed.memberIds.length > this.maxDeltaMembers) return null;
    const changes = await this.records(merchantId, changed);
    return this.chunk(changes, cursorOf(sinceMs), cursorOf(untilMs));
  }

  /** Calls `listener` with each live delta for the merchant until the returned function is called. */
  watch(merchantId: string, listener: Listener): () => void {
    let watch = this.watches.get(merchantId);
    if (!watch) {
      watch = { listeners: new Set(), highWaterMs: this.clock.nowMs(), pushed: new Map(), seen: new Map(), polling: false };
      this.watches.set(merchantId, watch);
    }
    watch.listeners.add(listener);
    if (!this.timer) this.timer = setInterval(() => this.pollAll(), this.pollMs);
    return () => {
      watch.listeners.delete(listener);
      if (watch.listeners.size === 0) this.watches.delete(merchantId);
      if (this.watches.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.watches.clear();
  }

  private pollAll(): void {
    for (const [merchantId, watch] of this.watches) {
      if (watch.polling) continue;
      watch.polling = true;
      this.poll(merchantId, watch)
        .catch((error) => this.log.error({ err: error instanceof Error ? error.message : String(error), merchantId }, 'change poll failed'))
        .finally(() => {
          watch.polling = false;
        });
    }
  }

  private async poll(merchantId: string, watch: Watch): Promise<void> {
    const untilMs = this.clock.nowMs();
    // The overlap re-reads every change of the last overlapMs at each poll: at 500 terminals that was
    // each changed member read ~10 times. A change row already read is skipped once it is older than
    // two polls; until then it is read again, in case another write to the same row took the same
    // millisecond and committed after the last read.
    const settledBefore = untilMs - 2 * this.pollMs;
    const alreadyRead = (row: ChangeRow) => row.atMs < settledBefore && watch.seen.has(row.mark);
    const changed = await this.changedKeys(merchantId, watch.highWaterMs - this.overlapMs, untilMs, alreadyRead);
    watch.highWaterMs = Math.max(watch.highWaterMs, untilMs);
    const all = await this.records(merchantId, changed);
    for (const row of changed.rows) watch.seen.set(row.mark, row.atMs);
    // Forget what was pushed long enough ago that it can no longer come back through the overlap.
    for (const [key, entry] of watch.pushed) if (entry.atMs < untilMs - 2 * this.overlapMs) watch.pushed.delete(key);
    for (const [mark, atMs] of watch.seen) if (atMs < untilMs - 2 * this.overlapMs) watch.seen.delete(mark);
    const fresh: DeltaBody['changes'] = [];
    for (const change of all) {
      if (change.op !== 'upsert') continue;
      const items = (change.change.items as unknown[]).filter((item) => {
        const key = `${change.change.entity}:${keyOfItem(change.change.entity, item)}`;
        const json = JSON.stringify(item);
        if (watch.pushed.get(key)?.json === json) return false;
        watch.pushed.set(key, { json, atMs: untilMs });
        return true;
      });
      if (items.length > 0) fresh.push({ op: 'upsert', change: { entity: change.change.entity, items } as never });
    }
    if (fresh.length === 0) return;
    for (const delta of this.chunk(fresh, cursorOf(untilMs), cursorOf(untilMs))) {
      const prepared = prepareBody('delta', delta);
      for (const listener of watch.listeners) listener(prepared);
    }
  }

  /** What changed in (fromMs, toMs]; rows for which `alreadyRead` is true are left out. */
  private async changedKeys(merchantId: string, fromMs: number, toMs: number, alreadyRead: (row: ChangeRow) => boolean = () => false) {
    const db = syncDb(this.gdb);
    const between = <T extends { where: (...args: any[]) => T }>(q: T, column: string): T =>
      q.where('merchant_id' as never, '=', merchantId as never).where(column as never, '>', fromMs as never).where(column as never, '<=', toMs as never);
    const [members, cards, txs, flags, rules, catalogue, coupons] = await Promise.all([
      between(db.selectFrom('members').select(['id', 'updated_at']), 'updated_at').execute(),
      between(db.selectFrom('cards').select(['card_no', 'member_id', 'updated_at']), 'updated_at').execute(),
      between(db.selectFrom('ledger_transactions').select(['id', 'member_id', 'card_id', 'created_at']), 'created_at').execute(),
      between(db.selectFrom('member_flags').select(['member_id', 'flag', 'event_id', 'raised_at']), 'raised_at').execute(),
      between(db.selectFrom('rule_set_versions').select(['version', 'published_at']), 'published_at').execute(),
      between(db.selectFrom('catalogue_items').select(['sku', 'updated_at']), 'updated_at').execute(),
      // A coupon issued or redeemed changes its member's record (the coupons it carries).
      between(marketingDb(this.gdb).selectFrom('member_coupons').select(['id', 'member_id', 'updated_at']), 'updated_at').execute(),
    ]);
    const rows: ChangeRow[] = [];
    /** True when the row is new to the caller; it is then listed in `rows`. */
    const fresh = (mark: string, atMs: number | string): boolean => {
      const row = { mark, atMs: Number(atMs) };
      if (alreadyRead(row)) return false;
      rows.push(row);
      return true;
    };
    const memberIds = new Set<string>();
    for (const r of members) if (fresh(`m:${r.id}:${r.updated_at}`, r.updated_at)) memberIds.add(r.id);
    const cardNos = new Set<string>();
    for (const r of cards) {
      if (!fresh(`c:${r.card_no}:${r.updated_at}`, r.updated_at)) continue;
      memberIds.add(r.member_id);
      cardNos.add(r.card_no);
    }
    for (const r of flags) if (fresh(`f:${r.member_id}:${r.flag}:${r.event_id}:${r.raised_at}`, r.raised_at)) memberIds.add(r.member_id);
    for (const r of coupons) if (fresh(`k:${r.id}:${r.updated_at}`, r.updated_at)) memberIds.add(r.member_id);
    const cardIds = new Set<string>();
    for (const t of txs) {
      if (!fresh(`t:${t.id}`, t.created_at)) continue;
      if (t.member_id) memberIds.add(t.member_id);
      if (t.card_id) cardIds.add(t.card_id);
    }
    if (cardIds.size > 0) {
      const owners = await db.selectFrom('cards').select(['member_id']).where('merchant_id', '=', merchantId).where('id', 'in', [...cardIds]).execute();
      for (const o of owners) memberIds.add(o.member_id);
    }
    const ruleSetChanged = rules.filter((r) => fresh(`r:${r.version}`, r.published_at)).length > 0;
    const skus = catalogue.filter((c) => fresh(`s:${c.sku}:${c.updated_at}`, c.updated_at)).map((c) => c.sku);
    return { memberIds: [...memberIds].sort(), cardNos: [...cardNos].sort(), ruleSetChanged, skus: skus.sort(), rows };
  }

  private async records(merchantId: string, changed: Awaited<ReturnType<ChangeFeed['changedKeys']>>): Promise<DeltaBody['changes']> {
    const changes: DeltaBody['changes'] = [];
    for (let i = 0; i < changed.memberIds.length; i += SNAPSHOT_CHUNK_ITEMS) {
      const items = await this.snapshots.membersByIds(merchantId, changed.memberIds.slice(i, i + SNAPSHOT_CHUNK_ITEMS));
      if (items.length > 0) changes.push({ op: 'upsert', change: { entity: 'members', items } });
    }
    for (let i = 0; i < changed.cardNos.length; i += SNAPSHOT_CHUNK_ITEMS) {
      const items = await this.snapshots.cardsByNumbers(merchantId, changed.cardNos.slice(i, i + SNAPSHOT_CHUNK_ITEMS));
      if (items.length > 0) changes.push({ op: 'upsert', change: { entity: 'cards', items } });
    }
    if (changed.skus.length > 0) {
      // The changed skus are read in sku order; a page starting just before the first covers them.
      const wanted = new Set(changed.skus);
      for (let after = ''; ; ) {
        const page = await catalogueItemsAfter(this.gdb, merchantId, after, SNAPSHOT_CHUNK_ITEMS);
        const items = page.filter((item) => wanted.has(item.sku));
        if (items.length > 0) changes.push({ op: 'upsert', change: { entity: 'catalogue', items } });
        if (page.length < SNAPSHOT_CHUNK_ITEMS || page[page.length - 1]!.sku >= changed.skus[changed.skus.length - 1]!) break;
        after = page[page.length - 1]!.sku;
      }
    }
    if (changed.ruleSetChanged) {
      const ruleSet = await this.snapshots.activeRuleSet(merchantId);
      if (ruleSet) changes.push({ op: 'upsert', change: { entity: 'ruleSet', items: [ruleSet] } });
    }
    return changes;
  }

  /** Deltas of at most a few thousand items each; only the last carries the final cursor. */
  private chunk(changes: DeltaBody['changes'], startCursor: string, endCursor: string): DeltaBody[] {
    return changes.map((change, i) => ({ cursor: i === changes.length - 1 ? endCursor : startCursor, changes: [change] }));
  }
}

function keyOfItem(entity: string, item: unknown): string {
  const record = item as Record<string, unknown>;
  switch (entity) {
    case 'members':
      return String(record.memberId);
    case 'cards':
      return String(record.cardNo);
    case 'catalogue':
      return String(record.sku);
    case 'ruleSet':
      return String(record.ruleSetId);
    default:
      return String(record.storeId);
  }
}
