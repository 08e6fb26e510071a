// Stages 1 and 2 of price(): item-level (member price or tier discount, then item campaigns)
// and order-level 满减, with exclusive campaigns competing for the customer's best result.
import type { Adjustment } from '@pos/protocol';
import { allocate, mulDivRoundHalfUp } from './int-math.js';
import { byPriority, isCampaignLive, type PricingContext } from './pricing-context.js';
import type { RejectReason } from './priced-basket.js';
import type { Campaign } from './rule-set.js';
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

const order = byPriority<MoneyCampaign>((c) => c.campaignId);

function isMoneyCampaign(c: Campaign): c is MoneyCampaign {
  return c.kind !== 'pointsMultiplier' && c.kind !== 'birthday';
}

/**
 * Runs both stages once with every stackable live campaign, and once more per exclusive live
 * campaign (stackables plus that one). Keeps the run with the lowest order net; ties go to the
 * higher priority, then the smaller campaign id. The other exclusive campaigns are rejected.
 */
export function applyDiscountStages(base: readonly WorkLine[], ctx: PricingContext): DiscountOutcome {
  const live = ctx.rules.campaigns.filter(isMoneyCampaign).filter((c) => isCampaignLive(c, ctx));
  const stackable = live.filter((c) => !c.exclusive);
  const exclusive = live.filter((c) => c.exclusive).sort(order);
  if (exclusive.length === 0) return runStages(base, stackable, ctx);

  let best: { outcome: DiscountOutcome; campaign: MoneyCampaign; net: number } | null = null;
  const runs: Array<{ campaign: MoneyCampaign; outcome: DiscountOutcome }> = [];
  for (const candidate of exclusive) {
    const outcome = runStages(base, [...stackable, candidate], ctx);
    runs.push({ campaign: candidate, outcome });
    const net = outcome.lines.reduce((s, l) => s + l.netFen, 0);
    // Sorted by priority already, so a strict improvement is needed to displace an earlier one.
    if (best === null || net < best.net) best = { outcome, campaign: candidate, net };
  }
  const winner = best!;
  for (const run of runs) {
    if (run.campaign === winner.campaign) continue;
    const own = run.outcome.rejected.find((r) => r.campaign === run.campaign);
    winner.outcome.rejected.push(
      own
        ? { campaign: run.campaign, reason: own.reason }
        : { campaign: run.campaign, reason: 'EXCLUSIVE_NOT_BEST', winnerId: winner.campaign.campaignId },
    );
  }
  return winner.outcome;
}

function runStages(base: readonly WorkLine[], campaigns: readonly MoneyCampaign[], ctx: PricingContext): DiscountOutcome {
  const lines = cloneLines(base);
  const outcome: DiscountOutcome = { lines, applied: [], rejected: [], tierDiscountFen: 0 };
  const sorted = [...campaigns].sort(order);
  const memberPrices = sorted.filter((c): c is Extract<MoneyCampaign, { kind: 'memberPrice' }> => c.kind === 'memberPrice');
  applyMemberBase(lines, memberPrices, ctx, outcome);
  for (const c of sorted) {
    if (c.kind === 'memberPrice' || c.kind === 'spendThreshold') continue;
    record(outcome, c, applyItemCampaign(lines, c));
  }
  for (const c of sorted) {
    if (c.kind === 'spendThreshold') record(outcome, c, applySpendThreshold(lines, c));
  }
  return outcome;
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

function eligible(lines: WorkLine[], campaign: MoneyCampaign): WorkLine[] {
  return lines.filter((l) => !l.item.noDiscount && l.netFen > 0 && inScope(l, campaign.scope));
}

function applyItemCampaign(lines: WorkLine[], c: MoneyCampaign): number | RejectReason {
  const candidates = eligible(lines, c);
  if (candidates.length === 0) return 'NO_ELIGIBLE_ITEMS';
  let total = 0;
  const push = (line: WorkLine, amountFen: number) => {
    if (amountFen <= 0) return;
    addAdjustment(line, { ruleId: c.campaignId, kind: c.kind as Adjustment['kind'], amountFen }, 'item');
    total += amountFen;
  };
  switch (c.kind) {
    case 'percentOff':
      for (const line of candidates) push(line, line.netFen - mulDivRoundHalfUp(line.netFen, c.discountPerMille, 1000));
      break;
    case 'nthItem':
      // Each group of n whole units gets its n-th unit at the rate: net × groups × (1000 − rate) / quantity.
      for (const line of candidates) {
        const groups = Math.floor(wholeUnits(line) / c.n);
        if (groups > 0) push(line, mulDivRoundHalfUp(line.netFen, groups * (1000 - c.discountPerMille), line.quantityMilli));
      }
      break;
    case 'buyNGetM':
      for (const line of candidates) {
        const groups = Math.floor(wholeUnits(line) / (c.buy + c.free));
        if (groups > 0) push(line, mulDivRoundHalfUp(line.netFen, groups * c.free * 1000, line.quantityMilli));
      }
      break;
    case 'bundle':
      return applyBundle(candidates, c);
    default:
      return 'NO_ELIGIBLE_ITEMS';
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
function applySpendThreshold(lines: WorkLine[], c: Extract<MoneyCampaign, { kind: 'spendThreshold' }>): number | RejectReason {
  const candidates = eligible(lines, c);
  if (candidates.length === 0) return 'NO_ELIGIBLE_ITEMS';
  const baseFen = candidates.reduce((s, l) => s + l.netFen, 0);
  const times = c.repeat ? Math.min(Math.floor(baseFen / c.thresholdFen), c.maxTimes) : baseFen >= c.thresholdFen ? 1 : 0;
  if (times === 0) return 'BELOW_THRESHOLD';
  const offFen = Math.min(times * c.offFen, baseFen);
  const shares = allocate(offFen, candidates.map((l) => l.netFen));
  candidates.forEach((l, i) => addAdjustment(l, { ruleId: c.campaignId, kind: 'spendThreshold', amountFen: shares[i]! }, 'order'));
  return offFen;
}
