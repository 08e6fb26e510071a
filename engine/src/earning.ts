// Points and growth earned on what was actually paid, per line, so a refund reverses exactly
// what its lines earned. A member without an active card (lost, frozen, …) earns nothing.
import { allocate, mulDivFloor } from './int-math.js';
import { isCampaignLive, type PricingContext } from './pricing-context.js';
import type { Campaign } from './rule-set.js';
import { inScope, type WorkLine } from './work-line.js';
import type { TenderShare } from './priced-basket.js';

export interface EarnOutcome {
  perLinePoints: number[];
  perLineGrowth: number[];
  points: number;
  bonusFixed: number;
  growth: number;
  /** Live points campaigns that raised some line's multiplier, with the multiplier they gave. */
  pointsCampaigns: Array<{ campaign: Campaign; multiplierPerMille: number; fixedPoints: number }>;
}

const FEN_PER_YUAN = 100n;
const PER_MILLE = 1000n;

/**
 * Earn base per line: its payable amount, plus its points-as-cash part unless that is excluded,
 * minus its stored-value part if that is excluded; 0 for `noPoints` items. The order's points are
 * floor(Σ base × earnRate × itemMultiplier × tierRate × campaignMultiplier / (100 × 1000⁴)),
 * computed exactly in BigInt, then split over lines by their weight (largest remainder).
 * Campaign multiplier: the highest live points-multiplier or birthday multiplier covering the line.
 */
export function computeEarning(lines: WorkLine[], shares: TenderShare[][], storedValueTenders: Set<number>, ctx: PricingContext): EarnOutcome {
  const zero = lines.map(() => 0);
  const empty: EarnOutcome = { perLinePoints: zero, perLineGrowth: [...zero], points: 0, bonusFixed: 0, growth: 0, pointsCampaigns: [] };
  if (!ctx.member || !ctx.cardUsable) return empty;
  const rules = ctx.rules;
  const live = rules.campaigns.filter(
    (c): c is Extract<Campaign, { kind: 'pointsMultiplier' | 'birthday' }> =>
      (c.kind === 'pointsMultiplier' || c.kind === 'birthday') && isCampaignLive(c, ctx),
  );
  const payable = lines.map((l) => l.netFen - l.pointsCashFen - l.roundingFen);
  const used = new Map<Campaign, number>();
  const weights: bigint[] = lines.map((line, i) => {
    if (line.item.noPoints) return 0n;
    let base = payable[i]!;
    if (!rules.points.excludePointsCash) base += line.pointsCashFen;
    if (rules.points.excludeStoredValue) {
      for (const s of shares[i]!) if (storedValueTenders.has(s.tenderIndex)) base -= s.amountFen;
    }
    if (base <= 0) return 0n;
    let campaignMultiplier = 1000;
    let winner: Campaign | null = null;
    for (const c of live) {
      if (c.multiplierPerMille > campaignMultiplier && inScope(line, c.scope)) {
        campaignMultiplier = c.multiplierPerMille;
        winner = c;
      }
    }
    if (winner) used.set(winner, campaignMultiplier);
    const tierRate = ctx.tier?.pointsRatePerMille ?? 1000;
    return (
      BigInt(base) *
      BigInt(rules.points.earnPerYuanPerMille) *
      BigInt(line.item.pointsMultiplierPerMille) *
      BigInt(tierRate) *
      BigInt(campaignMultiplier)
    );
  });
  const totalWeight = weights.reduce((s, w) => s + w, 0n);
  const basePoints = Number(totalWeight / (FEN_PER_YUAN * PER_MILLE * PER_MILLE * PER_MILLE * PER_MILLE));
  // Birthday campaigns do not add up: the highest fixed bonus among those live applies once.
  let bonusFixed = 0;
  let bonusCampaign: Campaign | null = null;
  for (const c of live) {
    if (c.kind === 'birthday' && c.fixedPoints > bonusFixed) {
      bonusFixed = c.fixedPoints;
      bonusCampaign = c;
    }
  }
  const pointWeights = weightsForAllocation(weights, payable);
  const baseShares = allocateBig(basePoints, weights, pointWeights);
  const bonusShares = allocate(bonusFixed, pointWeights);
  const perLinePoints = baseShares.map((p, i) => p + bonusShares[i]!);

  const paidFen = payable.reduce((s, p) => s + p, 0);
  // Growth = floor(paid yuan × perYuanPerMille / 1000), stored value included.
  const growth = mulDivFloor(paidFen, rules.growth.perYuanPerMille, 100_000);
  const perLineGrowth = allocate(growth, payable);

  const pointsCampaigns: EarnOutcome['pointsCampaigns'] = [];
  for (const c of live) {
    const multiplier = used.get(c);
    const fixed = c === bonusCampaign ? bonusFixed : 0;
    if (multiplier !== undefined || fixed > 0) pointsCampaigns.push({ campaign: c, multiplierPerMille: multiplier ?? 1000, fixedPoints: fixed });
  }
  return { perLinePoints, perLineGrowth, points: basePoints + bonusFixed, bonusFixed, growth, pointsCampaigns };
}

/** Points weights scaled into safe numbers for the fixed bonus; payable amounts when no line earns. */
function weightsForAllocation(weights: bigint[], payable: number[]): number[] {
  const max = weights.reduce((m, w) => (w > m ? w : m), 0n);
  if (max === 0n) return payable.map((p) => Math.max(p, 0));
  const scale = max / 1_000_000_000n + 1n;
  return weights.map((w) => Number(w / scale));
}

/** Splits `total` over exact BigInt weights by largest remainder (ties to the earlier line). */
function allocateBig(total: number, weights: bigint[], fallback: number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0n);
  if (sum === 0n) return allocate(total, fallback);
  const bigTotal = BigInt(total);
  const shares = weights.map((w) => Number((bigTotal * w) / sum));
  const remainders = weights.map((w) => (bigTotal * w) % sum);
  let leftover = total - shares.reduce((s, x) => s + x, 0);
  const order = remainders.map((_, i) => i).sort((a, b) => (remainders[a] === remainders[b] ? a - b : remainders[a]! > remainders[b]! ? -1 : 1));
  for (let k = 0; leftover > 0; k += 1, leftover -= 1) shares[order[k % order.length]!]! += 1;
  return shares;
}
