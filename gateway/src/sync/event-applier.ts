// Applies upstream events from terminals to the gateway's ledger and member database.
//
// Guarantee: each event has its effect once, whatever the number of deliveries. A sale, refund,
// recharge or pump transaction is applied in ONE database transaction: its ledger operations
// (keyed `<eventId>:<part>`), flags, growth change and its row in `sync_events`, so it lands whole
// or not at all. Enrolments and card actions go through the member and card services, each
// idempotent by state, and are registered after them. A registered event is acked as a duplicate
// without touching anything.
// Batches (applyBatch, and applyGroup for the batches of several sessions, see group-commit.ts):
// several consecutive events of a session in ONE transaction, each with the
// same effects and registration as alone, so a batch commits whole or not at all; the caller falls
// back to one at a time when a batch fails, which decides refusals exactly as before. Inside a batch
// the rows and balance changes are held by the ledger's LedgerTransactionMemo and written at its end
// (or before a read that needs them), so an event costs a few statements instead of ~30.
// Offline spends are never refused for lack of balance: the shortfall goes to the overdraft
// account and the member is flagged.
import type { Logger } from 'pino';
import pino from 'pino';
import { pointsExpiryDate } from '@pos/engine';
import type {
  BodyOf,
  CardEventBody,
  EventMessageType,
  MemberEnrolledBody,
  RechargeCommittedBody,
  SaleCommittedBody,
  SaleRefundedBody,
  ShiftClosedBody,
} from '@pos/protocol';
import type { CardService } from '../cards/card-service.js';
import { type Actor, type Clock, systemActor } from '../context.js';
import type { Kysely } from 'kysely';
import { type GatewayDb, inTransaction, isUniqueViolation } from '../db/database.js';
import type { GatewayDatabase } from '../db/schema.js';
import { GatewayError } from '../errors.js';
import { LedgerTransactionMemo, type LedgerService, insertNowOrDefer } from '../ledger/ledger-service.js';
import { PointsValidityCache } from '../rules/points-validity-cache.js';
import type { MemberService } from '../members/member-service.js';
import { refundFactRow, saleFactRows } from '../sales/sales-facts.js';
import { recordShiftClosed } from '../fuel/fuel-shifts.js';
import type { FuelDatabase } from '../fuel/fuel-tables.js';
import { applySaleMarketing } from '../marketing/sale-marketing.js';
import { syncDb } from './sync-tables.js';

export type ApplyOutcome = 'applied' | 'duplicate';

export interface SyncEvent {
  type: EventMessageType;
  body: BodyOf<EventMessageType>;
}

/** Enrolments and card actions go through the member and card services, each with its own transactions. */
export function isBatchable(type: EventMessageType): boolean {
  return type !== 'memberEnrolled' && type !== 'cardEvent';
}

export interface TerminalIdentity {
  merchantId: string;
  storeId: string;
  terminalId: string;
}

export class EventRejected extends Error {
  constructor(
    readonly eventId: string,
    message: string,
  ) {
    super(message);
  }
}

export interface EventApplierDeps {
  gdb: GatewayDb;
  clock: Clock;
  ledger: LedgerService;
  members: MemberService;
  cards: CardService;
  logger?: Logger;
}

const STORED_VALUE_KINDS = new Set(['storedValue', 'fuelCard']);

type SyncDb = ReturnType<typeof syncDb>;

/** What one event's transaction works with. */
interface Tx {
  db: SyncDb;
  ledger: LedgerService;
  /** In a batch: rows written at its end, and each member's growth change summed until then. */
  batch?: { memo: LedgerTransactionMemo; growth: Map<string, number>; referrers: Map<string, string | null> };
}

/** Points a member can spend on `today`: unexpired lots, the same rule as the ledger's own spend. */
async function usablePoints(tx: Tx, merchantId: string, memberId: string, today: string): Promise<number> {
  const db = tx.db;
  // Lots earned earlier in the batch count.
  await tx.batch?.memo.flush(db as unknown as Kysely<GatewayDatabase>);
  const row = await db
    .selectFrom('points_lots')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('points_remaining'), eb.val(0)).as('usable'))
    .where('merchant_id', '=', merchantId)
    .where('member_id', '=', memberId)
    .where('points_remaining', '>', 0)
    .where((eb) => eb.or([eb('expires_on', 'is', null), eb('expires_on', '>=', today)]))
    .executeTakeFirst();
  return Number(row?.usable ?? 0);
}

