// Growth value from RFM per period plus behaviour rewards. For each member scored in the period's
// member_rfm, the rule's growth delta of their segment (settings.rfm.growthDelta, may be negative)
// is added with key `rfm-growth:<period>:<memberId>`; each recorded behaviour (sign-in, review) not
// yet rewarded earns the engine's behaviourGrowth with key `behaviour:<behaviourId>`. Growth moves
// the tier up at once (mode 'upgrade'); downgrades wait for tier-evaluation.
import { behaviourGrowth, RuleSet } from '@pos/engine';
import { sql } from 'kysely';
import { activeRules } from '../rules/active-rule-set.js';
import { endOfPreviousMonth } from '../jobs/calendar.js';
import type { JobDefinition } from '../jobs/job-definition.js';
import { jobsDb } from '../jobs/jobs-tables.js';

const ROWS_PER_PAGE = 1_000;

export const growthFromRfmJob: JobDefinition = {
  name: 'growth-from-rfm',
  cadence: 'monthly',
  description: { zh: '按 RFM 分群与行为奖励成长值', en: 'Growth value from the RFM segment of the period, plus behaviour rewards' },
  defaultAsOf: endOfPreviousMonth,
  async run(ctx) {
    const db = jobsDb(ctx.gdb);
    const rfmRun = await db
      .selectFrom('job_runs')
      .select('id')
      .where('merchant_id', '=', ctx.merchantId)
      .where('job', '=', 'rfm-segments')
      .where('period_key', '=', ctx.asOf)
      .where('outcome', '=', 'succeeded')
      .executeTakeFirst();
    if (!rfmRun) throw new Error(`rfm-segments has not succeeded for ${ctx.asOf}: run it first`);
    const deltas = ctx.settings.rfm.growthDelta;
    const segments = Object.keys(deltas).filter((k) => deltas[k] !== 0);
    let rfmChanges = 0;
    let rfmGrowth = 0;
    if (segments.length > 0) {
      let after = '';
      for (;;) {
        const rows = await db
          .selectFrom('member_rfm')
          .select(['member_id', 'segment'])
          .where('merchant_id', '=', ctx.merchantId)
          .where('period', '=', ctx.asOf)
          .where('segment', 'in', segments)
          .where('member_id', '>', after)
          .orderBy('member_id')
          .limit(ROWS_PER_PAGE)
          .execute();
        if (rows.length === 0) break;
        for (const r of rows) {
          const delta = deltas[r.segment]!;
          const c = await ctx.growth.addGrowth(ctx.actor, { idempotencyKey: `rfm-growth:${ctx.asOf}:${r.member_id}`, memberId: r.member_id, delta, source: 'rfm' });
          if (!c.replayed) {
            rfmChanges += 1;
            rfmGrowth += delta;
          }
        }
        after = rows[rows.length - 1]!.member_id;
      }
    }

    const rules = RuleSet.parse((await activeRules(ctx.gdb.db, ctx.merchantId)) ?? {});
    let behaviourChanges = 0;
    let behaviourGrowthTotal = 0;
    let afterId = '';
    for (;;) {
      // Behaviours up to the as-of date that have no growth row yet.
      const rows = await db
        .selectFrom('member_behaviours as b')
        .leftJoin('growth_history as g', (j) =>
          j.onRef('g.merchant_id', '=', 'b.merchant_id').on('g.idempotency_key', '=', sql<string>`${'behaviour:'} || b.id`),
        )
        .select(['b.id', 'b.member_id', 'b.kind', 'b.order_paid_fen'])
        .where('b.merchant_id', '=', ctx.merchantId)
        .where('b.business_date', '<=', ctx.asOf)
        .where('g.id', 'is', null)
        .where('b.id', '>', afterId)
        .orderBy('b.id')
        .limit(ROWS_PER_PAGE)
        .execute();
      if (rows.length === 0) break;
      for (const b of rows) {
        const delta = behaviourGrowth(rules, b.kind === 'signIn' ? { kind: 'signIn' } : { kind: 'review', orderPaidFen: Number(b.order_paid_fen) });
        if (delta === 0) continue;
        const c = await ctx.growth.addGrowth(ctx.actor, { idempotencyKey: `behaviour:${b.id}`, memberId: b.member_id, delta, source: b.kind });
        if (!c.replayed) {
          behaviourChanges += 1;
          behaviourGrowthTotal += delta;
        }
      }
      afterId = rows[rows.length - 1]!.id;
    }
    return {
      rowsTouched: rfmChanges + behaviourChanges,
      summary: { rfmChanges, rfmGrowth, behaviourChanges, behaviourGrowth: behaviourGrowthTotal },
    };
  },
};
