// Double-entry ledger for stored value (fen) and points. Guarantees, in the order they are checked:
// 1. An idempotency key is applied at most once per merchant; a retry with the same request returns
//    the first result, a different request under the same key is refused (IDEMPOTENCY_CONFLICT).
// 2. Every posting moves a positive amount from one account to another in the same unit, so the sum
//    of all balances per unit stays zero (debits = credits) and each balance equals its postings.
// 3. Customer accounts never go negative; a shortfall goes through the explicit `sv_overdraft` account.
// Refused operations (insufficient balance, inactive card) are not recorded: a retry is evaluated anew.
import { createHash } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import { canonicalJson, newId } from '@pos/protocol';
import { auditRow, type AuditEntry } from '../audit/audit-log.js';
import { activeRules } from '../rules/active-rule-set.js';
import { findCardByNo, familyRoot, storedValueOwner, type CardRow } from '../cards/card-repository.js';
import type { Actor, Clock } from '../context.js';
import { forUpdate, inTransaction, isUniqueViolation, type GatewayDb } from '../db/database.js';
import type { GatewayDatabase } from '../db/schema.js';
import { GatewayError, notFound } from '../errors.js';
import { EngineError, RuleSet, planRecharge, type RechargePlanResult } from '@pos/engine';
import { addToBalance, ensureAccount, lockBalances, mayGoNegative, unitOf, type AccountKind } from './accounts.js';

export interface PostingSpec {
  from: string;
  to: string;
  amount: number;
}

export interface LedgerOpOutcome<R> {
  postings: PostingSpec[];
  result: R;
  memberId?: string | null;
  cardId?: string | null;
  amount: number;
  reason?: string | null;
  audit?: Omit<AuditEntry, 'action'> & { action?: string };
}

export type Applied<R> = R & { transactionId: string; idempotencyKey: string; replayed: boolean };

export interface StoredValue {
  principalFen: number;
  bonusFen: number;
}

type Trx = Kysely<GatewayDatabase>;

export interface OpContext {
  trx: Trx;
  transactionId: string;
  nowMs: number;
  account(kind: AccountKind, ownerId: string): Promise<string>;
  lock(accountIds: readonly string[]): Promise<Map<string, number>>;
}

export const MAX_IDEMPOTENCY_KEY_LENGTH = 128;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Splits `amount` between principal and bonus in proportion to `split` (bonus rounded down). */
export function proportionalSplit(amount: number, split: StoredValue): StoredValue {
  const total = split.principalFen + split.bonusFen;
  if (total === 0) return { principalFen: amount, bonusFen: 0 };
  const bonusFen = Number((BigInt(amount) * BigInt(split.bonusFen)) / BigInt(total));
  return { principalFen: amount - bonusFen, bonusFen };
}

export type SpendOrder = 'principalFirst' | 'bonusFirst' | 'proportional';

/** Takes `amount` (≤ principal + bonus) from one part first, the rest from the other, or in proportion. */
export function splitByOrder(amount: number, balance: StoredValue, order: SpendOrder): StoredValue {
  if (order === 'proportional') return proportionalSplit(amount, balance);
  if (order === 'principalFirst') {
    const principalFen = Math.min(amount, balance.principalFen);
    return { principalFen, bonusFen: amount - principalFen };
  }
  const bonusFen = Math.min(amount, balance.bonusFen);
  return { principalFen: amount - bonusFen, bonusFen };
}

/** The split asked for, each part capped by its balance, the gap made up from the other part. */
export function splitAsAsked(amount: number, asked: StoredValue, balance: StoredValue): StoredValue {
  let principalFen = Math.min(asked.principalFen, balance.principalFen, amount);
  let bonusFen = Math.min(asked.bonusFen, balance.bonusFen, amount - principalFen);
  const gap = amount - principalFen - bonusFen;
  const morePrincipal = Math.min(gap, balance.principalFen - principalFen);
  principalFen += morePrincipal;
  bonusFen += Math.min(gap - morePrincipal, balance.bonusFen - bonusFen);
  return { principalFen, bonusFen };
}


/** The stored-value order of the active rule set (the engine's default, principal first, when none). */
export async function activeStoredValueOrder(trx: Kysely<GatewayDatabase>, merchantId: string): Promise<SpendOrder> {
  const order = (await activeRules(trx, merchantId))?.settings.storedValueOrder;
  return order === 'bonusFirst' ? 'bonusFirst' : 'principalFirst';
}

/**
 * What several operations inside ONE open transaction may share (a batch of synced events), so each
 * reads less. Only valid for that one transaction (what it created is gone if it rolls back):
 * - account ids (an account never changes id once it exists);
 * - balances of accounts the transaction has locked or updated: the row stays locked (FOR UPDATE or
 *   UPDATE on PostgreSQL, the write lock on SQLite) until commit and only this ledger changes it, so
 *   the balance it last read or wrote, plus the changes it holds back, is the balance;
 * - balance changes of accounts whose balance it knows (locked) or that may go negative, summed per
 *   account and written by `flush` in account-id order: PostgreSQL walks every row version a
 *   transaction leaves behind, so updating one row once per event made a batch quadratic;
 * - idempotency keys read as unused at the batch's start (`prefetchUnusedKeys`): the first operation
 *   with such a key skips its read; the unique index still refuses a key claimed meanwhile elsewhere;
 * - card rows and members seen, the stored-value order of the active rule set: the batch acts as of
 *   one moment, as one event's transaction did (those reads never locked anything either);
 * - rows to insert (ledger transactions, postings, points lots, audit, and the caller's own, e.g.
 *   sales facts and the sync register), written by `flush` in a few multi-row statements. Whoever
 *   reads one of those tables inside the transaction flushes first (`flush` is cheap when nothing
 *   waits); a read that is not preceded by a flush finds nothing and refuses (NOT_FOUND), which
 *   rolls the batch back and sends its events through the one-at-a-time path.
 */