/** The idempotency keys the event's ledger operations may use (a superset: one per tender). */
function ledgerKeysOf({ type, body }: SyncEvent): string[] {
  const id = body.eventId;
  if (type === 'saleCommitted' || type === 'saleRefunded') {
    const tenders = (body as SaleCommittedBody | SaleRefundedBody).tenders.map((_, i) => `${id}:sv:${i}`);
    return type === 'saleCommitted' ? [...tenders, `${id}:points-spend`, `${id}:points-earn`] : [...tenders, `${id}:points-reverse`, `${id}:points-restore`];
  }
  return type === 'rechargeCommitted' ? [`${id}:recharge`, `${id}:bonus-points`] : [];
}

export class SyncEventApplier {
  private readonly log: Logger;
  private readonly pointsValidity = new PointsValidityCache();
  /** Ledger account ids seen by committed batches (an account never changes id and is never deleted). */
  private readonly accountIds = new Map<string, string>();

  constructor(private readonly deps: EventApplierDeps) {
    this.log = (deps.logger ?? pino({ level: 'silent' })).child({ module: 'gateway/sync/apply' });
  }

  async apply<T extends EventMessageType>(terminal: TerminalIdentity, type: T, body: BodyOf<T>): Promise<ApplyOutcome> {
    const event = body as BodyOf<T> & { eventId: string; occurredAt: string; offline: boolean };
    // Most duplicates are caught here, before any transaction; the transaction checks again.
    if (await this.isRegistered(syncDb(this.deps.gdb), terminal.merchantId, event.eventId)) return 'duplicate';
    // A terminal may only post events of its own store.
    if ((event as { storeId?: string }).storeId !== terminal.storeId || (event as { terminalId?: string }).terminalId !== terminal.terminalId) {
      throw new EventRejected(event.eventId, 'event names another store or terminal');
    }
    const actor = systemActor(terminal.merchantId, terminal.storeId);
    const attempt = (): Promise<ApplyOutcome> =>
      type === 'memberEnrolled' || type === 'cardEvent'
        ? this.applyThroughServices(terminal, actor, type, body)
        : inTransaction(this.deps.gdb, (trx) => this.applyInTransaction(terminal, actor, type, body, trx));
    try {
      try {
        return await attempt();
      } catch (error) {
        // The same event applied at the same moment through another session: retry, and find it registered.
        if (isUniqueViolation(error)) return await attempt();
        throw error;
      }
    } catch (error) {
      if (error instanceof GatewayError && (error.code === 'NOT_FOUND' || error.code === 'VALIDATION' || error.code === 'REFUND_EXCEEDS_SPEND')) {
        throw new EventRejected(event.eventId, error.message);
      }
      throw error;
    }
  }

  /**
   * Applies `events` (all batchable, in order) in one transaction: the outcomes are those applying
   * them one at a time would give when none is refused. Any error (a refusal, a concurrent session
   * registering one of them first) rolls the whole batch back and is thrown as is.
   */
  async applyBatch(terminal: TerminalIdentity, events: readonly SyncEvent[]): Promise<ApplyOutcome[]> {
    const [outcomes] = await this.applyGroup([{ terminal, events }]);
    return outcomes!;
  }

