// Invariants of price() and refund() over random baskets, members, campaigns, coupons, points
// and tenders (fast-check): nothing negative, lines add up to the order, payable is gross minus
// discounts, points as cash and rounding, a full refund restores the sale, same input same output.
import { allocate, price, PricedBasket, refund, type PriceInputJson } from '@pos/engine';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, campaign, couponDef, input, member, type InputSpec, type LineSpec } from './fixtures.js';

const CAMPAIGN_POOL = [
  campaign('drinks8', { kind: 'percentOff' as const, discountPerMille: 800, scope: { categories: ['drinks'] } }),
  campaign('all95x', { kind: 'percentOff' as const, discountPerMille: 950, exclusive: true }),
  campaign('half2', { kind: 'nthItem' as const, n: 2, discountPerMille: 500, scope: { skus: ['cola', 'tea'] } }),
  campaign('b2g1', { kind: 'buyNGetM' as const, buy: 2, free: 1, scope: { skus: ['chips'] }, exclusive: true }),
  campaign('meal', { kind: 'bundle' as const, items: [{ sku: 'burger', units: 1 }, { sku: 'fries', units: 2 }], priceFen: 3100 }),
  campaign('mj100', { kind: 'spendThreshold' as const, thresholdFen: 10_000, offFen: 2_000, exclusive: true }),
  campaign('each30', { kind: 'spendThreshold' as const, thresholdFen: 3_000, offFen: 300, repeat: true }),
  campaign('riceMp', { kind: 'memberPrice' as const, prices: [{ sku: 'rice', priceFen: 5_500 }] }),
  campaign('x2', { kind: 'pointsMultiplier' as const, multiplierPerMille: 2000, weekdays: [3] }),
  campaign('bday', { kind: 'birthday' as const, when: 'month' as const, multiplierPerMille: 1500, fixedPoints: 88 }),
];
const COUPON_POOL = [
  couponDef('c500', { kind: 'amountOff' as const, offFen: 500, thresholdFen: 3000 }),
  couponDef('c9', { kind: 'percentOff' as const, discountPerMille: 900, capFen: 700 }),
  couponDef('giftCola', { kind: 'gift' as const, sku: 'cola', units: 2 }),
  couponDef('s150', { kind: 'amountOff' as const, offFen: 150, stackable: true }),
];

const line: fc.Arbitrary<LineSpec> = fc.oneof(
  fc.tuple(fc.constantFrom('cola', 'chips', 'rice', 'cig', 'tea', 'burger', 'fries'), fc.integer({ min: 1, max: 12 }).map((n) => n * 1000)),
  fc.tuple(fc.constantFrom('beef', 'fuel92'), fc.integer({ min: 1, max: 60_000 })),
);

const spec: fc.Arbitrary<InputSpec> = fc
  .record({
    lines: fc.array(line, { minLength: 1, maxLength: 8 }),
    memberKind: fc.constantFrom('none', 'active', 'lost', 'noCard'),
    tierId: fc.constantFrom('silver', 'gold', 'diamond'),
    birthday: fc.constantFrom('1990-11-03', '1990-03-15'),
    principalFen: fc.integer({ min: 0, max: 30_000 }),
    bonusFen: fc.integer({ min: 0, max: 10_000 }),
    campaigns: fc.subarray(CAMPAIGN_POOL),
    presented: fc.subarray(COUPON_POOL.map((c, i) => ({ couponId: `k${i}`, couponDefId: c.couponDefId }))),
    points: fc.constantFrom<PriceInputJson['pointsToRedeem']>(0, 'max', 120, 777),
    rounding: fc.constantFrom('none' as const, 'jiao' as const, 'yuan' as const),
    tenders: fc.constantFrom('none', 'sv', 'svCash', 'cash', 'wechat'),
    excludeStoredValue: fc.boolean(),
    excludePointsCash: fc.boolean(),
    bonusFirst: fc.boolean(),
  })
  .map((r) => {
    const payer = r.memberKind === 'active' || r.memberKind === 'noCard';
    const m =
      r.memberKind === 'none'
        ? null
        : member({
            tierId: r.tierId,
            birthday: r.birthday,
            card: r.memberKind === 'noCard' ? null : { cardNo: '8800001234', cardTypeId: 'standard', status: r.memberKind === 'lost' ? 'lost' : 'active' },
            storedValue: { principalFen: r.principalFen, bonusFen: r.bonusFen },
          });
    const tenders: NonNullable<PriceInputJson['tenders']> =
      r.tenders === 'sv' && payer
        ? [{ kind: 'storedValue' }]
        : r.tenders === 'svCash' && payer
          ? [{ kind: 'storedValue' }, { kind: 'cash', amountFen: 1_000_000 }]
          : r.tenders === 'cash'
            ? [{ kind: 'cash', amountFen: 1_000_000 }]
            : r.tenders === 'wechat'
              ? [{ kind: 'wechat' }]
              : [];
    return {
      lines: r.lines,
      member: m,
      campaigns: r.campaigns,
      coupons: COUPON_POOL,
      presented: r.presented,
      pointsToRedeem: payer ? r.points : 0,
      tenders,
      rules: {
        points: { excludeStoredValue: r.excludeStoredValue, excludePointsCash: r.excludePointsCash, pointsCash: { enabled: true, maxSharePerMille: 300 } },
        settings: { rounding: r.rounding, storedValueOrder: r.bonusFirst ? ('bonusFirst' as const) : ('principalFirst' as const) },
      },
    } satisfies InputSpec;
  });

