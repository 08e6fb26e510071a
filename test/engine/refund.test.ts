// refund() reverses exactly what the sale allocated to the refunded lines; refunding every
// line, at once or in parts, returns the sale's money, points and growth to the fen.
import { price, refund, type PricedBasket } from '@pos/engine';
import { describe, expect, it } from 'vitest';
import { campaign, couponDef, input, member } from './fixtures.js';

// The combination scenario of price-scenarios.test.ts: lines pay 7703 / 676 / 7651.
function comboSale(): PricedBasket {
  return price(
    input({
      lines: [['rice', 2000], ['cola', 3000], ['fuel92', 10_000]],
      member: member({ tierId: 'gold', storedValue: { principalFen: 5000, bonusFen: 1000 } }),
      campaigns: [
        campaign('wed', { kind: 'percentOff' as const, discountPerMille: 900, weekdays: [3], audience: 'members' as const }),
        campaign('mj100', { kind: 'spendThreshold' as const, thresholdFen: 10_000, offFen: 2_000 }),
      ],
      coupons: [couponDef('c500', { kind: 'amountOff' as const, offFen: 500, thresholdFen: 3000 })],
      presented: [{ couponId: 'k1', couponDefId: 'c500' }],
      pointsToRedeem: 500,
      rules: { settings: { rounding: 'jiao' } },
      tenders: [{ kind: 'storedValue' }, { kind: 'cash', amountFen: 20_000 }],
    }),
  );
}

describe('refund()', () => {
  it('records per line what each tender paid (largest remainder over the unpaid amounts)', () => {
    const sale = comboSale();
    expect(sale.lines.map((l) => l.tenderShares)).toEqual([
      [
        { tenderIndex: 0, amountFen: 2884, principalFen: 2403, bonusFen: 481 },
        { tenderIndex: 1, amountFen: 4819, principalFen: 0, bonusFen: 0 },
      ],
      [
        { tenderIndex: 0, amountFen: 253, principalFen: 211, bonusFen: 42 },
        { tenderIndex: 1, amountFen: 423, principalFen: 0, bonusFen: 0 },
      ],
      [
        { tenderIndex: 0, amountFen: 2863, principalFen: 2386, bonusFen: 477 },
        { tenderIndex: 1, amountFen: 4788, principalFen: 0, bonusFen: 0 },
      ],
    ]);
    expect(sale.lines.map((l) => [l.pointsEarned, l.growthEarned, l.pointsSpent])).toEqual([
      [115, 77, 240],
      [10, 7, 21],
      [115, 76, 239],
    ]);
  });

  it('a partial refund reverses exactly that line', () => {
    const result = refund(comboSale(), { lineNos: [2], alreadyRefunded: [] });
    expect(result).toEqual({
      lines: [{ lineNo: 2, quantityMilli: 3000, refundFen: 676, pointsReversed: 10, pointsRestored: 21, growthReversed: 7, discountFen: 353, couponFen: 40 }],
      refundFen: 676,
      tenders: [
        { kind: 'storedValue', amountFen: 253, principalFen: 211, bonusFen: 42, cardNo: '8800001234' },
        { kind: 'cash', amountFen: 423 },
      ],
      pointsReversed: 10,
      pointsRestored: 21,
      growthReversed: 7,
      couponsReleased: [],
    });
  });

  it('the rest refunded later completes the sale to the fen and releases the coupon', () => {
    const sale = comboSale();
    const first = refund(sale, { lineNos: [2], alreadyRefunded: [] });
    const rest = refund(sale, { lineNos: [1, 3], alreadyRefunded: [2] });
    expect(rest.refundFen + first.refundFen).toBe(16030);
    expect(rest.tenders).toEqual([
      { kind: 'storedValue', amountFen: 5747, principalFen: 4789, bonusFen: 958, cardNo: '8800001234' },
      { kind: 'cash', amountFen: 9607 },
    ]);
    expect(rest.pointsRestored + first.pointsRestored).toBe(500);
    expect(rest.pointsReversed + first.pointsReversed).toBe(240);
    expect(rest.growthReversed + first.growthReversed).toBe(160);
    expect(rest.couponsReleased).toEqual(['k1']);
  });

  it('a full refund at once equals the sale', () => {
    const sale = comboSale();
    const all = refund(sale, { lineNos: [1, 2, 3], alreadyRefunded: [] });
    expect({ fen: all.refundFen, restored: all.pointsRestored, reversed: all.pointsReversed, growth: all.growthReversed }).toEqual({
      fen: 16030,
      restored: 500,
      reversed: 240,
      growth: 160,
    });
    expect(all.tenders).toEqual([
      { kind: 'storedValue', amountFen: 6000, principalFen: 5000, bonusFen: 1000, cardNo: '8800001234' },
      { kind: 'cash', amountFen: 10030 },
    ]);
  });

  it.each([
    ['unknown line', { lineNos: [9], alreadyRefunded: [] }, 'lineNos.0'],
    ['line refunded before', { lineNos: [1, 2], alreadyRefunded: [2] }, 'lineNos.1'],
    ['line listed twice', { lineNos: [3, 3], alreadyRefunded: [] }, 'lineNos.1'],
  ])('refuses a %s', (_name, request, field) => {
    expect(() => refund(comboSale(), request)).toThrow(expect.objectContaining({ code: 'REFUND_INVALID', field }));
  });
});
