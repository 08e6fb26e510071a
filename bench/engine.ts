// bench/engine: prices a 20-line basket against 20 live campaigns for a gold member (coupons,
// points as cash, stored value + cash, 抹零) and compares with JSON.parse of the same input
// text, measured in the same run. Target: pricing takes at most 3× the parse time.
import { price, PriceInput, type PriceInputJson } from '@pos/engine';
import { formatSummary, summarize, timeMs } from './stats.js';

const TARGET_RATIO = 3;
const RUNS = 15;
const ITERATIONS = 1_000;
const WINDOW = { validFrom: '2026-01-01T00:00:00+08:00', validTo: '2027-01-01T00:00:00+08:00' };
const categories = ['drinks', 'snacks', 'grocery', 'dairy', 'household'];

const catalogue = Array.from({ length: 20 }, (_, i) => ({
  sku: `sku-${i}`,
  barcodes: [`690000000${String(i).padStart(4, '0')}`],
  name: { zh: `商品${i}`, en: `Item ${i}` },
  unitPriceFen: 199 + i * 173,
  unit: i % 7 === 6 ? ('kg' as const) : ('piece' as const),
  category: categories[i % categories.length]!,
  ...(i % 4 === 0 ? { memberPriceFen: 150 + i * 160 } : {}),
  ...(i % 9 === 8 ? { pointsMultiplierPerMille: 2000 } : {}),
}));
const c = (campaignId: string, fields: Record<string, unknown>) => ({ campaignId, name: { zh: `活动${campaignId}`, en: `Campaign ${campaignId}` }, ...WINDOW, ...fields });
const campaigns = [
  ...categories.map((cat, i) => c(`pct-${cat}`, { kind: 'percentOff', discountPerMille: 900 + i * 10, scope: { categories: [cat] } })),
  c('half2-a', { kind: 'nthItem', n: 2, discountPerMille: 500, scope: { skus: ['sku-1', 'sku-2', 'sku-3'] } }),
  c('half2-b', { kind: 'nthItem', n: 3, discountPerMille: 0, scope: { skus: ['sku-5', 'sku-10'] }, exclusive: true }),
  c('b2g1', { kind: 'buyNGetM', buy: 2, free: 1, scope: { skus: ['sku-7', 'sku-11'] }, exclusive: true }),
  c('bundle-a', { kind: 'bundle', items: [{ sku: 'sku-12', units: 1 }, { sku: 'sku-13', units: 1 }], priceFen: 3500 }),
  c('bundle-b', { kind: 'bundle', items: [{ sku: 'sku-14', units: 1 }, { sku: 'sku-15', units: 2 }], priceFen: 6000 }),
  c('mp', { kind: 'memberPrice', prices: [{ sku: 'sku-17', priceFen: 2500 }, { sku: 'sku-18', priceFen: 2600 }] }),
  c('wed', { kind: 'percentOff', discountPerMille: 950, weekdays: [3], audience: 'members', exclusive: true }),
  c('mj100', { kind: 'spendThreshold', thresholdFen: 10_000, offFen: 1_000, repeat: true, maxTimes: 5 }),
  c('mj300', { kind: 'spendThreshold', thresholdFen: 30_000, offFen: 5_000, exclusive: true }),
  c('snacks-mj', { kind: 'spendThreshold', thresholdFen: 5_000, offFen: 500, scope: { categories: ['snacks'] } }),
  c('gold-only', { kind: 'percentOff', discountPerMille: 980, tierIds: ['gold'] }),
  c('x2', { kind: 'pointsMultiplier', multiplierPerMille: 2000, weekdays: [3] }),
  c('x3-dairy', { kind: 'pointsMultiplier', multiplierPerMille: 3000, scope: { categories: ['dairy'] } }),
  c('dairy-mj', { kind: 'spendThreshold', thresholdFen: 3_000, offFen: 300, scope: { categories: ['dairy'] } }),
  c('bday', { kind: 'birthday', when: 'month', multiplierPerMille: 1500, fixedPoints: 100 }),
];
const input: PriceInputJson = {
  now: '2026-11-25T10:00:00+08:00',
  storeId: '0000000000000000000000000S',
  rules: {
    version: 7,
    tiers: [
      { tierId: 'silver', name: { zh: '银卡', en: 'Silver' }, growthThreshold: 0 },
      { tierId: 'gold', name: { zh: '金卡', en: 'Gold' }, growthThreshold: 1000, discountPerMille: 950, pointsRatePerMille: 1500 },
    ],
    points: { pointsCash: { enabled: true, pointsPerYuan: 100, maxSharePerMille: 300 } },
    campaigns: campaigns as PriceInputJson['rules']['campaigns'],
    coupons: [
      { couponDefId: 'c20', name: { zh: '20元券', en: '20 yuan off' }, ...WINDOW, kind: 'amountOff', offFen: 2000, thresholdFen: 10_000 },
      { couponDefId: 's5', name: { zh: '5元叠加券', en: '5 yuan stackable' }, ...WINDOW, kind: 'amountOff', offFen: 500, stackable: true },
    ],
    settings: { rounding: 'jiao' },
  },
  catalogue,
  member: {
    memberId: '0000000000000000000000000M',
    tierId: 'gold',
    birthday: '1988-11-02',
    card: { cardNo: '8800001234', cardTypeId: 'standard', status: 'active' },
    storedValue: { principalFen: 20_000, bonusFen: 3_000 },
    pointsLots: [
      { lotId: 'A', points: 1_500, expiresOn: '2026-12-31' },
      { lotId: 'B', points: 4_000, expiresOn: null },
    ],
    growth: 2_400,
  },
  basket: { lines: catalogue.map((item, i) => ({ lineNo: i + 1, sku: item.sku, quantityMilli: item.unit === 'kg' ? 1234 + i : 1000 * (1 + (i % 4)) })) },
  coupons: [
    { couponId: 'k1', couponDefId: 'c20' },
    { couponId: 'k2', couponDefId: 's5' },
  ],
  pointsToRedeem: 2_000,
  tenders: [{ kind: 'storedValue' }, { kind: 'cash', amountFen: 1_000_000 }],
};
const text = JSON.stringify(input);
const parsed = PriceInput.parse(JSON.parse(text));
const sample = price(parsed);
const live = parsed.rules.campaigns.length;
console.log(
  `input ${text.length} bytes, ${parsed.basket.lines.length} lines, ${live} campaigns (${sample.campaigns.applied.length} applied, ${sample.campaigns.rejected.length} rejected), payable ${sample.totals.payableFen} fen, ${sample.points.earned} points`,
);