/** Tables a memo may hold rows for, in the order it writes them (sales before their lines). */
export const DEFERRED_TABLES = ['ledger_transactions', 'postings', 'points_lots', 'audit_log', 'sales', 'sale_lines', 'sync_events'] as const;
export type DeferredTable = (typeof DEFERRED_TABLES)[number];

export class LedgerTransactionMemo {
  /** `knownAccountIds`: ids of accounts that exist in committed state (accounts are never deleted). */
  constructor(readonly knownAccountIds?: ReadonlyMap<string, string>) {}

  readonly accountIds = new Map<string, string>();
  readonly storedValueOrders = new Map<string, Promise<SpendOrder>>();
  readonly balances = new Map<string, number>();
  /** Accounts that may carry a negative balance (counterparties), by id. */
  readonly mayGoNegative = new Set<string>();
  /** Balance changes not written yet, by merchant and account. */
  private readonly pendingDeltas = new Map<string, Map<string, number>>();
  readonly unusedKeys = new Set<string>();
  readonly cards = new Map<string, CardRow>();
  readonly members = new Set<string>();
  /** Idempotency keys of ledger transactions waiting in `deferred`. */
  private readonly pendingKeys = new Set<string>();
  /** Rows waiting, by table, in the order the tables are written. */
  private readonly deferred = new Map<string, object[]>(DEFERRED_TABLES.map((table) => [table, []]));

  /** Marks which of `keys` no ledger transaction of the merchant uses yet (one read per 500 keys). */
  async prefetchUnusedKeys(trx: Kysely<GatewayDatabase>, merchantId: string, keys: readonly string[]): Promise<void> {
    const unique = [...new Set(keys)];
    for (let i = 0; i < unique.length; i += 500) {
      const chunk = unique.slice(i, i + 500);
      const used = await trx.selectFrom('ledger_transactions').select('idempotency_key').where('merchant_id', '=', merchantId).where('idempotency_key', 'in', chunk).execute();
      const usedKeys = new Set(used.map((r) => r.idempotency_key));
      for (const key of chunk) if (!usedKeys.has(key)) this.unusedKeys.add(`${merchantId}:${key}`);
    }
  }

  /** True once for a key known unused: after its operation runs, the key is used. */
  takeUnused(merchantId: string, key: string): boolean {
    return this.unusedKeys.delete(`${merchantId}:${key}`);
  }

  /** Queues rows for `table` (one of DEFERRED_TABLES) until the next flush. */
  defer(table: DeferredTable, rows: readonly object[]): this {
    this.deferred.get(table)!.push(...rows);
    return this;
  }

  deferLedgerTransaction(row: Insertable<GatewayDatabase['ledger_transactions']>): void {
    this.pendingKeys.add(`${row.merchant_id}:${row.idempotency_key}`);
    this.defer('ledger_transactions', [row]);
  }

  isPendingKey(merchantId: string, key: string): boolean {
    return this.pendingKeys.has(`${merchantId}:${key}`);
  }

  /**
   * Holds back `change` to the account's balance when the check it needs can be made here: false
   * (nothing held) when the account's balance is unknown and it may not go negative.
   */
  holdBalanceChange(merchantId: string, accountId: string, change: number): boolean {
    const balance = this.balances.get(accountId);
    if (balance === undefined && !this.mayGoNegative.has(accountId)) return false;
    if (balance !== undefined) {
      if (balance + change < 0 && !this.mayGoNegative.has(accountId)) {
        // A guard, not the normal path: the operation's own check should have refused first.
        throw new GatewayError('INSUFFICIENT_BALANCE', '余额不足 / insufficient balance');
      }
      this.balances.set(accountId, balance + change);
    }
    let deltas = this.pendingDeltas.get(merchantId);
    if (!deltas) this.pendingDeltas.set(merchantId, (deltas = new Map()));
    deltas.set(accountId, (deltas.get(accountId) ?? 0) + change);
    return true;
  }

  /** Writes every row and balance change waiting; call before reading a deferred table and before the transaction commits. */
  async flush(trx: Kysely<GatewayDatabase>): Promise<void> {
    for (const [merchantId, deltas] of this.pendingDeltas) {
      // In id order, as lockBalances locks, so two batches never wait on each other in a cycle.
      for (const accountId of [...deltas.keys()].sort()) {
        const change = deltas.get(accountId)!;
        if (change === 0) continue;
        const after = await addToBalance(trx, merchantId, accountId, change);
        if (after.balance < 0 && !after.mayGoNegative) throw new GatewayError('INSUFFICIENT_BALANCE', '余额不足 / insufficient balance');
      }
    }
    this.pendingDeltas.clear();
    for (const [table, waiting] of this.deferred) await insertInChunks(trx, table, waiting.splice(0));
    this.pendingKeys.clear();
  }
}

/** Multi-row inserts under both dialects' bind-parameter limits (SQLite 32,766), whatever the table's width. */
async function insertInChunks(trx: Kysely<GatewayDatabase>, table: string, rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return;
  const db = trx as unknown as Kysely<Record<string, object>>;
  const perInsert = Math.max(1, Math.floor(30_000 / Object.keys(rows[0]!).length));
  for (let i = 0; i < rows.length; i += perInsert) await db.insertInto(table).values(rows.slice(i, i + perInsert)).execute();
}

/** Rows for one of DEFERRED_TABLES: held by `memo` until its flush inside a batch, else inserted now. */
export async function insertNowOrDefer(trx: Kysely<GatewayDatabase>, memo: LedgerTransactionMemo | undefined, table: DeferredTable, rows: readonly object[]): Promise<void> {
  if (memo) memo.defer(table, rows);
  else await insertInChunks(trx, table, rows);
}

export class LedgerService {
  constructor(
    private readonly gdb: GatewayDb,
    private readonly clock: Clock,
    /** When set, operations join this open transaction instead of opening their own. */
    private readonly bound?: Kysely<GatewayDatabase>,
    private readonly memo?: LedgerTransactionMemo,
  ) {}

