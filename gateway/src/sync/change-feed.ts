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
  polling: boolean;
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
      watch = { listeners: new Set(), highWaterMs: this.clock.nowMs(), pushed: new Map(), polling: false };
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
    const changed = await this.changedKeys(merchantId, watch.highWaterMs - this.overlapMs, untilMs);
    watch.highWaterMs = Math.max(watch.highWaterMs, untilMs);
    const all = await this.records(merchantId, changed);
    // Forget what was pushed long enough ago that it can no longer come back through the overlap.
    for (const [key, entry] of watch.pushed) if (entry.atMs < untilMs - 2 * this.overlapMs) watch.pushed.delete(key);
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

  private async changedKeys(merchantId: string, fromMs: number, toMs: number) {
    const db = syncDb(this.gdb);
    const between = <T extends { where: (...args: any[]) => T }>(q: T, column: string): T =>
      q.where('merchant_id' as never, '=', merchantId as never).where(column as never, '>', fromMs as never).where(column as never, '<=', toMs as never);
    const [members, cards, txs, flags, rules, catalogue, coupons] = await Promise.all([
      between(db.selectFrom('members').select('id'), 'updated_at').execute(),
      between(db.selectFrom('cards').select(['card_no', 'member_id']), 'updated_at').execute(),
      between(db.selectFrom('ledger_transactions').select(['member_id', 'card_id']), 'created_at').execute(),
      between(db.selectFrom('member_flags').select('member_id'), 'raised_at').execute(),
      between(db.selectFrom('rule_set_versions').select('version'), 'published_at').execute(),
      between(db.selectFrom('catalogue_items').select('sku'), 'updated_at').execute(),
      // A coupon issued or redeemed changes its member's record (the coupons it carries).
      between(marketingDb(this.gdb).selectFrom('member_coupons').select('member_id'), 'updated_at').execute(),
    ]);
    const memberIds = new Set<string>();
    for (const r of members) memberIds.add(r.id);
    for (const r of cards) memberIds.add(r.member_id);
    for (const r of flags) memberIds.add(r.member_id);
    for (const r of coupons) memberIds.add(r.member_id);
    const cardIds = txs.map((t) => t.card_id).filter((id): id is string => id !== null);
    for (const t of txs) if (t.member_id) memberIds.add(t.member_id);
    const cardNos = new Set(cards.map((c) => c.card_no));
    if (cardIds.length > 0) {
      const owners = await db.selectFrom('cards').select(['member_id']).where('merchant_id', '=', merchantId).where('id', 'in', [...new Set(cardIds)]).execute();
      for (const o of owners) memberIds.add(o.member_id);
    }
    return { memberIds: [...memberIds].sort(), cardNos: [...cardNos].sort(), ruleSetChanged: rules.length > 0, skus: catalogue.map((c) => c.sku).sort() };
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