const RUNS = { numRuns: 300 };
const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((s, x) => s + f(x), 0);

function appliedTenderFen(sale: PricedBasket, index: number): number {
  const t = sale.payment.tenders[index]!;
  return t.amountFen - (t.changeFen ?? 0);
}

describe('price() and refund() invariants', () => {
  it('nothing is negative', () => {
    fc.assert(
      fc.property(spec, (s) => {
        const r = price(input(s));
        for (const v of Object.values(r.totals)) expect(v).toBeGreaterThanOrEqual(0);
        for (const l of r.lines) {
          for (const v of [l.netFen, l.payableFen, l.pointsEarned, l.growthEarned, l.pointsSpent]) expect(v).toBeGreaterThanOrEqual(0);
          for (const a of l.adjustments) expect(a.amountFen).toBeGreaterThan(0);
        }
        expect(r.payment.dueFen).toBeGreaterThanOrEqual(0);
        // The published output schema describes exactly what price() returns.
        expect(PricedBasket.parse(r)).toEqual(r);
      }),
      RUNS,
    );
  });

  it('payable = gross − discounts − points as cash − rounding, and line allocations add up to the order', () => {
    fc.assert(
      fc.property(spec, (s) => {
        const r = price(input(s));
        const t = r.totals;
        expect(t.payableFen).toBe(t.grossFen - t.discountFen - t.pointsCashFen - t.roundingFen);
        expect(t.discountFen).toBe(t.itemDiscountFen + t.orderDiscountFen + t.couponFen);
        const adj = (kinds: string[]) => sum(r.lines, (l) => sum(l.adjustments.filter((a) => kinds.includes(a.kind)), (a) => a.amountFen));
        expect(adj(['spendThreshold'])).toBe(t.orderDiscountFen);
        expect(adj(['coupon'])).toBe(t.couponFen);
        expect(adj(['pointsCash'])).toBe(t.pointsCashFen);
        expect(adj(['rounding'])).toBe(t.roundingFen);
        expect(adj(['memberPrice', 'tierDiscount', 'percentOff', 'nthItem', 'buyNGetM', 'bundle'])).toBe(t.itemDiscountFen);
        expect(sum(r.lines, (l) => l.grossFen)).toBe(t.grossFen);
        expect(sum(r.lines, (l) => l.payableFen)).toBe(t.payableFen);
        for (const l of r.lines) expect(l.payableFen).toBe(l.grossFen - sum(l.adjustments, (a) => a.amountFen));
        expect(sum(r.lines, (l) => l.pointsEarned)).toBe(r.points.earned);
        expect(sum(r.lines, (l) => l.pointsSpent)).toBe(r.points.spent);
        expect(sum(r.lines, (l) => l.growthEarned)).toBe(r.growth.earned);
        for (const c of r.coupons.accepted) {
          expect(adj(['coupon']) >= c.amountFen).toBe(true);
          expect(sum(r.lines, (l) => sum(l.adjustments.filter((a) => a.ruleId === c.couponId), (a) => a.amountFen))).toBe(c.amountFen);
        }
        r.payment.tenders.forEach((tender, i) => {
          const shares = r.lines.flatMap((l) => l.tenderShares.filter((x) => x.tenderIndex === i));
          expect(sum(shares, (x) => x.amountFen)).toBe(appliedTenderFen(r, i));
          if (tender.kind === 'storedValue') {
            expect(sum(shares, (x) => x.principalFen)).toBe(tender.principalFen);
            expect(sum(shares, (x) => x.bonusFen)).toBe(tender.bonusFen);
          }
        });
        for (const l of r.lines) expect(sum(l.tenderShares, (x) => x.amountFen)).toBeLessThanOrEqual(l.payableFen);
        expect(sum(r.payment.tenders.map((_, i) => i), (i) => appliedTenderFen(r, i)) + r.payment.dueFen).toBe(t.payableFen);
      }),
      RUNS,
    );
  });

  it('a full refund, at once or in two parts, restores the sale to the fen', () => {
    fc.assert(
      fc.property(spec, fc.integer({ min: 0, max: 1000 }), (s, cut) => {
        const sale = price(input(s));
        const all = sale.lines.map((l) => l.lineNo);
        const whole = refund(sale, { lineNos: all, alreadyRefunded: [] });
        expect(whole.refundFen).toBe(sale.totals.payableFen);
        expect(whole.pointsRestored).toBe(sale.points.spent);
        expect(whole.pointsReversed).toBe(sale.points.earned);
        expect(whole.growthReversed).toBe(sale.growth.earned);
        const paid = sale.payment.tenders
          .map((t, i) => ({ kind: t.kind, amountFen: appliedTenderFen(sale, i), principalFen: t.principalFen, bonusFen: t.bonusFen }))
          .filter((t) => t.amountFen > 0);
        expect(whole.tenders.map((t) => ({ kind: t.kind, amountFen: t.amountFen, principalFen: t.principalFen, bonusFen: t.bonusFen }))).toEqual(paid);
        expect(whole.couponsReleased).toEqual(sale.coupons.accepted.map((c) => c.couponId));

        const k = cut % all.length;
        if (k === 0) return;
        const first = refund(sale, { lineNos: all.slice(0, k), alreadyRefunded: [] });
        const second = refund(sale, { lineNos: all.slice(k), alreadyRefunded: all.slice(0, k) });
        expect(first.refundFen + second.refundFen).toBe(whole.refundFen);
        expect(first.pointsReversed + second.pointsReversed).toBe(whole.pointsReversed);
        expect(first.pointsRestored + second.pointsRestored).toBe(whole.pointsRestored);
        expect(first.growthReversed + second.growthReversed).toBe(whole.growthReversed);
      }),
      RUNS,
    );
  });

  it('the same input gives the same output, also after a JSON round trip', () => {
    fc.assert(
      fc.property(spec, (s) => {
        const a = input(s);
        const b = JSON.parse(JSON.stringify(a)) as typeof a;
        expect(price(b)).toEqual(price(a));
        expect(JSON.stringify(price(a))).toBe(JSON.stringify(price(a)));
      }),
      { numRuns: 150 },
    );
  });

  it('the catalogue order does not change the result', () => {
    fc.assert(
      fc.property(spec, (s) => {
        const a = input(s);
        const reversed = { ...a, catalogue: [...a.catalogue].reverse() };
        expect(price(reversed)).toEqual(price(a));
      }),
      { numRuns: 100 },
    );
  });
});