  /**
   * The same service inside a transaction the caller already holds, so several operations (a sale's
   * tenders, points and growth) commit or roll back together. An idempotency-key race on PostgreSQL
   * then surfaces as a unique violation that aborts the caller's transaction: retry it whole, and the
   * retry finds the first result.
   */
  withTransaction(trx: Kysely<GatewayDatabase>, memo?: LedgerTransactionMemo): LedgerService {
    return new LedgerService(this.gdb, this.clock, trx, memo);
  }

  /**
   * Runs one ledger operation: claims the idempotency key first (so a concurrent duplicate waits on
   * the unique index instead of doing the work twice), lets `body` compute postings against locked
   * balances, applies them, re-checks that no customer account went negative, and audits.
   */
  async run<R extends object>(
    actor: Actor,
    op: { idempotencyKey: string; kind: string; request: unknown },
    body: (ctx: OpContext) => Promise<LedgerOpOutcome<R>>,
  ): Promise<Applied<R>> {
    if (op.idempotencyKey.length === 0 || op.idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw new GatewayError('VALIDATION', '幂等键长度无效 / idempotency key must be 1–128 characters', 'idempotencyKey');
    }
    const requestHash = sha256(canonicalJson({ kind: op.kind, request: op.request }));
    const merchantId = actor.merchantId;
    const transaction = <T>(fn: (trx: Trx) => Promise<T>): Promise<T> => (this.bound ? fn(this.bound) : inTransaction(this.gdb, fn));
    try {
      return await transaction(async (trx) => {
        const memo = this.memo;
        if (memo?.isPendingKey(merchantId, op.idempotencyKey)) await memo.flush(trx);
        const existing = memo?.takeUnused(merchantId, op.idempotencyKey) ? undefined : await this.findApplied<R>(trx, merchantId, op.idempotencyKey, requestHash);
        if (existing) return existing;
        const nowMs = this.clock.nowMs();
        const transactionId = newId(nowMs);
        const claim = {
            merchant_id: merchantId,
            id: transactionId,
            idempotency_key: op.idempotencyKey,
            kind: op.kind,
            request_hash: requestHash,
            result: '{}',
            staff_id: actor.staffId,
            store_id: actor.storeId,
            member_id: null,
            card_id: null,
            amount: 0,
            refunded_amount: 0,
            reason: null,
            created_at: nowMs,
          };
        // In a memoised batch the row is written once, complete, at the batch's flush: the unique
        // index refuses a key claimed meanwhile elsewhere then, and the batch goes one at a time.
        if (!memo) await trx.insertInto('ledger_transactions').values(claim).execute();
        const lockRows = forUpdate(this.gdb);
        const unitByAccount = new Map<string, string>();
        const outcome = await body({
          trx,
          transactionId,
          nowMs,
          account: async (kind, ownerId) => {
            const memoKey = `${merchantId}:${kind}:${ownerId}`;
            let id = this.memo?.accountIds.get(memoKey) ?? this.memo?.knownAccountIds?.get(memoKey);
            if (id === undefined) id = await ensureAccount(trx, merchantId, kind, ownerId, nowMs);
            if (this.memo) {
              this.memo.accountIds.set(memoKey, id);
              if (mayGoNegative(kind)) this.memo.mayGoNegative.add(id);
            }
            unitByAccount.set(id, unitOf(kind));
            return id;
          },
          lock: async (ids) => {
            const known = this.memo?.balances;
            if (!known) return lockBalances(trx, lockRows, merchantId, ids);
            // Balances known are current (changes held back included): lock and read only the others.
            const missing = ids.filter((id) => !known.has(id));
            if (missing.length > 0) for (const [id, balance] of await lockBalances(trx, lockRows, merchantId, missing)) known.set(id, balance);
            return new Map(ids.flatMap((id) => (known.has(id) ? [[id, known.get(id)!] as const] : [])));
          },
        });
        let n = 0;
        const rows = [];
        const delta = new Map<string, number>();
        for (const p of outcome.postings) {
          if (p.amount === 0) continue;
          if (!Number.isSafeInteger(p.amount) || p.amount < 0) throw new RangeError(`bad posting amount ${p.amount}`);
          const unit = unitByAccount.get(p.from);
          // A posting between units would break debits = credits per unit.
          if (unit === undefined || unit !== unitByAccount.get(p.to)) throw new RangeError('posting across units');
          n += 1;
          rows.push({
            merchant_id: merchantId,
            id: `${transactionId}:${String(n).padStart(3, '0')}`,
            transaction_id: transactionId,
            from_account_id: p.from,
            to_account_id: p.to,
            amount: p.amount,
            unit,
            created_at: nowMs,
          });
          delta.set(p.from, (delta.get(p.from) ?? 0) - p.amount);
          delta.set(p.to, (delta.get(p.to) ?? 0) + p.amount);
        }
        await insertNowOrDefer(trx, memo, 'postings', rows);
        // One update per account with its net change: the same sums as per posting, fewer statements.
        // An account whose net change is 0 keeps the balance it had, which was not negative.
        for (const [accountId, change] of delta) {
          if (change === 0) continue;
          if (memo?.holdBalanceChange(merchantId, accountId, change)) continue;
          const after = await addToBalance(trx, merchantId, accountId, change);
          this.memo?.balances.set(accountId, after.balance);
          if (after.balance < 0 && !after.mayGoNegative) {
            // A guard, not the normal path: the operation's own check should have refused first.
            throw new GatewayError('INSUFFICIENT_BALANCE', '余额不足 / insufficient balance');
          }
        }
        const result: Applied<R> = {
          ...outcome.result,
          transactionId,
          idempotencyKey: op.idempotencyKey,
          replayed: false,
        };
        const completed = {
          result: JSON.stringify(result),
          member_id: outcome.memberId ?? null,
          card_id: outcome.cardId ?? null,
          amount: outcome.amount,
          reason: outcome.reason ?? null,
        };
        if (memo) memo.deferLedgerTransaction({ ...claim, ...completed });
        else await trx.updateTable('ledger_transactions').set(completed).where('merchant_id', '=', merchantId).where('id', '=', transactionId).execute();
        if (outcome.audit) {
          const entry = { action: `ledger.${op.kind}`, ...outcome.audit };
          await insertNowOrDefer(trx, memo, 'audit_log', [auditRow(actor, nowMs, entry)]);
        }
        return result;
      });
    } catch (error) {
      if (isUniqueViolation(error) && !this.bound) {
        const existing = await this.findApplied<R>(this.gdb.db, merchantId, op.idempotencyKey, requestHash);
        if (existing) return existing;
      }
      throw error;
    }
  }

