// RFM per member and the eight segments, in one SQL statement over the sales facts: the same
// definitions as the engine's rfm() (which the tests compare it with on one fixture). Up to the
// as-of date: F counts sales with a positive amount, M sums sales minus refunds, R is the days since
// the last such sale; quintile score = 1 + floor(5 × (members strictly worse) / n), i.e. RANK() − 1;
// a score is high when score × n ≥ the sum of scores (at or above the mean). One row per member and
// period in member_rfm, written in one transaction (delete the period, insert it).
import { RFM_SEGMENTS, type RfmConfig } from '@pos/engine';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { inTransaction, type Dialect } from '../db/database.js';
import { addDays, endOfPreviousMonth } from '../jobs/calendar.js';
import type { JobContext, JobDefinition, JobResult } from '../jobs/job-definition.js';
import { jobsDb, type JobsDatabase } from '../jobs/jobs-tables.js';
import { daysFrom } from './sql-dialect.js';

const SEGMENT_BY_KEY: Record<string, keyof typeof RFM_SEGMENTS> = {
  HHH: 'importantValue',
  HLH: 'importantDevelop',
  LHH: 'importantRetain',
  LLH: 'importantWinBack',
  HHL: 'generalValue',
  HLL: 'generalDevelop',
  LHL: 'generalRetain',
  LLL: 'generalWinBack',
};

/** SQL of the positive-amount sales: what counts for F and R. */
export const PURCHASE = sql`(kind = 'sale' and amount_fen > 0)`;

function thresholdScore(column: string, cutoffs: readonly number[], kind: 'recency' | 'higher'): RawBuilder<number> {
  const c = sql.ref(column);
  if (kind === 'recency') {
    const over = cutoffs.map((x) => sql`case when ${c} > ${sql.lit(x)} then 1 else 0 end`);
    return sql<number>`(5 - (${sql.join(over, sql` + `)}))`;
  }
  const atLeast = cutoffs.map((x) => sql`case when ${c} >= ${sql.lit(x)} then 1 else 0 end`);
  return sql<number>`(1 + ${sql.join(atLeast, sql` + `)})`;
}

function scoreExpressions(config: RfmConfig): { r: RawBuilder<number>; f: RawBuilder<number>; m: RawBuilder<number> } {
  if (config.scoring.mode === 'quintile') {
    const quintile = (order: RawBuilder<unknown>) => sql<number>`(1 + (5 * (rank() over (order by ${order}) - 1)) / count(*) over ())`;
    return { r: quintile(sql`r desc`), f: quintile(sql`f`), m: quintile(sql`m`) };
  }
  const s = config.scoring;
  return { r: thresholdScore('r', s.r, 'recency'), f: thresholdScore('f', s.f, 'higher'), m: thresholdScore('m', s.m, 'higher') };
}

/** The SELECT of one period's member_rfm rows (columns named as the table's). */
export function rfmSelectSql(dialect: Dialect, merchantId: string, asOf: string, config: RfmConfig, computedAt: number) {
  const periodStart = addDays(asOf, -config.periodDays);
  const previousStart = addDays(asOf, -2 * config.periodDays);
  const score = scoreExpressions(config);
  const high = (col: string) => sql`case when ${sql.ref(col)} * count(*) over () >= sum(${sql.ref(col)}) over () then 'H' else 'L' end`;
  const segmentCase = sql.join(
    Object.entries(SEGMENT_BY_KEY).map(([key, segment]) => sql`when ${sql.lit(key)} then ${sql.lit(segment)}`),
    sql` `,
  );
  return sql`
    with agg as (
      select member_id,
        max(business_date) filter (where ${PURCHASE}) as last_date,
        count(*) filter (where ${PURCHASE}) as f,
        sum(case when kind = 'sale' then amount_fen else -amount_fen end) as m,
        count(*) filter (where ${PURCHASE} and business_date > ${periodStart}) as cur,
        count(*) filter (where ${PURCHASE} and business_date <= ${periodStart} and business_date > ${previousStart}) as prev
      from sales
      where merchant_id = ${merchantId} and member_id is not null and business_date <= ${asOf}
      group by member_id
    ),
    base as (
      select member_id, ${daysFrom(dialect, sql.ref('last_date'), asOf)} as r, f, m, cur, prev from agg where f > 0
    ),
    scored as (
      select member_id, r, f, m, cur, prev, ${score.r} as rs, ${score.f} as fs, ${score.m} as ms from base
    ),
    flagged as (
      select member_id, r, f, m, cur, prev, rs, fs, ms, ${high('rs')} || ${high('fs')} || ${high('ms')} as hml from scored
    )
    select ${merchantId} as merchant_id, ${asOf} as period, member_id, r as recency_days, f as frequency, m as monetary_fen,
      rs as r_score, fs as f_score, ms as m_score, case hml ${segmentCase} end as segment,
      cur as frequency_this_period, prev as frequency_previous_period, cast(${computedAt} as bigint) as computed_at
    from flagged`;
}

