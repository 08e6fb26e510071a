// The CLV report: members ranked by customer lifetime value. The range from..to is the calibration
// period; each member's purchase days there (synced sales, in scope) give x repeat purchase days,
// t_x and T in weeks or days (T counts to the end of `to`) and the mean repeat spend; BG/NBD and
// Gamma-Gamma are fitted to all of them (or take the parameters given), then rankMembersByClv scores
// P(alive), expected purchases and spend over the horizon, and the discounted CLV in fen.
import { z } from '@hono/zod-openapi';
import { sql } from 'kysely';
import {
  buildCalibrationSummary,
  ClvError,
  fitBgNbd,
  fitGammaGamma,
  rankMembersByClv,
  type BgNbdParams,
  type GammaGammaParams,
  type MemberActivity,
  type MemberClvScore,
} from '../analytics/clv/index.js';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { GatewayError } from '../errors.js';
import { salesDb } from '../sales/index.js';
import { col, type ReportDefinition } from './report-definition.js';
import { dayFromIndex, dayIndex, whereStores } from './report-scope.js';

/** Member purchase days read into memory for one ranking; past this, narrow the range or the stores. */
export const MAX_CLV_PURCHASE_DAYS = 2_000_000;
/** Fewer members than this (or repeat buyers, for Gamma-Gamma) give no meaningful fit. */
export const MIN_MEMBERS_TO_FIT = 20;
export const MIN_REPEAT_MEMBERS_TO_FIT = 5;
export const MAX_CLV_ROWS = 1000;
/**
 * The fits run on at most this many members (an even sample by member id when there are more):
 * plenty for four and three parameters (CDNOW has 2,357 customers), and it bounds the optimiser's
 * work on the event loop, also when it fails to converge.
 */
export const MAX_FIT_MEMBERS = 20_000;
/** Members scored per slice; the event loop gets a turn between slices. */
const SCORE_SLICE = 2_000;

/** Every k-th of `items` so that at most `max` remain (all of them when there are fewer). */
export function evenSample<T>(items: readonly T[], max: number): readonly T[] {
  if (items.length <= max) return items;
  const step = items.length / max;
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * step)]!);
}

const byClv = (p: MemberClvScore, q: MemberClvScore) => q.clvFen - p.clvFen || (p.memberId < q.memberId ? -1 : p.memberId > q.memberId ? 1 : 0);

const positive = z.coerce.number().positive().finite().optional();

const round = (v: number, decimals: number) => Math.round(v * 10 ** decimals) / 10 ** decimals;

/** P(alive) in the report, rounded to 6 decimals; expected purchases to 4. */
export const CLV_DECIMALS = { probabilityAlive: 6, expectedPurchases: 4, calibration: 4 } as const;

function insufficient(message: string): GatewayError {
  return new GatewayError('INSUFFICIENT_DATA', message);
}

function given<K extends string>(query: Record<string, unknown>, keys: readonly K[], what: string): Record<K, number> | null {
  const present = keys.filter((k) => query[k] !== undefined);
  if (present.length === 0) return null;
  if (present.length !== keys.length) {
    const missing = keys.find((k) => query[k] === undefined)!;
    throw new GatewayError('VALIDATION', `${what} 参数须全部给出 / give all of ${keys.join(', ')} or none`, `query.${missing}`);
  }
  return Object.fromEntries(keys.map((k) => [k, query[k] as number])) as Record<K, number>;
}

