// Stages 1 and 2 of price(): item-level (member price or tier discount, then item campaigns)
// and order-level 满减, with exclusive campaigns competing for the customer's best result.
import type { Adjustment } from '@pos/protocol';
import { allocate, mulDivRoundHalfUp } from './int-math.js';
import type { PricingContext } from './pricing-context.js';
import type { RejectReason } from './priced-basket.js';
import type { Campaign, UnitMemberDiscount } from './rule-set.js';
import { cloneLines, inScope, wholeUnits, type WorkLine } from './work-line.js';

export type MoneyCampaign = Exclude<Campaign, { kind: 'pointsMultiplier' | 'birthday' }>;

export interface CampaignResult {
  campaign: MoneyCampaign;
  amountFen: number;
  reason?: RejectReason;
}

export interface DiscountOutcome {
  lines: WorkLine[];
  applied: CampaignResult[];
  rejected: Array<{ campaign: MoneyCampaign; reason: RejectReason; winnerId?: string }>;
  tierDiscountFen: number;
}

function isMoneyCampaign(c: Campaign): c is MoneyCampaign {
  return c.kind !== 'pointsMultiplier' && c.kind !== 'birthday';
}

type MemberPriceCampaign = Extract<MoneyCampaign, { kind: 'memberPrice' }>;

/**
 * One step of stages 1–2, in the fixed order: member base, item campaigns, then 满减. A
 * campaign step carries the indexes of the discountable lines its scope covers.
 */
type Step =
  | { kind: 'memberBase'; campaigns: MemberPriceCampaign[] }
  | { kind: 'campaign'; campaign: MoneyCampaign; covered: number[] };

/**
 * Runs both stages with every stackable live campaign (the baseline), and for each exclusive
 * live campaign the same steps with that one campaign added in its place. Keeps the run with the
 * lowest order net; ties go to the exclusive campaign of higher priority, then smaller id; the
 * baseline (no exclusive campaign) wins only when strictly better, which happens when an
 * exclusive discount pushes a 满减 below its threshold. The other exclusive campaigns are rejected.
 * A candidate's run starts from the baseline's state just before its step, since all the
 * steps before it are the same.
 */
export function applyDiscountStages(base: readonly WorkLine[], ctx: PricingContext): DiscountOutcome {
  const steps: Step[] = [{ kind: 'memberBase', campaigns: [] }];
  const exclusive: MoneyCampaign[] = [];
  const orderSteps: Step[] = [];
  for (const c of ctx.liveCampaigns) {
    if (!isMoneyCampaign(c)) continue;
    if (c.exclusive) exclusive.push(c);
    if (c.kind === 'memberPrice') {
      (steps[0] as { campaigns: MemberPriceCampaign[] }).campaigns.push(c);
      continue;
    }
    const covered: number[] = [];
    for (let i = 0; i < base.length; i += 1) {
      const l = base[i]!;
      if (!l.item.noDiscount && inScope(l, c.scope)) covered.push(i);
    }
    (c.kind === 'spendThreshold' ? orderSteps : steps).push({ kind: 'campaign', campaign: c, covered });
  }
  for (const step of orderSteps) steps.push(step);

  const baseline = freshOutcome(base);
  const starts: Array<{ candidate: MoneyCampaign; at: number; outcome: DiscountOutcome }> = [];
  for (let k = 0; k < steps.length; k += 1) {
    const step = steps[k]!;
    if (step.kind === 'memberBase') {
      for (const c of step.campaigns) if (c.exclusive) starts.push({ candidate: c, at: k, outcome: copyOutcome(baseline) });
    } else if (step.campaign.exclusive) {
      starts.push({ candidate: step.campaign, at: k, outcome: copyOutcome(baseline) });
    }
    applyStep(step, baseline, ctx, null);
  }
  if (exclusive.length === 0) return baseline;

  const runs: Array<{ campaign: MoneyCampaign; outcome: DiscountOutcome }> = [];
  let best: { outcome: DiscountOutcome; campaign: MoneyCampaign | null; net: number } | null = null;
  // `starts` follows the step order; visit candidates in priority order for the tie rule.
  const byPriority = [...starts].sort((a, b) => exclusive.indexOf(a.candidate) - exclusive.indexOf(b.candidate));
  for (const start of byPriority) {
    for (let k = start.at; k < steps.length; k += 1) applyStep(steps[k]!, start.outcome, ctx, start.candidate);
    runs.push({ campaign: start.candidate, outcome: start.outcome });
    const net = orderNet(start.outcome);
    if (best === null || net < best.net) best = { outcome: start.outcome, campaign: start.candidate, net };
  }
  // The baseline wins only when strictly better than every exclusive run.
  const baselineNet = orderNet(baseline);
  if (best === null || baselineNet < best.net) best = { outcome: baseline, campaign: null, net: baselineNet };
  const winner = best;
  for (const run of runs) {
    if (run.campaign === winner.campaign) continue;
    const own = run.outcome.rejected.find((r) => r.campaign === run.campaign);
    if (own) winner.outcome.rejected.push({ campaign: run.campaign, reason: own.reason });
    else if (winner.campaign) winner.outcome.rejected.push({ campaign: run.campaign, reason: 'EXCLUSIVE_NOT_BEST', winnerId: winner.campaign.campaignId });
    else winner.outcome.rejected.push({ campaign: run.campaign, reason: 'EXCLUSIVE_NOT_BEST' });
  }
  return winner.outcome;
}