  /**
   * The batches of several sessions of one merchant in ONE transaction (group commit): the outcomes
   * of each part, in order. All or nothing, like one batch: when it throws, each session falls back
   * on its own. Sessions share hot rows (the merchant's points-issued account, a store's sales
   * accounts), so one commit for many sessions is what lets ingest grow with the number of tills.
   */
  async applyGroup(parts: ReadonlyArray<{ terminal: TerminalIdentity; events: readonly SyncEvent[] }>): Promise<ApplyOutcome[][]> {
    const merchantId = parts[0]?.terminal.merchantId;
    if (merchantId === undefined) return [];
    const entries = parts.flatMap(({ terminal, events }, part) => {
      if (terminal.merchantId !== merchantId) throw new RangeError('a group holds the events of one merchant');
      return events.map((event, index) => ({ terminal, event, part, index, eventId: event.body.eventId }));
    });
    for (const { event } of entries) if (!isBatchable(event.type)) throw new RangeError(`${event.type} events cannot be applied in a batch`);
    const registered = await this.registeredAmong(syncDb(this.deps.gdb), merchantId, entries.map((e) => e.eventId));
    const outcomes: ApplyOutcome[][] = parts.map(({ events }) => events.map(() => 'duplicate'));
    const todo = entries.filter((e) => !registered.has(e.eventId));
    if (todo.length === 0) return outcomes;
    for (const { terminal, event, eventId } of todo) {
      const body = event.body as { storeId?: string; terminalId?: string };
      if (body.storeId !== terminal.storeId || body.terminalId !== terminal.terminalId) throw new EventRejected(eventId, 'event names another store or terminal');
    }
    let committed: LedgerTransactionMemo | undefined;
    const outcomesOfGroup = await inTransaction(this.deps.gdb, async (trx) => {
      // Per attempt: a retried transaction must not see what its rolled-back try created.
      const memo = (committed = new LedgerTransactionMemo(this.accountIds));
      const tx: Tx = { db: trx as unknown as SyncDb, ledger: this.deps.ledger.withTransaction(trx, memo), batch: { memo, growth: new Map(), referrers: new Map() } };
      const done = await this.registeredAmong(tx.db, merchantId, todo.map((e) => e.eventId));
      await memo.prefetchUnusedKeys(trx, merchantId, todo.flatMap((e) => ledgerKeysOf(e.event)));
      const result = outcomes.map((o) => [...o]);
      for (const { terminal, event, part, index, eventId } of todo) {
        // Registered meanwhile by another session, or the same event twice in this group.
        if (done.has(eventId)) continue;
        await this.applyEffects(terminal, systemActor(merchantId, terminal.storeId), event.type, event.body, trx, tx);
        done.add(eventId);
        result[part]![index] = 'applied';
      }
      for (const [memberId, growthDelta] of tx.batch!.growth) await this.addGrowth(tx.db, merchantId, memberId, growthDelta);
      await memo.flush(trx);
      return result;
    });
    // Committed now, so the accounts the group created exist for good.
    if (this.accountIds.size > 100_000) this.accountIds.clear();
    for (const [key, id] of committed!.accountIds) this.accountIds.set(key, id);
    return outcomesOfGroup;
  }

  private async registeredAmong(db: SyncDb, merchantId: string, eventIds: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const unique = [...new Set(eventIds)];
    // Chunks keep the bind parameters well under both dialects' limits.
    for (let i = 0; i < unique.length; i += 500) {
      const rows = await db.selectFrom('sync_events').select('event_id').where('merchant_id', '=', merchantId).where('event_id', 'in', unique.slice(i, i + 500)).execute();
      for (const row of rows) found.add(row.event_id);
    }
    return found;
  }

  private async applyInTransaction(terminal: TerminalIdentity, actor: Actor, type: EventMessageType, body: unknown, trx: Kysely<GatewayDatabase>): Promise<ApplyOutcome> {
    const tx: Tx = { db: trx as unknown as SyncDb, ledger: this.deps.ledger.withTransaction(trx) };
    const eventId = (body as { eventId: string }).eventId;
    if (await this.isRegistered(tx.db, terminal.merchantId, eventId)) return 'duplicate';
    await this.applyEffects(terminal, actor, type, body, trx, tx);
    return 'applied';
  }

