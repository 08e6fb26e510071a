// rfm(): recency, frequency and monetary value per member up to an as-of date, scores 1–5
// (quintiles or merchant thresholds), the eight classic segments, a churn signal and the
// growth delta per segment. Integer arithmetic only: comparisons with means are cross-multiplied.
import { Fen, IsoDate } from '@pos/protocol';
import { z } from 'zod';
import { addDays, daysBetween } from './local-time.js';

export const RfmTransaction = z.object({
  memberId: z.string().min(1).max(64),
  businessDate: IsoDate,
  /** Paid amount; refunds may come as negative amounts and count only towards M. */
  amountFen: Fen,
});
export type RfmTransaction = z.infer<typeof RfmTransaction>;

/** Four ascending cut-offs per dimension. R: at most c[0] days scores 5 … over c[3] scores 1. F, M: at least c[i] adds one. */
const Cutoffs = z.array(z.number().int()).length(4);

export const RfmConfig = z.object({
  scoring: z.discriminatedUnion('mode', [
    z.object({ mode: z.literal('quintile') }),
    z.object({ mode: z.literal('thresholds'), r: Cutoffs, f: Cutoffs, m: Cutoffs }),
  ]),
  /** Length of the period compared for churn: (asOf − period, asOf] against the one before. */
  periodDays: z.number().int().min(1).max(3660).default(90),
  /** Churn when this period's F falls by more than this share of the previous period's F. */
  churnDropPerMille: z.number().int().min(0).max(1000).default(500),
  /** Growth change per segment for the period; may be negative. */
  growthDelta: z.record(z.string(), z.number().int()).default({}),
});
export type RfmConfig = z.infer<typeof RfmConfig>;

export const RFM_SEGMENTS = {
  importantValue: { zh: '重要价值', en: 'important value' },
  importantDevelop: { zh: '重要发展', en: 'important to develop' },
  importantRetain: { zh: '重要保持', en: 'important to retain' },
  importantWinBack: { zh: '重要挽留', en: 'important to win back' },
  generalValue: { zh: '一般价值', en: 'general value' },
  generalDevelop: { zh: '一般发展', en: 'general to develop' },
  generalRetain: { zh: '一般保持', en: 'general to retain' },
  generalWinBack: { zh: '一般挽留', en: 'general to win back' },
} as const;
export type RfmSegment = keyof typeof RFM_SEGMENTS;

export interface RfmMember {
  memberId: string;
  recencyDays: number;
  frequency: number;
  monetaryFen: number;
  rScore: number;
  fScore: number;
  mScore: number;
  segment: RfmSegment;
  segmentName: { zh: string; en: string };
  churn: boolean;
  frequencyThisPeriod: number;
  frequencyPreviousPeriod: number;
  growthDelta: number;
}

/**
 * Transactions after `asOf` are ignored. F counts transactions with a positive amount; M sums all.
 * A score is "high" when it is at or above the mean score of all members (so when everyone
 * scores the same, everyone is high). Segment by (R, F, M) high/low:
 * HHH 重要价值, HLH 重要发展, LHH 重要保持, LLH 重要挽留, HHL 一般价值, HLL 一般发展, LHL 一般保持, LLL 一般挽留.
 */
export function rfm(transactions: readonly RfmTransaction[], asOf: string, config: RfmConfig): RfmMember[] {
  const periodStart = addDays(asOf, -config.periodDays);
  const previousStart = addDays(asOf, -2 * config.periodDays);
  const byMember = new Map<string, { last: string; f: number; m: number; cur: number; prev: number }>();
  for (const t of transactions) {
    if (t.businessDate > asOf) continue;
    const agg = byMember.get(t.memberId) ?? { last: '', f: 0, m: 0, cur: 0, prev: 0 };
    agg.m += t.amountFen;
    if (t.amountFen > 0) {
      agg.f += 1;
      if (t.businessDate > agg.last) agg.last = t.businessDate;
      if (t.businessDate > periodStart) agg.cur += 1;
      else if (t.businessDate > previousStart) agg.prev += 1;
    }
    byMember.set(t.memberId, agg);
  }
  const ids = [...byMember.keys()].filter((id) => byMember.get(id)!.f > 0).sort();
  const r = ids.map((id) => daysBetween(byMember.get(id)!.last, asOf));
  const f = ids.map((id) => byMember.get(id)!.f);
  const m = ids.map((id) => byMember.get(id)!.m);
  let rScores: number[];
  let fScores: number[];
  let mScores: number[];
  if (config.scoring.mode === 'quintile') {
    rScores = quintileScores(r.map((x) => -x));
    fScores = quintileScores(f);
    mScores = quintileScores(m);
  } else {
    const s = config.scoring;
    rScores = r.map((days) => 5 - s.r.filter((c) => days > c).length);
    fScores = f.map((x) => 1 + s.f.filter((c) => x >= c).length);
    mScores = m.map((x) => 1 + s.m.filter((c) => x >= c).length);
  }
  const n = ids.length;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const [rSum, fSum, mSum] = [sum(rScores), sum(fScores), sum(mScores)];
  return ids.map((memberId, i) => {
    const agg = byMember.get(memberId)!;
    const high = (score: number, total: number) => score * n >= total;
    const key = `${high(rScores[i]!, rSum) ? 'H' : 'L'}${high(fScores[i]!, fSum) ? 'H' : 'L'}${high(mScores[i]!, mSum) ? 'H' : 'L'}`;
    const segment = SEGMENT_BY_KEY[key]!;
    const churn = agg.prev > 0 && (agg.prev - agg.cur) * 1000 > agg.prev * config.churnDropPerMille;
    return {
      memberId,
      recencyDays: r[i]!,
      frequency: f[i]!,
      monetaryFen: m[i]!,
      rScore: rScores[i]!,
      fScore: fScores[i]!,
      mScore: mScores[i]!,
      segment,
      segmentName: RFM_SEGMENTS[segment],
      churn,
      frequencyThisPeriod: agg.cur,
      frequencyPreviousPeriod: agg.prev,
      growthDelta: config.growthDelta[segment] ?? 0,
    };
  });
}

const SEGMENT_BY_KEY: Record<string, RfmSegment> = {
  HHH: 'importantValue',
  HLH: 'importantDevelop',
  LHH: 'importantRetain',
  LLH: 'importantWinBack',
  HHL: 'generalValue',
  HLL: 'generalDevelop',
  LHL: 'generalRetain',
  LLL: 'generalWinBack',
};

/**
 * Quintile score (higher value, higher score): 1 + floor(5 × (members with a strictly lower
 * value) / n). Equal values share a score, so the result never depends on input order.
 */
function quintileScores(values: number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const n = values.length;
  return values.map((v) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return 1 + Math.floor((5 * lo) / n);
  });
}