let sink = 0;
const perSecond = (ms: number) => (ITERATIONS / ms) * 1000;
const parseRuns: number[] = [];
const priceRuns: number[] = [];
const ratios: number[] = [];
// Parse and price are timed back to back in each run, so a busy machine slows both alike.
for (let run = 0; run < RUNS + 1; run += 1) {
  const parseMs = timeMs(() => {
    for (let i = 0; i < ITERATIONS; i += 1) sink += (JSON.parse(text) as { basket: { lines: unknown[] } }).basket.lines.length;
  });
  const priceMs = timeMs(() => {
    for (let i = 0; i < ITERATIONS; i += 1) sink += price(parsed).totals.payableFen;
  });
  if (run === 0) continue; // warm-up
  parseRuns.push(perSecond(parseMs));
  priceRuns.push(perSecond(priceMs));
  ratios.push(priceMs / parseMs);
}
const validateRuns: number[] = [];
for (let run = 0; run < 5; run += 1) {
  validateRuns.push(perSecond(timeMs(() => {
    for (let i = 0; i < ITERATIONS; i += 1) sink += PriceInput.parse(JSON.parse(text)).basket.lines.length;
  })));
}
console.log(`JSON.parse of the input:      ${formatSummary(summarize(parseRuns), 'inputs/s', 0)}`);
console.log(`price():                      ${formatSummary(summarize(priceRuns), 'baskets/s', 0)}`);
console.log(`JSON.parse + zod validation:  ${formatSummary(summarize(validateRuns), 'inputs/s', 0)} (for reference; not part of the ratio)`);
const ratio = summarize(ratios);
console.log(`price / JSON.parse time:      ${formatSummary(ratio, '×')} (target ≤ ${TARGET_RATIO}× at the median: ${ratio.median <= TARGET_RATIO ? 'met' : 'NOT met'})`);
if (sink === 0) console.log('unreachable');