  /** The event's effects and its registration, inside the caller's transaction. */
  private async applyEffects(terminal: TerminalIdentity, actor: Actor, type: EventMessageType, body: unknown, trx: Kysely<GatewayDatabase>, tx: Tx): Promise<void> {
    let growthDelta = 0;
    let memberId: string | null = null;
    if (type === 'saleCommitted') {
      const sale = body as SaleCommittedBody;
      await this.applySale(tx, actor, sale);
      const facts = saleFactRows(terminal, sale);
      await insertNowOrDefer(trx, tx.batch?.memo, 'sales', [facts.sale]);
      await insertNowOrDefer(trx, tx.batch?.memo, 'sale_lines', facts.lines);
      // Coupons redeemed and the referral reward of a first purchase, in this same transaction.
      const beforeSalesRead = async () => tx.batch?.memo.flush(trx);
      await applySaleMarketing({ trx, ledger: tx.ledger, nowMs: () => this.deps.clock.nowMs(), log: this.log, beforeSalesRead, ...(tx.batch ? { referrers: tx.batch.referrers } : {}) }, actor, sale);
      growthDelta = sale.growthEarned;
      memberId = sale.memberId;
    } else if (type === 'saleRefunded') {
      const refund = body as SaleRefundedBody;
      await this.applyRefund(tx, actor, refund);
      await insertNowOrDefer(trx, tx.batch?.memo, 'sales', [refundFactRow(terminal, refund)]);
      growthDelta = -refund.growthReversed;
      memberId = refund.memberId;
    } else if (type === 'rechargeCommitted') {
      await this.applyRecharge(tx, actor, body as RechargeCommittedBody);
    } else if (type === 'shiftClosed') {
      // 班结: the shift's totalizers against the journal, kept per nozzle; no money moves
      await recordShiftClosed(trx as unknown as Kysely<FuelDatabase>, terminal, body as ShiftClosedBody);
    }
    // pumpTransaction: recorded in the register only; the money moves with the sale that settles it.
    await insertNowOrDefer(trx, tx.batch?.memo, 'sync_events', [this.registerRow(terminal, type, body)]);
    if (growthDelta !== 0 && memberId) {
      if (tx.batch) tx.batch.growth.set(memberId, (tx.batch.growth.get(memberId) ?? 0) + growthDelta);
      else await this.addGrowth(tx.db, terminal.merchantId, memberId, growthDelta);
    }
  }

  private async addGrowth(db: SyncDb, merchantId: string, memberId: string, growthDelta: number): Promise<void> {
    if (growthDelta === 0) return;
    await db
      .updateTable('members')
      .set((eb) => ({ growth: eb('growth', '+', growthDelta), updated_at: this.deps.clock.nowMs() }))
      .where('merchant_id', '=', merchantId)
      .where('id', '=', memberId)
      .execute();
  }

  private async applyThroughServices(terminal: TerminalIdentity, actor: Actor, type: 'memberEnrolled' | 'cardEvent', body: unknown): Promise<ApplyOutcome> {
    if (type === 'memberEnrolled') await this.applyEnrolment(actor, body as MemberEnrolledBody);
    else await this.applyCardEvent(actor, body as CardEventBody);
    return inTransaction(this.deps.gdb, async (trx) => {
      const db = trx as unknown as SyncDb;
      if (await this.isRegistered(db, terminal.merchantId, (body as { eventId: string }).eventId)) return 'duplicate';
      await this.register(db, terminal, type, body);
      return 'applied';
    });
  }

  private async isRegistered(db: SyncDb, merchantId: string, eventId: string): Promise<boolean> {
    const row = await db.selectFrom('sync_events').select('event_id').where('merchant_id', '=', merchantId).where('event_id', '=', eventId).executeTakeFirst();
    return row !== undefined;
  }

  private async register(db: SyncDb, terminal: TerminalIdentity, type: EventMessageType, body: unknown): Promise<void> {
    await db.insertInto('sync_events').values(this.registerRow(terminal, type, body)).execute();
  }

  private registerRow(terminal: TerminalIdentity, type: EventMessageType, body: unknown) {
    const event = body as { eventId: string; occurredAt: string; offline: boolean; saleId?: string; memberId?: string | null };
    return {
      merchant_id: terminal.merchantId,
      event_id: event.eventId,
      terminal_id: terminal.terminalId,
      store_id: terminal.storeId,
      type,
      sale_id: event.saleId ?? null,
      member_id: event.memberId ?? null,
      occurred_at: event.occurredAt,
      received_at: this.deps.clock.nowMs(),
      offline: event.offline ? 1 : 0,
      body: JSON.stringify(body),
    };
  }