export const clvReport: ReportDefinition = {
  name: 'clv',
  title: { zh: '会员终身价值', en: 'Customer lifetime value' },
  summary:
    'Members ranked by CLV (fen): BG/NBD P(alive) and expected purchases over the horizon, Gamma-Gamma expected spend, discounted; from..to is the calibration period. Parameters are fitted unless r, alpha, a, b (and p, q, v) are given',
  range: 'required',
  // CLV wants history: up to three years of calibration.
  maxRangeDays: 1100,
  extraQuery: {
    unit: z.enum(['week', 'day']).default('week').openapi({ description: 'time unit of recency and T (Fader, Hardie & Lee use weeks)' }),
    horizonPeriods: z.coerce.number().int().min(1).max(120).default(12),
    periodDays: z.coerce.number().int().min(1).max(366).default(30),
    discountRatePerPeriod: z.coerce.number().min(0).max(1).default(0.01),
    limit: z.coerce.number().int().min(1).max(MAX_CLV_ROWS).default(100),
    r: positive, alpha: positive, a: positive, b: positive,
    p: positive, q: positive, v: positive.openapi({ description: 'Gamma-Gamma scale, in fen' }),
  },
  columns: [
    col('rank', 'int', '排名', 'Rank'),
    col('memberId', 'text', '会员编号', 'Member id'),
    col('memberName', 'text', '会员', 'Member'),
    col('frequency', 'int', '复购天数', 'Repeat purchase days'),
    col('recency', 'decimal', '最近购买(周期)', 'Recency t_x (units)'),
    col('age', 'decimal', '观察期(周期)', 'Age T (units)'),
    col('meanSpendFen', 'fen', '复购客单(分)', 'Mean repeat spend (fen)'),
    col('probabilityAlive', 'decimal', '活跃概率', 'P(alive)'),
    col('expectedPurchases', 'decimal', '预期购买次数', 'Expected purchases'),
    col('expectedSpendFen', 'fen', '预期客单(分)', 'Expected spend per purchase (fen)'),
    col('clvFen', 'fen', '终身价值(分)', 'CLV (fen)'),
  ],
  chart: { kind: 'horizontalBar', category: 'memberName', series: ['clvFen'] },
  async run(ctx, query) {
    const unitDays = query.unit === 'day' ? 1 : 7;
    let q = salesDb(ctx.gdb)
      .selectFrom('sales')
      .select(['member_id', 'business_date', sql<string>`sum(amount_fen)`.as('paid')])
      .where('merchant_id', '=', ctx.actor.merchantId)
      .where('kind', '=', 'sale')
      .where('member_id', 'is not', null)
      .where('business_date', '>=', ctx.from!)
      .where('business_date', '<=', ctx.to!);
    q = whereStores(q, 'store_id', ctx.stores);
    const days = await q.groupBy(['member_id', 'business_date']).orderBy('member_id').orderBy('business_date').limit(MAX_CLV_PURCHASE_DAYS + 1).execute();
    if (days.length > MAX_CLV_PURCHASE_DAYS) {
      throw new GatewayError('PAYLOAD_TOO_LARGE', `会员购买天数超过 ${MAX_CLV_PURCHASE_DAYS}，请缩小范围 / more than ${MAX_CLV_PURCHASE_DAYS} member purchase days; narrow the range or the stores`);
    }
    // T runs to the end of `to`, so a member first seen on the last day still has T = 1 day.
    const calibrationEnd = dayFromIndex(dayIndex(ctx.to!)! + 1);
    const summaries = buildCalibrationSummary(
      days.map((d) => ({ customerId: d.member_id!, day: d.business_date, amountMinor: Number(d.paid) })),
      { calibrationEnd, unitDays },
    );
    const members: MemberActivity[] = summaries.map((s) => ({ memberId: s.customerId, frequency: s.frequency, recency: s.recency, T: s.T, meanSpendFen: s.meanRepeatSpendMinor }));
    const repeaters = members.filter((m) => m.frequency > 0 && m.meanSpendFen > 0);

    let bgNbd: BgNbdParams | null = given(query, ['r', 'alpha', 'a', 'b'] as const, 'BG/NBD');
    let gammaGamma: GammaGammaParams | null = given(query, ['p', 'q', 'v'] as const, 'Gamma-Gamma');
    const fitted = { bgNbd: bgNbd === null, gammaGamma: gammaGamma === null };
    const fit: Record<string, number> = {};
    try {
      if (!bgNbd) {
        if (members.length < MIN_MEMBERS_TO_FIT) {
          throw insufficient(`期内购买会员 ${members.length} 人，少于拟合所需 ${MIN_MEMBERS_TO_FIT} 人 / ${members.length} members bought in the range; fitting BG/NBD needs ${MIN_MEMBERS_TO_FIT} (or give r, alpha, a, b)`);
        }
        const f = fitBgNbd(evenSample(members, MAX_FIT_MEMBERS));
        bgNbd = f.params;
        fit.bgNbdLogLikelihood = f.logLikelihood;
      }
      if (!gammaGamma) {
        if (repeaters.length < MIN_REPEAT_MEMBERS_TO_FIT) {
          throw insufficient(`复购会员 ${repeaters.length} 人，少于拟合所需 ${MIN_REPEAT_MEMBERS_TO_FIT} 人 / ${repeaters.length} repeat buyers; fitting Gamma-Gamma needs ${MIN_REPEAT_MEMBERS_TO_FIT} (or give p, q, v)`);
        }
        const spends = evenSample(repeaters, MAX_FIT_MEMBERS).map((m) => ({ frequency: m.frequency, meanSpend: m.meanSpendFen }));
        // Start where p·v/(q−1) is the mean spend: from (1, 1, 1) the simplex does not reach fen-sized ν in its budget.
        const meanSpend = spends.reduce((sum, x) => sum + x.meanSpend, 0) / spends.length;
        const f = fitGammaGamma(spends, { p: 1, q: 2, v: meanSpend });
        gammaGamma = f.params;
        fit.gammaGammaLogLikelihood = f.logLikelihood;
      }
    } catch (error) {
      if (error instanceof ClvError) throw insufficient(`模型无法拟合 / the models cannot be fitted to this data: ${error.message}`);
      throw error;
    }
    const horizon = {
      periods: query.horizonPeriods as number,
      periodLength: (query.periodDays as number) / unitDays,
      discountRatePerPeriod: query.discountRatePerPeriod as number,
    };
    const scores: MemberClvScore[] = [];
    try {
      // Scored in slices with a turn of the event loop between them, then ranked as rankMembersByClv ranks.
      for (let i = 0; i < members.length; i += SCORE_SLICE) {
        scores.push(...rankMembersByClv(bgNbd, gammaGamma, members.slice(i, i + SCORE_SLICE), horizon));
        if (i + SCORE_SLICE < members.length) await yieldToEventLoop();
      }
      scores.sort(byClv);
    } catch (error) {
      // a = 1 or q ≤ 1 leave the expectations undefined: the data (or the given parameters) do not support a CLV.
      if (error instanceof ClvError) throw insufficient(`无法计算终身价值 / CLV is undefined for these parameters: ${error.message}`);
      throw error;
    }
    const top = scores.slice(0, query.limit as number);
    const byId = new Map(members.map((m) => [m.memberId, m]));
    const names = new Map<string, string>();
    if (top.length) {
      const rows = await ctx.gdb.db.selectFrom('members').select(['id', 'name']).where('merchant_id', '=', ctx.actor.merchantId).where('id', 'in', top.map((s) => s.memberId)).execute();
      for (const r of rows) names.set(r.id, r.name);
    }
    return {
      rows: top.map((s, i) => {
        const m = byId.get(s.memberId)!;
        return {
          rank: i + 1,
          memberId: s.memberId,
          memberName: names.get(s.memberId) ?? s.memberId,
          frequency: m.frequency,
          recency: round(m.recency, CLV_DECIMALS.calibration),
          age: round(m.T, CLV_DECIMALS.calibration),
          meanSpendFen: Math.round(m.meanSpendFen),
          probabilityAlive: round(s.probabilityAlive, CLV_DECIMALS.probabilityAlive),
          expectedPurchases: round(s.expectedPurchases, CLV_DECIMALS.expectedPurchases),
          expectedSpendFen: s.expectedSpendFen,
          clvFen: s.clvFen,
        };
      }),
      totals: null,
      meta: {
        unit: query.unit,
        calibrationEnd: ctx.to,
        members: members.length,
        repeatMembers: repeaters.length,
        /** Members each fit ran on (null where the parameters were given). */
        fittedOn: { bgNbd: fitted.bgNbd ? Math.min(members.length, MAX_FIT_MEMBERS) : null, gammaGamma: fitted.gammaGamma ? Math.min(repeaters.length, MAX_FIT_MEMBERS) : null },
        fitted,
        bgNbd,
        gammaGamma,
        ...fit,
        horizon: { periods: query.horizonPeriods, periodDays: query.periodDays, discountRatePerPeriod: query.discountRatePerPeriod },
        totalClvFen: scores.reduce((sum, s) => sum + s.clvFen, 0),
      },
    };
  },
};