function freshOutcome(base: readonly WorkLine[]): DiscountOutcome {
  return { lines: cloneLines(base), applied: [], rejected: [], tierDiscountFen: 0 };
}

function copyOutcome(o: DiscountOutcome): DiscountOutcome {
  return { lines: cloneLines(o.lines), applied: [...o.applied], rejected: [...o.rejected], tierDiscountFen: o.tierDiscountFen };
}

function orderNet(o: DiscountOutcome): number {
  let net = 0;
  for (const l of o.lines) net += l.netFen;
  return net;
}

/** Applies one step; exclusive campaigns are skipped unless they are the run's `candidate`. */
function applyStep(step: Step, outcome: DiscountOutcome, ctx: PricingContext, candidate: MoneyCampaign | null): void {
  if (step.kind === 'memberBase') {
    const campaigns: MemberPriceCampaign[] = [];
    for (const c of step.campaigns) if (!c.exclusive || c === candidate) campaigns.push(c);
    applyMemberBase(outcome.lines, campaigns, ctx, outcome);
    return;
  }
  const c = step.campaign;
  if (c.exclusive && c !== candidate) return;
  const candidates = eligible(outcome.lines, step.covered);
  record(outcome, c, c.kind === 'spendThreshold' ? applySpendThreshold(candidates, c) : applyItemCampaign(candidates, c));
}

function record(outcome: DiscountOutcome, campaign: MoneyCampaign, result: number | RejectReason): void {
  if (typeof result === 'number') outcome.applied.push({ campaign, amountFen: result });
  else outcome.rejected.push({ campaign, reason: result });
}

function addAdjustment(line: WorkLine, adj: Adjustment, stage: 'item' | 'order'): void {
  if (adj.amountFen <= 0) return;
  line.adjustments.push(adj);
  line.netFen -= adj.amountFen;
  if (stage === 'item') line.itemDiscountFen += adj.amountFen;
  else line.orderDiscountFen += adj.amountFen;
}

/**
 * A member's base price per line: the lowest member price (catalogue 会员价 or a live
 * member-price campaign) when below the unit price, otherwise the tier discount.
 */
function applyMemberBase(
  lines: WorkLine[],
  campaigns: ReadonlyArray<Extract<MoneyCampaign, { kind: 'memberPrice' }>>,
  ctx: PricingContext,
  outcome: DiscountOutcome,
): void {
  if (!ctx.member) {
    for (const c of campaigns) outcome.rejected.push({ campaign: c, reason: 'NOT_A_MEMBER' });
    return;
  }
  const won = new Map<MoneyCampaign, number>();
  for (const line of lines) {
    const unitDiscount = unitMemberDiscountFor(line, ctx);
    if (unitDiscount) {
      // fuel: so many fen off per litre, on the volume, half up; never more than the line
      const amountFen = Math.min(line.netFen, mulDivRoundHalfUp(line.quantityMilli, unitDiscount.offFenPerUnit, 1000));
      addAdjustment(line, { ruleId: unitDiscount.discountId, kind: 'memberPrice', amountFen }, 'item');
      line.unitMemberOffFen = unitDiscount.offFenPerUnit;
      continue;
    }
    if (line.item.noDiscount) continue;
    let bestPrice = line.item.memberPriceFen;
    let bestRule: Extract<MoneyCampaign, { kind: 'memberPrice' }> | null = null;
    for (const c of campaigns) {
      const entry = c.prices.find((p) => p.sku === line.item.sku);
      if (entry && (bestPrice === undefined || entry.priceFen < bestPrice)) {
        bestPrice = entry.priceFen;
        bestRule = c;
      }
    }
    if (bestPrice !== undefined && bestPrice < line.unitPriceFen) {
      const memberNet = mulDivRoundHalfUp(bestPrice, line.quantityMilli, 1000);
      const amountFen = line.netFen - memberNet;
      addAdjustment(
        line,
        { ruleId: bestRule ? bestRule.campaignId : 'catalogue', kind: 'memberPrice', amountFen },
        'item',
      );
      if (bestRule && amountFen > 0) won.set(bestRule, (won.get(bestRule) ?? 0) + amountFen);
      continue;
    }
    const tier = ctx.tier;
    if (tier && tier.discountPerMille < 1000) {
      const amountFen = line.netFen - mulDivRoundHalfUp(line.netFen, tier.discountPerMille, 1000);
      addAdjustment(line, { ruleId: tier.tierId, kind: 'tierDiscount', amountFen }, 'item');
      outcome.tierDiscountFen += amountFen;
    }
  }
  for (const c of campaigns) {
    const amountFen = won.get(c);
    if (amountFen) outcome.applied.push({ campaign: c, amountFen });
    else outcome.rejected.push({ campaign: c, reason: 'NO_ELIGIBLE_ITEMS' });
  }
}

