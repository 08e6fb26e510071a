// Churn signal: a member whose purchases in the last period (asOf − periodDays, asOf] fell by more
// than `churnDropPerMille` of the period before goes on the wake-up list (churn_signals), exactly as
// the engine's rfm() sets `churn`. One SQL statement; the period's rows are replaced in one transaction.
import { sql, type Kysely } from 'kysely';
import { inTransaction } from '../db/database.js';
import { addDays, endOfPreviousMonth } from '../jobs/calendar.js';
import type { JobContext, JobDefinition, JobResult } from '../jobs/job-definition.js';
import type { JobsDatabase } from '../jobs/jobs-tables.js';
import { PURCHASE } from './rfm-segments.js';

export async function computeChurn(ctx: Pick<JobContext, 'gdb' | 'merchantId' | 'asOf' | 'startedAt' | 'settings'>): Promise<JobResult> {
  const { periodDays, churnDropPerMille } = ctx.settings.rfm;
  const periodStart = addDays(ctx.asOf, -periodDays);
  const previousStart = addDays(ctx.asOf, -2 * periodDays);
  const inserted = await inTransaction(ctx.gdb, async (gtrx) => {
    const trx = gtrx as unknown as Kysely<JobsDatabase>;
    // As in rfm-segments: aggregate in the order of sales_member_rfm_ix rather than in a hash table.
    if (ctx.gdb.dialect === 'postgres') await sql`set local enable_hashagg = off`.execute(trx);
    await trx.deleteFrom('churn_signals').where('merchant_id', '=', ctx.merchantId).where('period', '=', ctx.asOf).execute();
    const r = await sql`
      with windowed as (
        select member_id,
          max(business_date) as last_date,
          sum(case when business_date > ${periodStart} then 1 else 0 end) as cur,
          sum(case when business_date <= ${periodStart} then 1 else 0 end) as prev
        from sales
        where merchant_id = ${ctx.merchantId} and member_id is not null and ${PURCHASE}
          and business_date <= ${ctx.asOf} and business_date > ${previousStart}
        group by member_id
      )
      insert into churn_signals (merchant_id, period, member_id, previous_frequency, frequency, last_purchase_date, created_at)
      select ${ctx.merchantId}, ${ctx.asOf}, member_id, prev, cur, last_date, cast(${ctx.startedAt} as bigint)
      from windowed
      where prev > 0 and (prev - cur) * 1000 > prev * ${sql.lit(churnDropPerMille)}`.execute(trx);
    return Number(r.numAffectedRows ?? 0n);
  });
  return { rowsTouched: inserted, summary: { members: inserted, periodDays, churnDropPerMille } };
}

export const churnJob: JobDefinition = {
  name: 'churn',
  cadence: 'monthly',
  description: { zh: '流失预警：消费频次下降超过阈值的会员进入唤醒名单', en: 'Churn signal: members whose purchase frequency dropped beyond the threshold go on the wake-up list' },
  defaultAsOf: endOfPreviousMonth,
  run: computeChurn,
};