  private async findApplied<R>(
    trx: Trx,
    merchantId: string,
    idempotencyKey: string,
    requestHash: string,
  ): Promise<Applied<R> | undefined> {
    const row = await trx
      .selectFrom('ledger_transactions')
      .select(['request_hash', 'result'])
      .where('merchant_id', '=', merchantId)
      .where('idempotency_key', '=', idempotencyKey)
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.request_hash !== requestHash) {
      throw new GatewayError(
        'IDEMPOTENCY_CONFLICT',
        '该幂等键已用于另一请求 / this idempotency key was used for a different request',
        'idempotencyKey',
      );
    }
    return { ...(JSON.parse(row.result) as Applied<R>), replayed: true };
  }

  // ---- stored value -------------------------------------------------------------------------

  private storedValueOrder(trx: Trx, merchantId: string): Promise<SpendOrder> {
    if (!this.memo) return activeStoredValueOrder(trx, merchantId);
    let order = this.memo.storedValueOrders.get(merchantId);
    if (!order) this.memo.storedValueOrders.set(merchantId, (order = activeStoredValueOrder(trx, merchantId)));
    return order;
  }

  private async activeCard(trx: Trx, merchantId: string, cardNo: string, field = 'cardNo'): Promise<CardRow> {
    const memoKey = `${merchantId}:${cardNo}`;
    const card = this.memo?.cards.get(memoKey) ?? (await findCardByNo(trx, merchantId, cardNo));
    if (card) this.memo?.cards.set(memoKey, card);
    if (!card) throw new GatewayError('NOT_FOUND', '卡不存在 / card not found', field);
    if (card.status !== 'active') {
      throw new GatewayError('CARD_NOT_ACTIVE', `卡状态为 ${card.status} / card is ${card.status}`, field);
    }
    return card;
  }

  private async cardAccounts(ctx: OpContext, card: CardRow) {
    const owner = storedValueOwner(card);
    const principal = await ctx.account('card_principal', owner);
    const bonus = await ctx.account('card_bonus', owner);
    const balances = await ctx.lock([principal, bonus]);
    return {
      principal,
      bonus,
      balance: { principalFen: balances.get(principal) ?? 0, bonusFen: balances.get(bonus) ?? 0 },
    };
  }

  /** Stored value of a card (a linked card shows its main card's balance). */
  async balanceOf(merchantId: string, cardNo: string): Promise<StoredValue> {
    const card = await findCardByNo(this.gdb.db, merchantId, cardNo);
    if (!card) throw notFound('card');
    return this.balanceOfCard(this.gdb.db, merchantId, card);
  }

  async balanceOfCard(trx: Trx, merchantId: string, card: CardRow): Promise<StoredValue> {
    const owner = storedValueOwner(card);
    const rows = await trx
      .selectFrom('accounts')
      .select(['kind', 'balance'])
      .where('merchant_id', '=', merchantId)
      .where('owner_id', '=', owner)
      .where('kind', 'in', ['card_principal', 'card_bonus'])
      .execute();
    const get = (k: string) => Number(rows.find((r) => r.kind === k)?.balance ?? 0);
    return { principalFen: get('card_principal'), bonusFen: get('card_bonus') };
  }

  /**
   * Recharge: the customer paid `paidFen`; the bonus (and bonus points) come from the recharge plans
   * of the active rule set, computed by the engine's planRecharge exactly as a till does offline
   * (the chosen `planId`, or the live plan that gives most). Without a rule set: principal only.
   */
  recharge(actor: Actor, req: { idempotencyKey: string; cardNo: string; paidFen: number; planId?: string | undefined }) {
    return this.run(actor, { idempotencyKey: req.idempotencyKey, kind: 'recharge', request: req }, async (ctx) => {
      const card = await this.activeCard(ctx.trx, actor.merchantId, req.cardNo);
      const rules = await activeRules(ctx.trx, actor.merchantId);
      let plan: RechargePlanResult;
      try {
        plan = planRecharge({
          now: new Date(ctx.nowMs).toISOString(),
          storeId: actor.storeId ?? card.storeId,
          rules: rules ?? RuleSet.parse({}),
          paidFen: req.paidFen,
          ...(req.planId !== undefined ? { planId: req.planId } : {}),
        });
      } catch (error) {
        if (error instanceof EngineError) {
          const code = error.code === 'UNKNOWN_PLAN' ? 'NOT_FOUND' : 'VALIDATION';
          throw new GatewayError(code, `${error.message}`, error.field === 'paidFen' ? 'paidFen' : 'planId');
        }
        throw error;
      }
      const out = await this.rechargeBody(ctx, actor, req.cardNo, plan.principalFen, plan.bonusFen, plan.planId);
      if (plan.bonusPoints <= 0) return out;
      const points = await this.pointsLeg(ctx, actor, card.memberId, plan.bonusPoints, null);
      return { ...out, postings: [...out.postings, points], result: { ...out.result, bonusPoints: plan.bonusPoints } };
    });
  }

  /**
   * Recharge with the principal/bonus split already decided (a terminal applied the plan offline;
   * sync replays it with the event id as key).
   */
  rechargeExplicit(actor: Actor, req: { idempotencyKey: string; cardNo: string; principalFen: number; bonusFen: number }) {
    return this.run(actor, { idempotencyKey: req.idempotencyKey, kind: 'recharge', request: req }, async (ctx) => {
      const valid = (n: number) => Number.isSafeInteger(n) && n >= 0;
      if (!valid(req.principalFen) || !valid(req.bonusFen) || req.principalFen + req.bonusFen === 0) {
        throw new GatewayError('VALIDATION', '充值金额无效 / principalFen and bonusFen must be non-negative integers, not both 0', 'principalFen');
      }
      return this.rechargeBody(ctx, actor, req.cardNo, req.principalFen, req.bonusFen, null);
    });
  }

  private async rechargeBody(ctx: OpContext, actor: Actor, cardNo: string, principalFen: number, bonusFen: number, planId: string | null) {
    const card = await this.activeCard(ctx.trx, actor.merchantId, cardNo);
    const acc = await this.cardAccounts(ctx, card);
    const funding = await ctx.account('sv_funding', actor.storeId ?? card.storeId);
    const bonusIssued = await ctx.account('sv_bonus_issued', actor.merchantId);
    const after = { principalFen: acc.balance.principalFen + principalFen, bonusFen: acc.balance.bonusFen + bonusFen };
    return {
      postings: [
        { from: funding, to: acc.principal, amount: principalFen },
        { from: bonusIssued, to: acc.bonus, amount: bonusFen },
      ],
      result: { kind: 'recharge', cardNo: card.cardNo, planId, principalFen, bonusFen, bonusPoints: 0, balance: after },
      memberId: card.memberId,
      cardId: card.id,
      amount: principalFen + bonusFen,
      audit: { entityType: 'card', entityId: card.id, before: acc.balance, after },
    };
  }

  /**
   * Spend stored value. Which part pays: an explicit `split` (the terminal's engine already chose it),
   * else `order`, else the active rule set's `settings.storedValueOrder` (the engine's rule, so the
   * gateway and the till agree), else principal first. With `allowOverdraft` (offline spends replayed
   * by sync) a part short on balance is made up from the other part, then from `sv_overdraft`.
   */
  spend(
    actor: Actor,
    req: {
      idempotencyKey: string;
      cardNo: string;
      amountFen: number;
      allowOverdraft?: boolean | undefined;
      split?: StoredValue | undefined;
      order?: SpendOrder | undefined;
    },
  ) {
    return this.run(actor, { idempotencyKey: req.idempotencyKey, kind: 'spend', request: req }, async (ctx) => {
      if (!Number.isSafeInteger(req.amountFen) || req.amountFen <= 0) {
        throw new GatewayError('VALIDATION', '金额必须为正整数（分）/ amountFen must be a positive integer', 'amountFen');
      }
      if (req.split && req.split.principalFen + req.split.bonusFen !== req.amountFen) {
        throw new GatewayError('VALIDATION', '本金与赠送金额之和须等于消费金额 / split must add up to amountFen', 'split');
      }
      const card = await this.activeCard(ctx.trx, actor.merchantId, req.cardNo);
      const acc = await this.cardAccounts(ctx, card);
      const available = acc.balance.principalFen + acc.balance.bonusFen;
      if (req.amountFen > available && req.allowOverdraft !== true) {
        throw new GatewayError('INSUFFICIENT_BALANCE', '余额不足 / insufficient balance', 'amountFen');
      }
      const covered = Math.min(req.amountFen, available);
      let split: StoredValue;
      if (req.split) {
        split = splitAsAsked(covered, req.split, acc.balance);
      } else {
        const order = req.order ?? (await this.storedValueOrder(ctx.trx, actor.merchantId));
        split = splitByOrder(covered, acc.balance, order);
      }
      const shortfallFen = req.amountFen - covered;
      const store = actor.storeId ?? card.storeId;
      const salesPrincipal = await ctx.account('sv_sales_principal', store);
      const salesBonus = await ctx.account('sv_sales_bonus', store);
      const postings: PostingSpec[] = [
        { from: acc.principal, to: salesPrincipal, amount: split.principalFen },
        { from: acc.bonus, to: salesBonus, amount: split.bonusFen },
      ];
      if (shortfallFen > 0) {
        postings.push({ from: await ctx.account('sv_overdraft', actor.merchantId), to: salesPrincipal, amount: shortfallFen });
      }
      const after = {
        principalFen: acc.balance.principalFen - split.principalFen,
        bonusFen: acc.balance.bonusFen - split.bonusFen,
      };
      return {
        postings,
        result: { kind: 'spend', cardNo: card.cardNo, amountFen: req.amountFen, ...split, shortfallFen, storeId: store, balance: after },
        memberId: card.memberId,
        cardId: card.id,
        amount: req.amountFen,
        audit: { entityType: 'card', entityId: card.id, before: acc.balance, after },
      };
    });
  }

  /** Refund (part of) an earlier spend back to its card, in the spend's principal/bonus proportion. */
  refund(actor: Actor, req: { idempotencyKey: string; spendTransactionId: string; amountFen: number }) {
    return this.run(actor, { idempotencyKey: req.idempotencyKey, kind: 'refund', request: req }, async (ctx) => {
      const trx = ctx.trx;
      await this.memo?.flush(trx);
      let q = trx
        .selectFrom('ledger_transactions')
        .selectAll()
        .where('merchant_id', '=', actor.merchantId)
        .where('id', '=', req.spendTransactionId)
        .where('kind', '=', 'spend');
      if (forUpdate(this.gdb)) q = q.forUpdate();
      const spend = await q.executeTakeFirst();
      if (!spend || spend.card_id === null) throw new GatewayError('NOT_FOUND', '原消费不存在 / spend not found', 'spendTransactionId');
      const original = JSON.parse(spend.result) as { bonusFen: number; storeId: string };
      const total = Number(spend.amount);
      const before = Number(spend.refunded_amount);
      if (req.amountFen <= 0 || before + req.amountFen > total) {
        throw new GatewayError('REFUND_EXCEEDS_SPEND', `可退金额为 ${total - before} 分 / at most ${total - before} fen can be refunded`, 'amountFen');
      }
      // Cumulative rounding: the bonus refunded over all partial refunds adds up to the spend's bonus exactly.
      const bonusUpTo = (x: number) => Number((BigInt(x) * BigInt(original.bonusFen)) / BigInt(total));
      const bonusFen = bonusUpTo(before + req.amountFen) - bonusUpTo(before);
      const principalFen = req.amountFen - bonusFen;
      const cardRow = await trx
        .selectFrom('cards')
        .select('card_no')
        .where('merchant_id', '=', actor.merchantId)
        .where('id', '=', spend.card_id)
        .executeTakeFirstOrThrow();
      const card = await this.activeCard(trx, actor.merchantId, cardRow.card_no);
      const acc = await this.cardAccounts(ctx, card);
      await trx
        .updateTable('ledger_transactions')
        .set({ refunded_amount: before + req.amountFen })
        .where('merchant_id', '=', actor.merchantId)
        .where('id', '=', spend.id)
        .execute();
      const after = { principalFen: acc.balance.principalFen + principalFen, bonusFen: acc.balance.bonusFen + bonusFen };
      return {
        postings: [
          { from: await ctx.account('sv_sales_principal', original.storeId), to: acc.principal, amount: principalFen },
          { from: await ctx.account('sv_sales_bonus', original.storeId), to: acc.bonus, amount: bonusFen },
        ],
        result: { kind: 'refund', cardNo: card.cardNo, spendTransactionId: spend.id, principalFen, bonusFen, balance: after },
        memberId: card.memberId,
        cardId: card.id,
        amount: req.amountFen,
        audit: { entityType: 'card', entityId: card.id, before: acc.balance, after },
      };
    });
  }

  /** Manager adjustment of principal and/or bonus; a reason is required and audited. */
  adjust(
    actor: Actor,
    req: { idempotencyKey: string; cardNo: string; principalDeltaFen: number; bonusDeltaFen: number; reason: string },
  ) {
    return this.run(actor, { idempotencyKey: req.idempotencyKey, kind: 'adjustment', request: req }, async (ctx) => {
      if (req.reason.trim().length === 0) throw new GatewayError('VALIDATION', '必须填写原因 / a reason is required', 'reason');
      if (req.principalDeltaFen === 0 && req.bonusDeltaFen === 0) {
        throw new GatewayError('VALIDATION', '调整金额不能为零 / nothing to adjust', 'principalDeltaFen');
      }
      const card = await this.activeCard(ctx.trx, actor.merchantId, req.cardNo);
      const acc = await this.cardAccounts(ctx, card);
      const after = {
        principalFen: acc.balance.principalFen + req.principalDeltaFen,
        bonusFen: acc.balance.bonusFen + req.bonusDeltaFen,
      };
      if (after.principalFen < 0 || after.bonusFen < 0) {
        throw new GatewayError('INSUFFICIENT_BALANCE', '调整后余额为负 / the adjustment would make the balance negative', 'principalDeltaFen');
      }
      const counter = await ctx.account('sv_adjustment', actor.merchantId);
      const leg = (account: string, delta: number): PostingSpec =>
        delta >= 0 ? { from: counter, to: account, amount: delta } : { from: account, to: counter, amount: -delta };
      return {
        postings: [leg(acc.principal, req.principalDeltaFen), leg(acc.bonus, req.bonusDeltaFen)],
        result: { kind: 'adjustment', cardNo: card.cardNo, principalDeltaFen: req.principalDeltaFen, bonusDeltaFen: req.bonusDeltaFen, reason: req.reason, balance: after },
        memberId: card.memberId,
        cardId: card.id,
        amount: Math.abs(req.principalDeltaFen) + Math.abs(req.bonusDeltaFen),
        reason: req.reason,
        audit: { entityType: 'card', entityId: card.id, before: acc.balance, after },
      };
    });
  }

  /** Moves stored value between two cards of one family (main card and its subsidiary cards). */
  transfer(actor: Actor, req: { idempotencyKey: string; fromCardNo: string; toCardNo: string; amountFen: number }) {
    return this.run(actor, { idempotencyKey: req.idempotencyKey, kind: 'transfer', request: req }, async (ctx) => {
      const from = await this.activeCard(ctx.trx, actor.merchantId, req.fromCardNo, 'fromCardNo');
      const to = await this.activeCard(ctx.trx, actor.merchantId, req.toCardNo, 'toCardNo');
      if (familyRoot(from) !== familyRoot(to) || storedValueOwner(from) === storedValueOwner(to)) {
        throw new GatewayError('NOT_LINKED', '两张卡不属于同一家庭卡组 / the cards are not linked', 'toCardNo');
      }
      const src = await this.cardAccounts(ctx, from);
      const dst = await this.cardAccounts(ctx, to);
      if (req.amountFen <= 0 || req.amountFen > src.balance.principalFen + src.balance.bonusFen) {
        throw new GatewayError('INSUFFICIENT_BALANCE', '余额不足 / insufficient balance', 'amountFen');
      }
      const split = proportionalSplit(req.amountFen, src.balance);
      return {
        postings: [
          { from: src.principal, to: dst.principal, amount: split.principalFen },
          { from: src.bonus, to: dst.bonus, amount: split.bonusFen },
        ],
        result: { kind: 'transfer', fromCardNo: from.cardNo, toCardNo: to.cardNo, ...split },
        memberId: from.memberId,
        cardId: from.id,
        amount: req.amountFen,
        audit: { entityType: 'card', entityId: from.id, before: src.balance, after: { principalFen: src.balance.principalFen - split.principalFen, bonusFen: src.balance.bonusFen - split.bonusFen } },
      };
    });
  }

  /** Moves a card's whole stored value to another card (replacement), inside the caller's operation. */
  async moveAll(ctx: OpContext, from: CardRow, toCardId: string): Promise<{ postings: PostingSpec[]; moved: StoredValue }> {
    const src = await this.cardAccounts(ctx, from);
    const toPrincipal = await ctx.account('card_principal', toCardId);
    const toBonus = await ctx.account('card_bonus', toCardId);
    await ctx.lock([toPrincipal, toBonus]);
    return {
      postings: [
        { from: src.principal, to: toPrincipal, amount: src.balance.principalFen },
        { from: src.bonus, to: toBonus, amount: src.balance.bonusFen },
      ],
      moved: src.balance,
    };
  }

  /** Cancel (销卡): principal paid back through the store, bonus forfeited. */
  async closeOut(ctx: OpContext, actor: Actor, card: CardRow): Promise<{ postings: PostingSpec[]; closed: StoredValue }> {
    const src = await this.cardAccounts(ctx, card);
    return {
      postings: [
        { from: src.principal, to: await ctx.account('sv_refund_payout', actor.storeId ?? card.storeId), amount: src.balance.principalFen },
        { from: src.bonus, to: await ctx.account('sv_bonus_forfeited', actor.merchantId), amount: src.balance.bonusFen },
      ],
      closed: src.balance,
    };
  }

  // ---- points -------------------------------------------------------------------------------

  private async memberExists(trx: Trx, merchantId: string, memberId: string) {
    if (this.memo?.members.has(`${merchantId}:${memberId}`)) return;
    const m = await trx.selectFrom('members').select('id').where('merchant_id', '=', merchantId).where('id', '=', memberId).executeTakeFirst();
    if (!m) throw new GatewayError('NOT_FOUND', '会员不存在 / member not found', 'memberId');
    this.memo?.members.add(`${merchantId}:${memberId}`);
  }

  /** A new points lot for the member and the posting that credits it, inside the caller's operation. */
  private async pointsLeg(ctx: OpContext, actor: Actor, memberId: string, points: number, expiresOn: string | null): Promise<PostingSpec & { lotId: string }> {
    const memberPoints = await ctx.account('member_points', memberId);
    await ctx.lock([memberPoints]);
    const lotId = newId(ctx.nowMs);
    await this.insertLot(ctx.trx, { merchant_id: actor.merchantId, id: lotId, member_id: memberId, points_earned: points, points_remaining: points, expires_on: expiresOn, transaction_id: ctx.transactionId, created_at: ctx.nowMs });
    return { from: await ctx.account('points_issued', actor.merchantId), to: memberPoints, amount: points, lotId };
  }

  /** Earn points into a new lot that expires as a whole on `expiresOn` (null: never). */
  earnPoints(actor: Actor, req: { idempotencyKey: string; memberId: string; points: number; expiresOn: string | null }) {
    return this.run(actor, { idempotencyKey: req.idempotencyKey, kind: 'points_earn', request: req }, async (ctx) => {
      if (!Number.isSafeInteger(req.points) || req.points <= 0) throw new GatewayError('VALIDATION', '积分必须为正整数 / points must be positive', 'points');
      await this.memberExists(ctx.trx, actor.merchantId, req.memberId);
      const memberPoints = await ctx.account('member_points', req.memberId);
      const balances = await ctx.lock([memberPoints]);
      const lotId = newId(ctx.nowMs);
      await this.insertLot(ctx.trx, {
        merchant_id: actor.merchantId,
        id: lotId,
        member_id: req.memberId,
        points_earned: req.points,
        points_remaining: req.points,
        expires_on: req.expiresOn,
        transaction_id: ctx.transactionId,
        created_at: ctx.nowMs,
      });
      const before = balances.get(memberPoints) ?? 0;
      return {
        postings: [{ from: await ctx.account('points_issued', actor.merchantId), to: memberPoints, amount: req.points }],
        result: { kind: 'points_earn', memberId: req.memberId, points: req.points, lotId, pointsBalance: before + req.points },
        memberId: req.memberId,
        amount: req.points,
        audit: { entityType: 'member', entityId: req.memberId, before: { points: before }, after: { points: before + req.points } },
      };
    });
  }

  /** Spend points from unexpired lots, first-expiring first (lots without expiry last). */
  spendPoints(actor: Actor, req: { idempotencyKey: string; memberId: string; points: number; today: string }) {
    return this.run(actor, { idempotencyKey: req.idempotencyKey, kind: 'points_spend', request: req }, async (ctx) => {
      if (!Number.isSafeInteger(req.points) || req.points <= 0) throw new GatewayError('VALIDATION', '积分必须为正整数 / points must be positive', 'points');
      await this.memberExists(ctx.trx, actor.merchantId, req.memberId);
      const memberPoints = await ctx.account('member_points', req.memberId);
      const balances = await ctx.lock([memberPoints]);
      const lots = await this.usableLots(ctx.trx, actor.merchantId, req.memberId, req.today);
      const usable = lots.reduce((s, l) => s + l.remaining, 0);
      if (usable < req.points) throw new GatewayError('INSUFFICIENT_POINTS', `可用积分 ${usable} / only ${usable} points usable`, 'points');
      let left = req.points;
      const consumed: { lotId: string; points: number }[] = [];
      for (const lot of lots) {
        if (left === 0) break;
        const take = Math.min(left, lot.remaining);
        await ctx.trx
          .updateTable('points_lots')
          .set({ points_remaining: lot.remaining - take })
          .where('merchant_id', '=', actor.merchantId)
          .where('id', '=', lot.id)
          .execute();
        consumed.push({ lotId: lot.id, points: take });
        left -= take;
      }
      const before = balances.get(memberPoints) ?? 0;
      return {
        postings: [{ from: memberPoints, to: await ctx.account('points_redeemed', actor.merchantId), amount: req.points }],
        result: { kind: 'points_spend', memberId: req.memberId, points: req.points, consumed, pointsBalance: before - req.points },
        memberId: req.memberId,
        amount: req.points,
        audit: { entityType: 'member', entityId: req.memberId, before: { points: before }, after: { points: before - req.points } },
      };
    });
  }

  private async insertLot(trx: Trx, row: Insertable<GatewayDatabase['points_lots']>): Promise<void> {
    await insertNowOrDefer(trx as Kysely<GatewayDatabase>, this.memo, 'points_lots', [row]);
  }

  private async usableLots(trx: Trx, merchantId: string, memberId: string, today: string) {
    await this.memo?.flush(trx);
    const rows = await trx
      .selectFrom('points_lots')
      .select(['id', 'points_remaining', 'expires_on'])
      .where('merchant_id', '=', merchantId)
      .where('member_id', '=', memberId)
      .where('points_remaining', '>', 0)
      .where((eb) => eb.or([eb('expires_on', 'is', null), eb('expires_on', '>=', today)]))
      .execute();
    return rows
      .map((r) => ({ id: r.id, remaining: Number(r.points_remaining), expiresOn: r.expires_on }))
      .sort((a, b) => {
        if (a.expiresOn !== b.expiresOn) {
          if (a.expiresOn === null) return 1;
          if (b.expiresOn === null) return -1;
          return a.expiresOn < b.expiresOn ? -1 : 1;
        }
        return a.id < b.id ? -1 : 1;
      });
  }

  /**
   * Expires every lot whose day has passed (expires_on < today), one ledger operation per lot keyed
   * `points-expiry:<lotId>`, so a rerun or a concurrent job never expires a lot twice.
   */
  async expirePoints(actor: Actor, today: string, maxLots = 10_000): Promise<{ lotsExpired: number; pointsExpired: number }> {
    const lots = await this.gdb.db
      .selectFrom('points_lots')
      .select(['id', 'member_id'])
      .where('merchant_id', '=', actor.merchantId)
      .where('points_remaining', '>', 0)
      .where('expires_on', '<', today)
      .orderBy('id')
      .limit(maxLots)
      .execute();
    let lotsExpired = 0;
    let pointsExpired = 0;
    for (const lot of lots) {
      const r = await this.run(actor, { idempotencyKey: `points-expiry:${lot.id}`, kind: 'points_expire', request: { lotId: lot.id } }, async (ctx) => {
        const memberPoints = await ctx.account('member_points', lot.member_id);
        await ctx.lock([memberPoints]);
        const row = await ctx.trx
          .selectFrom('points_lots')
          .select('points_remaining')
          .where('merchant_id', '=', actor.merchantId)
          .where('id', '=', lot.id)
          .executeTakeFirstOrThrow();
        const points = Number(row.points_remaining);
        await ctx.trx.updateTable('points_lots').set({ points_remaining: 0 }).where('merchant_id', '=', actor.merchantId).where('id', '=', lot.id).execute();
        return {
          postings: [{ from: memberPoints, to: await ctx.account('points_expired', actor.merchantId), amount: points }],
          result: { kind: 'points_expire', lotId: lot.id, memberId: lot.member_id, points },
          memberId: lot.member_id,
          amount: points,
        };
      });
      if (!r.replayed) {
        lotsExpired += 1;
        pointsExpired += r.points;
      }
    }
    return { lotsExpired, pointsExpired };
  }

  async pointsOf(merchantId: string, memberId: string): Promise<number> {
    const row = await this.gdb.db
      .selectFrom('accounts')
      .select('balance')
      .where('merchant_id', '=', merchantId)
      .where('kind', '=', 'member_points')
      .where('owner_id', '=', memberId)
      .executeTakeFirst();
    return Number(row?.balance ?? 0);
  }
}


