// Member behaviours that earn growth (a daily sign-in, a review of an order): recorded here once per
// idempotency key (a sign-in once per member and day), rewarded by the growth-from-rfm job.
import { newId } from '@pos/protocol';
import type { Clock } from '../context.js';
import { isUniqueViolation, type GatewayDb } from '../db/database.js';
import { GatewayError, notFound } from '../errors.js';
import { isIsoDay } from '../jobs/calendar.js';
import { jobsDb } from '../jobs/jobs-tables.js';

export interface BehaviourInput {
  memberId: string;
  kind: 'signIn' | 'review';
  businessDate: string;
  /** For a review: what the reviewed order paid (fen). */
  orderPaidFen?: number | undefined;
  /** Required for a review (e.g. `review:<saleId>`); a sign-in is keyed by member and day. */
  idempotencyKey?: string | undefined;
}

export interface Behaviour {
  id: string;
  memberId: string;
  kind: 'signIn' | 'review';
  businessDate: string;
  orderPaidFen: number;
  idempotencyKey: string;
  replayed: boolean;
}

export async function recordBehaviour(gdb: GatewayDb, clock: Clock, merchantId: string, input: BehaviourInput): Promise<Behaviour> {
  if (!isIsoDay(input.businessDate)) throw new GatewayError('VALIDATION', '日期无效 / businessDate must be YYYY-MM-DD', 'businessDate');
  const key = input.kind === 'signIn' ? `signIn:${input.memberId}:${input.businessDate}` : input.idempotencyKey;
  if (!key) throw new GatewayError('VALIDATION', '评价需要幂等键 / a review needs an idempotencyKey', 'idempotencyKey');
  const db = jobsDb(gdb);
  const member = await db.selectFrom('members').select('id').where('merchant_id', '=', merchantId).where('id', '=', input.memberId).executeTakeFirst();
  if (!member) throw notFound('member');
  const find = async () => db.selectFrom('member_behaviours').selectAll().where('merchant_id', '=', merchantId).where('idempotency_key', '=', key).executeTakeFirst();
  const toBehaviour = (r: NonNullable<Awaited<ReturnType<typeof find>>>, replayed: boolean): Behaviour => ({
    id: r.id,
    memberId: r.member_id,
    kind: r.kind,
    businessDate: r.business_date,
    orderPaidFen: Number(r.order_paid_fen),
    idempotencyKey: r.idempotency_key,
    replayed,
  });
  const seen = await find();
  if (seen) return toBehaviour(seen, true);
  const now = clock.nowMs();
  const row = {
    merchant_id: merchantId,
    id: newId(now),
    member_id: input.memberId,
    kind: input.kind,
    business_date: input.businessDate,
    order_paid_fen: input.kind === 'review' ? (input.orderPaidFen ?? 0) : 0,
    idempotency_key: key,
    created_at: now,
  };
  try {
    await db.insertInto('member_behaviours').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error)) {
      const raced = await find();
      if (raced) return toBehaviour(raced, true);
    }
    throw error;
  }
  return toBehaviour(row, false);
}