/** The largest per-unit member discount for the line's sku and the member's tier (ties: listed first). */
function unitMemberDiscountFor(line: WorkLine, ctx: PricingContext): UnitMemberDiscount | null {
  let best: UnitMemberDiscount | null = null;
  for (const d of ctx.rules.unitMemberDiscounts) {
    if (!d.skus.includes(line.item.sku)) continue;
    if (d.tierIds.length > 0 && !(ctx.member?.tierId && d.tierIds.includes(ctx.member.tierId))) continue;
    if (!best || d.offFenPerUnit > best.offFenPerUnit) best = d;
  }
  return best;
}

function eligible(lines: WorkLine[], covered: readonly number[]): WorkLine[] {
  const out: WorkLine[] = [];
  for (const i of covered) {
    const l = lines[i]!;
    if (l.netFen > 0) out.push(l);
  }
  return out;
}

/** Item campaigns on their eligible lines; the discount of each line is worked out on its current net. */
function applyItemCampaign(candidates: WorkLine[], c: MoneyCampaign): number | RejectReason {
  if (candidates.length === 0) return 'NO_ELIGIBLE_ITEMS';
  if (c.kind === 'bundle') return applyBundle(candidates, c);
  let total = 0;
  for (const line of candidates) {
    let amountFen = 0;
    if (c.kind === 'percentOff') {
      amountFen = line.netFen - mulDivRoundHalfUp(line.netFen, c.discountPerMille, 1000);
    } else if (c.kind === 'nthItem') {
      // Each group of n whole units gets its n-th unit at the rate: net × groups × (1000 − rate) / quantity.
      const groups = Math.floor(wholeUnits(line) / c.n);
      if (groups > 0) amountFen = mulDivRoundHalfUp(line.netFen, groups * (1000 - c.discountPerMille), line.quantityMilli);
    } else if (c.kind === 'buyNGetM') {
      const groups = Math.floor(wholeUnits(line) / (c.buy + c.free));
      if (groups > 0) amountFen = mulDivRoundHalfUp(line.netFen, groups * c.free * 1000, line.quantityMilli);
    }
    if (amountFen > 0) {
      addAdjustment(line, { ruleId: c.campaignId, kind: c.kind as Adjustment['kind'], amountFen }, 'item');
      total += amountFen;
    }
  }
  return total > 0 ? total : 'NO_ELIGIBLE_ITEMS';
}

/**
 * 套餐: the number of complete bundles is the smallest whole-unit count over the components.
 * The bundled units' value (their share of each line's net, half up) minus the bundle price
 * is the discount, split over the contributing lines by that value.
 */
function applyBundle(candidates: WorkLine[], c: Extract<MoneyCampaign, { kind: 'bundle' }>): number | RejectReason {
  let count = Number.MAX_SAFE_INTEGER;
  for (const component of c.items) {
    const units = candidates.filter((l) => l.item.sku === component.sku).reduce((s, l) => s + wholeUnits(l), 0);
    count = Math.min(count, Math.floor(units / component.units));
  }
  if (count === 0) return 'NO_ELIGIBLE_ITEMS';
  const parts: Array<{ line: WorkLine; valueFen: number }> = [];
  for (const component of c.items) {
    let needed = count * component.units;
    for (const line of candidates) {
      if (needed === 0) break;
      if (line.item.sku !== component.sku) continue;
      const units = Math.min(needed, wholeUnits(line));
      needed -= units;
      parts.push({ line, valueFen: mulDivRoundHalfUp(line.netFen, units * 1000, line.quantityMilli) });
    }
  }
  const valueFen = parts.reduce((s, p) => s + p.valueFen, 0);
  const discountFen = valueFen - count * c.priceFen;
  if (discountFen <= 0) return 'NOTHING_LEFT_TO_DISCOUNT';
  const shares = allocate(discountFen, parts.map((p) => p.valueFen));
  parts.forEach((p, i) => addAdjustment(p.line, { ruleId: c.campaignId, kind: 'bundle', amountFen: shares[i]! }, 'item'));
  return discountFen;
}

/** 满减 on the eligible lines' net; 每满 repeats up to maxTimes; never more than that net. */
function applySpendThreshold(candidates: WorkLine[], c: Extract<MoneyCampaign, { kind: 'spendThreshold' }>): number | RejectReason {
  if (candidates.length === 0) return 'NO_ELIGIBLE_ITEMS';
  let baseFen = 0;
  for (const l of candidates) baseFen += l.netFen;
  const times = c.repeat ? Math.min(Math.floor(baseFen / c.thresholdFen), c.maxTimes) : baseFen >= c.thresholdFen ? 1 : 0;
  if (times === 0) return 'BELOW_THRESHOLD';
  const offFen = Math.min(times * c.offFen, baseFen);
  const shares = allocate(offFen, candidates.map((l) => l.netFen));
  for (let i = 0; i < candidates.length; i += 1) {
    addAdjustment(candidates[i]!, { ruleId: c.campaignId, kind: 'spendThreshold', amountFen: shares[i]! }, 'order');
  }
  return offFen;
}
