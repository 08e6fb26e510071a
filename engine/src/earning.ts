// Points and growth earned on what was actually paid, per line, so a refund reverses exactly
// what its lines earned. A member without an active card (lost, frozen, …) earns nothing.
import { allocate, floorDiv, gcd, mulDivFloor } from './int-math.js';
import type { PricingContext } from './pricing-context.js';
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

/** 100 fen per yuan × four per-mille factors (earn rate, item, tier, campaign). */
const DENOMINATOR = 100n * 1000n ** 4n;

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
  const live = ctx.liveCampaigns.filter(
    (c): c is Extract<Campaign, { kind: 'pointsMultiplier' | 'birthday' }> => c.kind === 'pointsMultiplier' || c.kind === 'birthday',
  );
  const payable = lines.map((l) => l.netFen - l.pointsCashFen - l.roundingFen);
  const used = new Map<Campaign, number>();
  const tierRate = ctx.tier?.pointsRatePerMille ?? 1000;
  const bases: number[] = [];
  const rates: number[] = [];
  const multipliers: number[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    let base = line.item.noPoints ? 0 : payable[i]!;
    if (base > 0 && !rules.points.excludePointsCash) base += line.pointsCashFen;
    if (base > 0 && rules.points.excludeStoredValue) {
      for (const s of shares[i]!) if (storedValueTenders.has(s.tenderIndex)) base -= s.amountFen;
    }
    let campaignMultiplier = 1000;
    if (base > 0) {
      let winner: Campaign | null = null;
      for (const c of live) {
        if (c.multiplierPerMille > campaignMultiplier && inScope(line, c.scope)) {
          campaignMultiplier = c.multiplierPerMille;
          winner = c;
        }
      }
      if (winner) used.set(winner, campaignMultiplier);
    }
    bases.push(Math.max(base, 0));
    multipliers.push(campaignMultiplier);
    rates.push(rules.points.earnPerYuanPerMille * line.item.pointsMultiplierPerMille * tierRate * campaignMultiplier);
  }
  // Birthday campaigns do not add up: the highest fixed bonus among those live applies once.
  let bonusFixed = 0;
  let bonusCampaign: Campaign | null = null;
  for (const c of live) {
    if (c.kind === 'birthday' && c.fixedPoints > bonusFixed) {
      bonusFixed = c.fixedPoints;
      bonusCampaign = c;
    }
  }
  const fallback = payable.map((p) => Math.max(p, 0));
  const { basePoints, baseShares, bonusShares } =
    earnExact(bases, rates, bonusFixed, fallback) ?? earnBig(bases, lines, rules.points.earnPerYuanPerMille, tierRate, multipliers, bonusFixed, fallback);
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

interface Earned {
  basePoints: number;
  baseShares: number[];
  bonusShares: number[];
}

/**
 * Exact in safe integers: the weights base × rate share the factor g = gcd(10¹⁴, rates), so
 * dividing it out keeps every proportion while the numbers stay small. Null when they do not.
 */
function earnExact(bases: number[], rates: number[], bonusFixed: number, fallback: number[]): Earned | null {
  let g = Number(DENOMINATOR);
  for (let i = 0; i < rates.length; i += 1) {
    if (!Number.isSafeInteger(rates[i]!)) return null;
    if (bases[i]! > 0) g = gcd(g, rates[i]!);
  }
  const weights: number[] = [];
  let total = 0;
  for (let i = 0; i < bases.length; i += 1) {
    const w = bases[i]! * (rates[i]! / g);
    if (w > 2 ** 52) return null;
    weights.push(w);
    total += w;
  }
  if (total > 2 ** 52) return null;
  const basePoints = floorDiv(total, Number(DENOMINATOR) / g);
  const shareBy = total > 0 ? weights : fallback;
  return { basePoints, baseShares: allocate(basePoints, shareBy), bonusShares: allocate(bonusFixed, shareBy) };
}

/** The same in BigInt, for rates or amounts too large for safe integers. */
function earnBig(bases: number[], lines: WorkLine[], earnRate: number, tierRate: number, multipliers: number[], bonusFixed: number, fallback: number[]): Earned {
  const weights = bases.map((base, i) => {
    if (base <= 0) return 0n;
    return BigInt(base) * BigInt(earnRate) * BigInt(lines[i]!.item.pointsMultiplierPerMille) * BigInt(tierRate) * BigInt(multipliers[i]!);
  });
  const total = weights.reduce((s, w) => s + w, 0n);
  const basePoints = Number(total / DENOMINATOR);
  return { basePoints, baseShares: allocateBig(basePoints, weights, fallback), bonusShares: allocateBig(bonusFixed, weights, fallback) };
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
