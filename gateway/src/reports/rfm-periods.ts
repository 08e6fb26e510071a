// Which RFM evaluation a report reads: the period asked for, else the latest one the RFM job wrote
// (member_rfm, one row per member per as-of date); and the one before it, for movement.
import { GatewayError } from '../errors.js';
import type { GatewayDb } from '../db/database.js';
import { jobsDb } from '../jobs/jobs-tables.js';

/** The latest period ≤ `atOrBefore` (or < it when `strictly`), or null when the job never ran. */
export async function rfmPeriod(gdb: GatewayDb, merchantId: string, atOrBefore?: string, strictly = false): Promise<string | null> {
  let q = jobsDb(gdb).selectFrom('member_rfm').select('period').where('merchant_id', '=', merchantId);
  if (atOrBefore !== undefined) q = q.where('period', strictly ? '<' : '<=', atOrBefore);
  const r = await q.orderBy('period', 'desc').limit(1).executeTakeFirst();
  return r?.period ?? null;
}

/** A period that was asked for by name must exist: otherwise 404, as for any missing resource. */
export async function requirePeriod(gdb: GatewayDb, merchantId: string, period: string, field: string): Promise<void> {
  const r = await jobsDb(gdb).selectFrom('member_rfm').select('period').where('merchant_id', '=', merchantId).where('period', '=', period).limit(1).executeTakeFirst();
  if (!r) throw new GatewayError('NOT_FOUND', `没有 ${period} 的 RFM 结果 / no RFM results for period ${period}`, field);
}