describe('allocate() (largest remainder)', () => {
  it('shares sum to the total and each is within one fen of its exact proportion, also past 2^53 products', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000_000_000 }),
        fc.array(fc.integer({ min: 0, max: 1_000_000_000 }), { minLength: 1, maxLength: 30 }),
        (total, weights) => {
          const shares = allocate(total, weights);
          expect(sum(shares, (x) => x)).toBe(total);
          const w = weights.some((x) => x > 0) ? weights : weights.map(() => 1);
          const W = BigInt(sum(w, (x) => x));
          shares.forEach((share, i) => {
            const exactFloor = (BigInt(total) * BigInt(w[i]!)) / W;
            expect(BigInt(share) - exactFloor >= 0n && BigInt(share) - exactFloor <= 1n).toBe(true);
          });
        },
      ),
      RUNS,
    );
  });

  it('gives leftover fen to the largest remainders, ties to the earlier line', () => {
    expect(allocate(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(allocate(2000, [9498, 9253])).toEqual([1013, 987]);
    expect(allocate(0, [5, 5])).toEqual([0, 0]);
    expect(allocate(5, [0, 0])).toEqual([3, 2]);
  });
});

// Keep the pool honest: every catalogue sku the arbitrary uses exists.
it('property pools only use catalogue skus', () => {
  const skus = new Set(CATALOGUE.map((c) => c.sku));
  for (const s of ['cola', 'chips', 'rice', 'cig', 'tea', 'burger', 'fries', 'beef', 'fuel92']) expect(skus.has(s)).toBe(true);
});