const RFM_COLUMNS = sql.raw(
  'merchant_id, period, member_id, recency_days, frequency, monetary_fen, r_score, f_score, m_score, segment, frequency_this_period, frequency_previous_period, computed_at',
);

/** Computes and stores one period; returns the number of members scored and the size of each segment. */
export async function computeRfmPeriod(ctx: Pick<JobContext, 'gdb' | 'merchantId' | 'asOf' | 'startedAt'>, config: RfmConfig): Promise<JobResult> {
  const db = jobsDb(ctx.gdb);
  const inserted = await inTransaction(ctx.gdb, async (gtrx) => {
    const trx = gtrx as unknown as Kysely<JobsDatabase>;
    if (ctx.gdb.dialect === 'postgres') {
      await sql`set local work_mem = '256MB'`.execute(trx);
      // The planner prices a hash aggregate of a million groups below the ordered scan of
      // sales_member_rfm_ix, but the hash table's cache misses make it about 3× slower (measured on
      // 10M rows): within this transaction only, aggregate in index order.
      await sql`set local enable_hashagg = off`.execute(trx);
    }
    await trx.deleteFrom('member_rfm').where('merchant_id', '=', ctx.merchantId).where('period', '=', ctx.asOf).execute();
    const select = rfmSelectSql(ctx.gdb.dialect, ctx.merchantId, ctx.asOf, config, ctx.startedAt);
    if (ctx.gdb.dialect === 'sqlite') {
      const r = await sql`insert into member_rfm (${RFM_COLUMNS}) ${select}`.execute(trx);
      return Number(r.numAffectedRows ?? 0n);
    }
    // PostgreSQL never runs an INSERT … SELECT in parallel, but it does a CREATE TABLE AS: the scan
    // and aggregation of the sales run on parallel workers into a temporary table, which is then
    // inserted in key order (appends to the primary key's right edge instead of random leaf splits).
    await sql`create temp table rfm_period on commit drop as ${select}`.execute(trx);
    const r = await sql`insert into member_rfm (${RFM_COLUMNS}) select ${RFM_COLUMNS} from rfm_period order by member_id`.execute(trx);
    return Number(r.numAffectedRows ?? 0n);
  });
  const sizes = await db
    .selectFrom('member_rfm')
    .select(['segment', db.fn.countAll<number>().as('n')])
    .where('merchant_id', '=', ctx.merchantId)
    .where('period', '=', ctx.asOf)
    .groupBy('segment')
    .execute();
  const segments = Object.fromEntries(Object.keys(RFM_SEGMENTS).map((k) => [k, 0])) as Record<string, number>;
  for (const s of sizes) segments[s.segment] = Number(s.n);
  return { rowsTouched: inserted, summary: { members: inserted, segments } };
}

export const rfmSegmentsJob: JobDefinition = {
  name: 'rfm-segments',
  cadence: 'monthly',
  description: { zh: '会员 RFM 评分与八类分群', en: 'RFM scores and the eight segments per member' },
  defaultAsOf: endOfPreviousMonth,
  run: (ctx) => computeRfmPeriod(ctx, ctx.settings.rfm),
};