export interface LedgerEntry {
  id: string;
  kind: string;
  idempotencyKey: string;
  cardId: string | null;
  amount: number;
  reason: string | null;
  storeId: string | null;
  staffId: string | null;
  createdAt: number;
  postings: { fromAccount: string; toAccount: string; amount: number; unit: string }[];
}

/** A member's ledger transactions with their postings (account kinds named), newest last, paged by id. */
export async function listMemberLedger(
  gdb: GatewayDb,
  merchantId: string,
  memberId: string,
  page: { cursor?: string | undefined; limit: number },
): Promise<{ items: LedgerEntry[]; nextCursor: string | null }> {
  let q = gdb.db.selectFrom('ledger_transactions').selectAll().where('merchant_id', '=', merchantId).where('member_id', '=', memberId);
  if (page.cursor) q = q.where('id', '>', page.cursor);
  const rows = await q.orderBy('id').limit(page.limit + 1).execute();
  const pageRows = rows.slice(0, page.limit);
  const ids = pageRows.map((r) => r.id);
  const postings = ids.length
    ? await gdb.db
        .selectFrom('postings')
        .innerJoin('accounts as f', (j) => j.onRef('f.merchant_id', '=', 'postings.merchant_id').onRef('f.id', '=', 'postings.from_account_id'))
        .innerJoin('accounts as t', (j) => j.onRef('t.merchant_id', '=', 'postings.merchant_id').onRef('t.id', '=', 'postings.to_account_id'))
        .select(['postings.transaction_id', 'postings.id', 'postings.amount', 'postings.unit', 'f.kind as from_kind', 't.kind as to_kind'])
        .where('postings.merchant_id', '=', merchantId)
        .where('postings.transaction_id', 'in', ids)
        .orderBy('postings.id')
        .execute()
    : [];
  return {
    items: pageRows.map((r) => ({
      id: r.id,
      kind: r.kind,
      idempotencyKey: r.idempotency_key,
      cardId: r.card_id,
      amount: Number(r.amount),
      reason: r.reason,
      storeId: r.store_id,
      staffId: r.staff_id,
      createdAt: Number(r.created_at),
      postings: postings
        .filter((p) => p.transaction_id === r.id)
        .map((p) => ({ fromAccount: p.from_kind, toAccount: p.to_kind, amount: Number(p.amount), unit: p.unit })),
    })),
    nextCursor: rows.length > page.limit ? (pageRows[pageRows.length - 1]?.id ?? null) : null,
  };
}