  private async flag(tx: Tx, actor: Actor, memberId: string, flag: 'overdraft', eventId: string, cardNo: string | null, amount: number): Promise<void> {
    await tx.db
      .insertInto('member_flags')
      .values({
        merchant_id: actor.merchantId,
        member_id: memberId,
        flag,
        card_no: cardNo,
        event_id: eventId,
        amount,
        raised_at: this.deps.clock.nowMs(),
        cleared_at: null,
      })
      .onConflict((oc) => oc.columns(['merchant_id', 'member_id', 'flag', 'event_id']).doNothing())
      .execute();
    this.log.warn({ memberId, flag, eventId, amount }, 'member flagged by sync');
  }

  private async applySale(tx: Tx, actor: Actor, sale: SaleCommittedBody): Promise<void> {
    const { ledger } = tx;
    let index = 0;
    for (const tender of sale.tenders) {
      if (!STORED_VALUE_KINDS.has(tender.kind) || tender.amountFen === 0) continue;
      const cardNo = tender.cardNo ?? sale.cardNo;
      if (!cardNo) throw new GatewayError('VALIDATION', 'stored-value tender without a card', 'cardNo');
      const spend = await ledger.spend(actor, {
        idempotencyKey: `${sale.eventId}:sv:${index}`,
        cardNo,
        amountFen: tender.amountFen,
        allowOverdraft: true,
      });
      index += 1;
      const shortfallFen = (spend as { shortfallFen?: number }).shortfallFen ?? 0;
      if (shortfallFen > 0 && sale.memberId) await this.flag(tx, actor, sale.memberId, 'overdraft', sale.eventId, cardNo, shortfallFen);
    }
    if (!sale.memberId) return;
    if (sale.pointsSpent > 0) {
      // Checked first: an operation refused inside the transaction would leave its claimed key behind.
      if ((await usablePoints(tx, actor.merchantId, sale.memberId, sale.businessDate)) >= sale.pointsSpent) {
        await ledger.spendPoints(actor, { idempotencyKey: `${sale.eventId}:points-spend`, memberId: sale.memberId, points: sale.pointsSpent, today: sale.businessDate });
      } else {
        // Points spent offline on two tills: the sale stands, the member is flagged for HQ.
        await this.flag(tx, actor, sale.memberId, 'overdraft', sale.eventId, sale.cardNo, sale.pointsSpent);
      }
    }
    if (sale.pointsEarned > 0) {
      // The lot expires by the rule set the sale was priced with, counted from its business day.
      const validity = await this.pointsValidity.validityOf(tx.db, actor.merchantId, sale.ruleSetVersion);
      await ledger.earnPoints(actor, {
        idempotencyKey: `${sale.eventId}:points-earn`,
        memberId: sale.memberId,
        points: sale.pointsEarned,
        expiresOn: pointsExpiryDate(validity, sale.businessDate),
      });
    }
  }

  private async applyRefund(tx: Tx, actor: Actor, refund: SaleRefundedBody): Promise<void> {
    const { ledger, db } = tx;
    // The sale and its spends may be earlier in the same batch.
    await tx.batch?.memo.flush(db as unknown as Kysely<GatewayDatabase>);
    const sale = await db
      .selectFrom('sync_events')
      .select(['event_id'])
      .where('merchant_id', '=', actor.merchantId)
      .where('sale_id', '=', refund.saleId)
      .where('type', '=', 'saleCommitted')
      .executeTakeFirst();
    if (!sale) throw new GatewayError('NOT_FOUND', 'refunded sale has not been synced', 'saleId');
    let index = 0;
    for (const tender of refund.tenders) {
      if (!STORED_VALUE_KINDS.has(tender.kind) || tender.amountFen === 0) continue;
      const spend = await db
        .selectFrom('ledger_transactions')
        .select('id')
        .where('merchant_id', '=', actor.merchantId)
        .where('idempotency_key', '=', `${sale.event_id}:sv:${index}`)
        .executeTakeFirst();
      if (!spend) throw new GatewayError('NOT_FOUND', 'stored-value spend of the refunded sale not found', 'tenders');
      await ledger.refund(actor, { idempotencyKey: `${refund.eventId}:sv:${index}`, spendTransactionId: spend.id, amountFen: tender.amountFen });
      index += 1;
    }
    if (!refund.memberId) return;
    if (refund.pointsReversed > 0) {
      if ((await usablePoints(tx, actor.merchantId, refund.memberId, refund.businessDate)) >= refund.pointsReversed) {
        await ledger.spendPoints(actor, { idempotencyKey: `${refund.eventId}:points-reverse`, memberId: refund.memberId, points: refund.pointsReversed, today: refund.businessDate });
      } else {
        // The points earned by the sale were spent meanwhile: the refund stands, HQ sees the flag.
        await this.flag(tx, actor, refund.memberId, 'overdraft', refund.eventId, null, refund.pointsReversed);
      }
    }
    if (refund.pointsRestored > 0) {
      await ledger.earnPoints(actor, {
        idempotencyKey: `${refund.eventId}:points-restore`,
        memberId: refund.memberId,
        points: refund.pointsRestored,
        expiresOn: null,
      });
    }
  }

