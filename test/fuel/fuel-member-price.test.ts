// Member price per litre at the pump through the engine: discount = round_half_up(volume_mL × fen_per_L / 1000),
// on the pump's open unit price, by tier and sku, replacing the tier discount; campaigns and shop items in the same sale.
import { describe, expect, it } from 'vitest';
import { PriceInput, price, type PriceInputJson } from '@pos/engine';
import { MEMBER_ID, NOW, STORE, TIERS, WINDOW } from '../engine/fixtures.js';

const name = (zh: string, en: string) => ({ zh, en });
const CATALOGUE = [
  { sku: 'FUEL-95', name: name('95号汽油', 'Petrol 95'), unitPriceFen: 790, unit: 'litre' as const, category: 'fuel' },
  { sku: 'FUEL-92', name: name('92号汽油', 'Petrol 92'), unitPriceFen: 745, unit: 'litre' as const, category: 'fuel', noDiscount: true },
  { sku: 'cola', name: name('可乐', 'Cola'), unitPriceFen: 350, category: 'drinks' },
];
const DISCOUNTS = [
  { discountId: 'gold-95', tierIds: ['gold'], skus: ['FUEL-95'], offFenPerUnit: 30 },
  { discountId: 'diamond-fuel', tierIds: ['diamond'], skus: ['FUEL-95', 'FUEL-92'], offFenPerUnit: 50 },
  { discountId: 'diamond-95-small', tierIds: ['diamond'], skus: ['FUEL-95'], offFenPerUnit: 20 },
  { discountId: 'silly', tierIds: ['silver'], skus: ['FUEL-92'], offFenPerUnit: 1000 },
];
const mj200 = { kind: 'spendThreshold' as const, campaignId: 'fuel-200-10', name: name('加油满200减10', '10 off 200 of fuel'), ...WINDOW, thresholdFen: 20_000, offFen: 1_000, scope: { categories: ['fuel'] } };

type Line = [sku: string, quantityMilli: number, unitPriceFen?: number];
function run(lines: Line[], tierId: string | null, extra: Partial<PriceInputJson> = {}) {
  const json: PriceInputJson = {
    now: NOW,
    storeId: STORE,
    rules: { tiers: TIERS, points: { earnPerYuanPerMille: 1000 }, unitMemberDiscounts: DISCOUNTS },
    catalogue: CATALOGUE,
    member: tierId ? { memberId: MEMBER_ID, tierId, card: null, storedValue: { principalFen: 50_000, bonusFen: 0 } } : null,
    basket: { lines: lines.map(([sku, quantityMilli, unitPriceFen], i) => ({ lineNo: i + 1, sku, quantityMilli, ...(unitPriceFen ? { unitPriceFen } : {}) })) },
    ...extra,
  };
  return price(PriceInput.parse(json));
}

describe('member price per litre (unitMemberDiscounts)', () => {
  // [case, lines, tier, gross, member discount on line 1, per litre, payable]
  const cases: Array<[string, Line[], string | null, number, number, number | undefined, number]> = [
    // 25.316 L × 7.90 = 199.9964 → 200.00; 25.316 × 0.30 = 7.5948 → 7.59
    ['gold, 200 yuan of 95# at the pump price', [['FUEL-95', 25_316, 790]], 'gold', 20_000, 759, 30, 19_241],
    // 12.345 × 7.90 = 97.5255 → 97.53; 12.345 × 0.30 = 3.7035 → 3.70
    ['gold, 12.345 L of 95#', [['FUEL-95', 12_345, 790]], 'gold', 9_753, 370, 30, 9_383],
    // 1.050 × 0.30 = 0.315 → 0.32 (half up); 1.050 × 7.90 = 8.295 → 8.30
    ['gold, half a fen rounds up', [['FUEL-95', 1_050, 790]], 'gold', 830, 32, 30, 798],
    // 1.049 × 0.30 = 0.3147 → 0.31
    ['gold, below half a fen rounds down', [['FUEL-95', 1_049, 790]], 'gold', 829, 31, 30, 798],
    ['guest pays the pump price', [['FUEL-95', 25_316, 790]], null, 20_000, 0, undefined, 20_000],
    // silver has no discount on 95# and no tier discount (1000 per mille)
    ['silver has no fuel discount on 95#', [['FUEL-95', 20_000, 790]], 'silver', 15_800, 0, undefined, 15_800],
    // diamond: the larger of 50 and 20 fen/L; its 9折 tier discount does not stack: 10 × 0.50 = 5.00
    ['diamond takes the best discount, not the tier discount', [['FUEL-95', 10_000, 790]], 'diamond', 7_900, 500, 50, 7_400],
    // 92# is noDiscount, but a per-litre member discount names it: 10 L × 7.45 = 74.50 − 5.00
    ['a noDiscount grade still gets its per-litre discount', [['FUEL-92', 10_000]], 'diamond', 7_450, 500, 50, 6_950],
    // gold has no discount on 92#, and 92# is noDiscount: no tier discount either
    ['gold on 92# pays the pump price', [['FUEL-92', 10_000]], 'gold', 7_450, 0, undefined, 7_450],
    // 1000 fen/L off a 745 fen/L grade is capped at the line
    ['a discount never exceeds the line', [['FUEL-92', 2_000]], 'silver', 1_490, 1_490, 1000, 0],
  ];
  it.each(cases)('%s', (_name, lines, tier, gross, discount, perLitre, payable) => {
    const sale = run(lines, tier);
    const line = sale.lines[0]!;
    expect(line.grossFen).toBe(gross);
    expect(line.adjustments).toEqual(discount > 0 ? [{ ruleId: expect.any(String), kind: 'memberPrice', amountFen: discount }] : []);
    expect(line.memberOffFenPerUnit).toBe(perLitre);
    expect(sale.totals.payableFen).toBe(payable);
  });

  it('campaigns then apply on the member net, shop items are priced in the same sale, points on what is paid', () => {
    // fuel: 20000 − 759 = 19241 ≥ 20000? no → 满200减10 does not apply; 26 L: 26 × 7.90 = 205.40, − 7.80 = 197.60 → no;
    // 27 L: 213.30 − 8.10 = 205.20 → 满200减10 applies (−10.00) → 195.20. Cola ×2 gold 9.5折: 7.00 − 0.35 = 6.65.
    const sale = run([['FUEL-95', 27_000, 790], ['cola', 2_000]], 'gold', { ...withCampaign(), tenders: [{ kind: 'storedValue' }] });
    expect(sale.lines.map((l) => [l.grossFen, l.adjustments.map((a) => [a.ruleId, a.amountFen]), l.netFen])).toEqual([
      [21_330, [['gold-95', 810], ['fuel-200-10', 1_000]], 19_520],
      [700, [['gold', 35]], 665],
    ]);
    expect(sale.totals).toMatchObject({ grossFen: 22_030, discountFen: 1_845, payableFen: 20_185 });
    // gold earns 1.5 points per yuan: floor(201.85 × 1.5) = 302
    expect(sale.points.earned).toBe(302);
    expect(sale.payment.tenders).toEqual([{ kind: 'storedValue', amountFen: 20_185, principalFen: 20_185, bonusFen: 0 }]);
    expect(sale.explanation).toContainEqual({ zh: '95号汽油 会员优惠 ¥0.30/升：-¥8.10', en: 'Petrol 95 member ¥0.30/L off: -¥8.10' });
  });
});

function withCampaign() {
  return { rules: { tiers: TIERS, points: { earnPerYuanPerMille: 1000 }, unitMemberDiscounts: DISCOUNTS, campaigns: [mj200] } };
}
