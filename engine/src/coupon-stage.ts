// Stage 3 of price(): coupons. Checks in a fixed order (first failure wins): duplicate,
// definition, validity, store, tier; then value. One non-stackable coupon per order (the most
// valuable one); stackable coupons follow in the order presented.
import type { Adjustment } from '@pos/protocol';
import { allocate, mulDivRoundHalfUp } from './int-math.js';
import { compareIso } from './local-time.js';
import type { PresentedCoupon } from './price-input.js';
import type { RejectReason } from './priced-basket.js';
import type { PricingContext } from './pricing-context.js';
import type { CouponDefinition } from './rule-set.js';
import { inScope, wholeUnits, type WorkLine } from './work-line.js';

export interface CouponOutcome {
  accepted: Array<{ coupon: PresentedCoupon; definition: CouponDefinition; amountFen: number }>;
  rejected: Array<{ coupon: PresentedCoupon; definition: CouponDefinition | null; reason: RejectReason }>;
}

export function applyCoupons(lines: WorkLine[], ctx: PricingContext): CouponOutcome {
  const outcome: CouponOutcome = { accepted: [], rejected: [] };
  const seen = new Set<string>();
  const valid: Array<{ coupon: PresentedCoupon; definition: CouponDefinition }> = [];
  for (const coupon of ctx.input.coupons) {
    if (seen.has(coupon.couponId)) {
      outcome.rejected.push({ coupon, definition: null, reason: 'DUPLICATE' });
      continue;
    }
    seen.add(coupon.couponId);
    const definition = ctx.rules.coupons.find((d) => d.couponDefId === coupon.couponDefId) ?? null;
    const reason = definition ? checkValidity(definition, ctx) : 'UNKNOWN_DEFINITION';
    if (reason || !definition) outcome.rejected.push({ coupon, definition, reason: reason ?? 'UNKNOWN_DEFINITION' });
    else valid.push({ coupon, definition });
  }

  // The non-stackable coupon worth most to the customer now; ties go to the one presented first.
  const single = valid.filter((v) => !v.definition.stackable);
  let chosen: (typeof single)[number] | null = null;
  let chosenValue = 0;
  for (const candidate of single) {
    const value = couponValue(lines, candidate.definition);
    if (typeof value === 'number' && value > chosenValue) {
      chosen = candidate;
      chosenValue = value;
    }
  }
  for (const candidate of single) {
    if (candidate === chosen) continue;
    const value = couponValue(lines, candidate.definition);
    outcome.rejected.push({ ...candidate, reason: typeof value === 'number' ? 'ONE_PER_ORDER' : value });
  }
  const toApply = [...(chosen ? [chosen] : []), ...valid.filter((v) => v.definition.stackable)];
  for (const entry of toApply) {
    const value = couponValue(lines, entry.definition);
    if (typeof value !== 'number') {
      outcome.rejected.push({ ...entry, reason: value });
      continue;
    }
    applyValue(lines, entry.definition, entry.coupon.couponId, value);
    outcome.accepted.push({ ...entry, amountFen: value });
  }
  return outcome;
}

function checkValidity(d: CouponDefinition, ctx: PricingContext): RejectReason | null {
  if (compareIso(ctx.input.now, d.validFrom, 'coupon.validFrom') < 0) return 'NOT_YET_VALID';
  if (compareIso(ctx.input.now, d.validTo, 'coupon.validTo') >= 0) return 'EXPIRED';
  if (d.storeIds.length > 0 && !d.storeIds.includes(ctx.input.storeId)) return 'STORE_SCOPE';
  if (d.tierIds.length > 0 && !(ctx.member?.tierId && d.tierIds.includes(ctx.member.tierId))) return 'TIER_SCOPE';
  return null;
}

function scopeLines(lines: WorkLine[], d: CouponDefinition): WorkLine[] {
  return lines.filter((l) => !l.item.noDiscount && l.netFen > 0 && inScope(l, d.scope));
}

function giftParts(lines: WorkLine[], d: Extract<CouponDefinition, { kind: 'gift' }>): Array<{ line: WorkLine; valueFen: number }> {
  let remaining = d.units;
  const parts: Array<{ line: WorkLine; valueFen: number }> = [];
  for (const line of lines) {
    if (remaining === 0) break;
    if (line.item.sku !== d.sku || line.item.noDiscount || line.netFen === 0) continue;
    const units = Math.min(remaining, wholeUnits(line));
    if (units === 0) continue;
    remaining -= units;
    parts.push({ line, valueFen: mulDivRoundHalfUp(line.netFen, units * 1000, line.quantityMilli) });
  }
  return parts;
}

/** What the coupon is worth on the current nets, or why it is worth nothing. */
function couponValue(lines: WorkLine[], d: CouponDefinition): number | RejectReason {
  const scoped = scopeLines(lines, d);
  const baseFen = scoped.reduce((s, l) => s + l.netFen, 0);
  if (d.kind !== 'gift' && scoped.length === 0) return 'NO_ELIGIBLE_ITEMS';
  if (baseFen < d.thresholdFen) return 'BELOW_THRESHOLD';
  switch (d.kind) {
    case 'amountOff':
      return Math.min(d.offFen, baseFen);
    case 'percentOff': {
      const off = baseFen - mulDivRoundHalfUp(baseFen, d.discountPerMille, 1000);
      const capped = d.capFen === undefined ? off : Math.min(off, d.capFen);
      return capped > 0 ? capped : 'NOTHING_LEFT_TO_DISCOUNT';
    }
    case 'gift': {
      const parts = giftParts(lines, d);
      if (parts.length === 0) return 'GIFT_ITEM_MISSING';
      const value = parts.reduce((s, p) => s + p.valueFen, 0);
      return value > 0 ? value : 'NOTHING_LEFT_TO_DISCOUNT';
    }
  }
}

function applyValue(lines: WorkLine[], d: CouponDefinition, couponId: string, valueFen: number): void {
  const parts =
    d.kind === 'gift' ? giftParts(lines, d) : scopeLines(lines, d).map((line) => ({ line, valueFen: line.netFen }));
  const shares = allocate(valueFen, parts.map((p) => p.valueFen));
  parts.forEach((p, i) => {
    const amountFen = shares[i]!;
    if (amountFen <= 0) return;
    const adj: Adjustment = { ruleId: couponId, kind: 'coupon', amountFen };
    p.line.adjustments.push(adj);
    p.line.netFen -= amountFen;
    p.line.couponFen += amountFen;
  });
}