  private async applyRecharge(tx: Tx, actor: Actor, recharge: RechargeCommittedBody): Promise<void> {
    if (!recharge.cardNo) throw new GatewayError('VALIDATION', 'a recharge needs a card', 'cardNo');
    await tx.ledger.rechargeExplicit(actor, {
      idempotencyKey: `${recharge.eventId}:recharge`,
      cardNo: recharge.cardNo,
      principalFen: recharge.principalFen,
      bonusFen: recharge.bonusFen,
    });
    if (recharge.bonusPoints > 0) {
      // A recharge names no rule-set version: the latest published one decides.
      const validity = await this.pointsValidity.validityOf(tx.db, actor.merchantId, null);
      await tx.ledger.earnPoints(actor, {
        idempotencyKey: `${recharge.eventId}:bonus-points`,
        memberId: recharge.memberId,
        points: recharge.bonusPoints,
        expiresOn: pointsExpiryDate(validity, recharge.businessDate),
      });
    }
  }

  private async applyEnrolment(actor: Actor, enrolment: MemberEnrolledBody): Promise<void> {
    try {
      await this.deps.members.createMember(actor, {
        memberId: enrolment.memberId,
        name: enrolment.name,
        phone: enrolment.phone,
        birthday: enrolment.birthday ?? null,
        storeId: enrolment.storeId,
        referrerId: enrolment.referrerMemberId ?? null,
      });
    } catch (error) {
      // Enrolled at two tills while offline: the first one wins; the phone identifies the member.
      if (error instanceof GatewayError && error.code === 'PHONE_TAKEN') {
        this.log.info({ eventId: enrolment.eventId }, 'enrolment of a phone that is already a member');
        return;
      }
      throw error;
    }
  }

  private async applyCardEvent(actor: Actor, event: CardEventBody): Promise<void> {
    const { cards } = this.deps;
    try {
      switch (event.action) {
        case 'loss':
        case 'unloss':
        case 'freeze':
        case 'unfreeze':
          await cards.changeStatus(actor, event.cardNo, event.action, event.reason);
          return;
        case 'bind':
          if (!event.uid) throw new GatewayError('VALIDATION', 'bind needs a uid', 'uid');
          await cards.bindUid(actor, event.cardNo, event.uid);
          return;
        case 'replace':
          if (!event.newCardNo) throw new GatewayError('VALIDATION', 'replace needs newCardNo', 'newCardNo');
          await cards.replaceCard(actor, event.cardNo, { newCardNo: event.newCardNo, idempotencyKey: `${event.eventId}:replace` });
          return;
        case 'cancel':
          await cards.cancelCard(actor, event.cardNo, { reason: event.reason ?? 'cancelled at the till', idempotencyKey: `${event.eventId}:cancel` });
          return;
      }
    } catch (error) {
      // The card is already where the event takes it (e.g. frozen at HQ too): nothing left to do.
      if (error instanceof GatewayError && error.code === 'INVALID_TRANSITION') return;
      throw error;
    }
  }
}
