// Table-driven pricing scenarios: every feature of price() and their combinations, each with
// exact fen and points worked out by hand from the rules in engine/README.md.
import { price, type PriceInputJson } from '@pos/engine';
import { describe, expect, it } from 'vitest';
import { campaign, couponDef, input, member, OTHER_STORE, STORE, type InputSpec } from './fixtures.js';

interface Expected {
  gross: number;
  discount: number;
  payable: number;
  points: number;
  growth: number;
  pointsCash?: number;
  rounding?: number;
  linePayable?: number[];
  linePoints?: number[];
  applied?: Array<[string, number]>;
  rejected?: Array<[string, string]>;
  couponsAccepted?: Array<[string, number]>;
  couponsRejected?: Array<[string, string]>;
  pointsSpent?: number;
  lots?: Array<[string, number]>;
  bonusFixed?: number;
  tenders?: PriceInputJson['tenders'] extends unknown ? Array<Record<string, unknown>> : never;
  due?: number;
  change?: number;
}

type Scenario = [name: string, spec: InputSpec, expected: Expected];

const gold = member({ tierId: 'gold' });
const diamond = member({ tierId: 'diamond' });
const silver = member();
const drinks8 = campaign('drinks8', { kind: 'percentOff' as const, discountPerMille: 800, scope: { categories: ['drinks'] } });
const mj100 = campaign('mj100', { kind: 'spendThreshold' as const, thresholdFen: 10_000, offFen: 2_000 });
const c500 = couponDef('c500', { kind: 'amountOff' as const, offFen: 500, thresholdFen: 3000 });
const c10pct = couponDef('c10pct', { kind: 'percentOff' as const, discountPerMille: 900 });

const scenarios: Scenario[] = [
  // Catalogue input, gross = unit price × quantity / 1000 rounded half up.
  ['guest, two colas', { lines: [['cola', 2000]] }, { gross: 700, discount: 0, payable: 700, points: 0, growth: 0 }],
  ['guest, 1.234 kg of beef', { lines: [['beef', 1234]] }, { gross: 10859, discount: 0, payable: 10859, points: 0, growth: 0 }],
  ['guest, 12.345 L of petrol', { lines: [['fuel92', 12_345]] }, { gross: 9740, discount: 0, payable: 9740, points: 0, growth: 0 }],
  ['guest, 0.5 L of petrol rounds half up', { lines: [['fuel92', 500]] }, { gross: 395, discount: 0, payable: 395, points: 0, growth: 0 }],
  ['guest gets no member price', { lines: [['chips', 3000]] }, { gross: 2400, discount: 0, payable: 2400, points: 0, growth: 0 }],
  // Member context: tiers, member price, flags.
  ['silver member earns a point per yuan', { lines: [['cola', 2000]], member: silver }, { gross: 700, discount: 0, payable: 700, points: 7, growth: 7 }],
  ['catalogue member price', { lines: [['chips', 3000]], member: silver }, { gross: 2400, discount: 300, payable: 2100, points: 21, growth: 21 }],
  ['gold 9.5折 rounds half up, 1.5× points floor', { lines: [['rice', 1000]], member: gold }, { gross: 5990, discount: 299, payable: 5691, points: 85, growth: 56 }],
  ['member price replaces the tier discount', { lines: [['chips', 1000]], member: gold }, { gross: 800, discount: 100, payable: 700, points: 10, growth: 7 }],
  ['diamond 9折 on 1.234 kg of beef, 2× points', { lines: [['beef', 1234]], member: diamond }, { gross: 10859, discount: 1086, payable: 9773, points: 195, growth: 97 }],
  [
    'noDiscount and noPoints items',
    { lines: [['cig', 2000], ['cola', 2000]], member: gold },
    { gross: 5700, discount: 35, payable: 5665, points: 9, growth: 56, linePayable: [5000, 665] },
  ],
  ['fuel is noDiscount but earns tier-rate points', { lines: [['fuel92', 20_000]], member: gold }, { gross: 15780, discount: 0, payable: 15780, points: 236, growth: 157 }],
  ['per-item points multiplier', { lines: [['tea', 2000]], member: silver }, { gross: 2400, discount: 0, payable: 2400, points: 48, growth: 24 }],
  // Item campaigns.
  [
    'percent off a category',
    { lines: [['cola', 2000], ['rice', 1000]], campaigns: [drinks8] },
    { gross: 6690, discount: 140, payable: 6550, points: 0, growth: 0, linePayable: [560, 5990], applied: [['drinks8', 140]] },
  ],
  [
    'tier discount then percent off a sku',
    { lines: [['rice', 1000]], member: gold, campaigns: [campaign('rice8', { kind: 'percentOff' as const, discountPerMille: 800, scope: { skus: ['rice'] } })] },
    { gross: 5990, discount: 1437, payable: 4553, points: 68, growth: 45, applied: [['rice8', 1138]] },
  ],
  [
    '第二件半价 on three colas',
    { lines: [['cola', 3000]], campaigns: [campaign('half2', { kind: 'nthItem' as const, n: 2, discountPerMille: 500, scope: { skus: ['cola'] } })] },
    { gross: 1050, discount: 175, payable: 875, points: 0, growth: 0 },
  ],
  [
    '第二件半价 on four colas',
    { lines: [['cola', 4000]], campaigns: [campaign('half2', { kind: 'nthItem' as const, n: 2, discountPerMille: 500, scope: { skus: ['cola'] } })] },
    { gross: 1400, discount: 350, payable: 1050, points: 0, growth: 0 },
  ],
  [
    'buy 2 get 1 on six colas',
    { lines: [['cola', 6000]], campaigns: [campaign('b2g1', { kind: 'buyNGetM' as const, buy: 2, free: 1, scope: { skus: ['cola'] } })] },
    { gross: 2100, discount: 700, payable: 1400, points: 0, growth: 0 },
  ],
  [
    'buy 2 get 1 on five colas: one group',
    { lines: [['cola', 5000]], campaigns: [campaign('b2g1', { kind: 'buyNGetM' as const, buy: 2, free: 1, scope: { skus: ['cola'] } })] },
    { gross: 1750, discount: 350, payable: 1400, points: 0, growth: 0 },
  ],
  [
    'bundle burger + fries at 25 yuan, remainder to the larger fraction',
    {
      lines: [['burger', 2000], ['fries', 1000]],
      campaigns: [campaign('meal', { kind: 'bundle' as const, items: [{ sku: 'burger', units: 1 }, { sku: 'fries', units: 1 }], priceFen: 2500 })],
    },
    { gross: 5000, discount: 500, payable: 4500, points: 0, growth: 0, linePayable: [3667, 833], applied: [['meal', 500]] },
  ],
  [
    'bundle incomplete is rejected',
    {
      lines: [['burger', 2000]],
      campaigns: [campaign('meal', { kind: 'bundle' as const, items: [{ sku: 'burger', units: 1 }, { sku: 'fries', units: 1 }], priceFen: 2500 })],
    },
    { gross: 4000, discount: 0, payable: 4000, points: 0, growth: 0, rejected: [['meal', 'NO_ELIGIBLE_ITEMS']] },
  ],
  // Order-level 满减.
  ['满100减20', { lines: [['rice', 2000]], campaigns: [mj100] }, { gross: 11980, discount: 2000, payable: 9980, points: 0, growth: 0 }],
  [
    '满100减20 below threshold is rejected with its reason',
    { lines: [['rice', 1000]], campaigns: [mj100] },
    { gross: 5990, discount: 0, payable: 5990, points: 0, growth: 0, rejected: [['mj100', 'BELOW_THRESHOLD']] },
  ],
  [
    '每满100减10, twice',
    { lines: [['rice', 4000]], campaigns: [campaign('each100', { kind: 'spendThreshold' as const, thresholdFen: 10_000, offFen: 1000, repeat: true, maxTimes: 3 })] },
    { gross: 23960, discount: 2000, payable: 21960, points: 0, growth: 0 },
  ],
  [
    '每满100减10 capped at three times',
    { lines: [['rice', 7000]], campaigns: [campaign('each100', { kind: 'spendThreshold' as const, thresholdFen: 10_000, offFen: 1000, repeat: true, maxTimes: 3 })] },
    { gross: 41930, discount: 3000, payable: 38930, points: 0, growth: 0 },
  ],
  [
    '满减 ignores noDiscount lines when testing the threshold',
    { lines: [['rice', 1000], ['fuel92', 20_000]], campaigns: [mj100] },
    { gross: 21770, discount: 0, payable: 21770, points: 0, growth: 0, rejected: [['mj100', 'BELOW_THRESHOLD']] },
  ],
  [
    '满50减10 allocated to lines by largest remainder',
    { lines: [['rice', 1000], ['cola', 2000]], campaigns: [campaign('mj50', { kind: 'spendThreshold' as const, thresholdFen: 5000, offFen: 1000 })] },
    { gross: 6690, discount: 1000, payable: 5690, points: 0, growth: 0, linePayable: [5095, 595] },
  ],
  // Exclusive campaigns.
  [
    'exclusive: 满100减20 beats 9折',
    {
      lines: [['rice', 2000]],
      campaigns: [
        campaign('all9', { kind: 'percentOff' as const, discountPerMille: 900, exclusive: true }),
        { ...mj100, exclusive: true },
      ],
    },
    { gross: 11980, discount: 2000, payable: 9980, points: 0, growth: 0, applied: [['mj100', 2000]], rejected: [['all9', 'EXCLUSIVE_NOT_BEST']] },
  ],
  [
    'exclusive: 8折 beats 满100减20',
    {
      lines: [['rice', 2000]],
      campaigns: [
        campaign('all8', { kind: 'percentOff' as const, discountPerMille: 800, exclusive: true }),
        { ...mj100, exclusive: true },
      ],
    },
    { gross: 11980, discount: 2396, payable: 9584, points: 0, growth: 0, applied: [['all8', 2396]], rejected: [['mj100', 'EXCLUSIVE_NOT_BEST']] },
  ],
  [
    'exclusive tie goes to the higher priority',
    {
      lines: [['rice', 1000]],
      campaigns: [
        campaign('lowPrio', { kind: 'percentOff' as const, discountPerMille: 900, exclusive: true, priority: 1 }),
        campaign('highPrio', { kind: 'percentOff' as const, discountPerMille: 900, exclusive: true, priority: 5 }),
      ],
    },
    { gross: 5990, discount: 599, payable: 5391, points: 0, growth: 0, applied: [['highPrio', 599]], rejected: [['lowPrio', 'EXCLUSIVE_NOT_BEST']] },
  ],
  [
    'exclusive plus stackable: the stackable still applies',
    {
      lines: [['cola', 2000], ['rice', 2000]],
      campaigns: [
        drinks8,
        campaign('half2', { kind: 'nthItem' as const, n: 2, discountPerMille: 500, scope: { skus: ['cola'] }, exclusive: true }),
        campaign('rice9', { kind: 'percentOff' as const, discountPerMille: 900, scope: { skus: ['rice'] }, exclusive: true }),
      ],
    },
    // drinks8: colas 700 → 560; half2: 560 × 500 / 2000 = 140; rice9: 11980 → 10782 (1198). rice9 wins.
    { gross: 12680, discount: 1338, payable: 11342, points: 0, growth: 0, rejected: [['half2', 'EXCLUSIVE_NOT_BEST']] },
  ],
  [
    'no exclusive campaign when each would push 满减 below its threshold',
    {
      lines: [['rice', 2000]],
      campaigns: [
        campaign('all95x', { kind: 'percentOff' as const, discountPerMille: 950, exclusive: true }),
        campaign('mj115', { kind: 'spendThreshold' as const, thresholdFen: 11_500, offFen: 2_000 }),
      ],
    },
    // With 9.5折: 11381, below 115 yuan, no 满减. Without: 11980 − 2000 = 9980.
    { gross: 11980, discount: 2000, payable: 9980, points: 0, growth: 0, applied: [['mj115', 2000]], rejected: [['all95x', 'EXCLUSIVE_NOT_BEST']] },
  ],
  // Validity, store, member day and tier scope.
  [
    'expired campaign does nothing',
    { lines: [['rice', 1000]], campaigns: [{ ...drinks8, scope: { categories: [] }, validTo: '2026-11-25T09:59:59+08:00' }] },
    { gross: 5990, discount: 0, payable: 5990, points: 0, growth: 0 },
  ],
  [
    'campaign of another store does nothing',
    { lines: [['rice', 1000]], campaigns: [{ ...drinks8, scope: { categories: [] }, storeIds: [OTHER_STORE] }] },
    { gross: 5990, discount: 0, payable: 5990, points: 0, growth: 0 },
  ],
  [
    'campaign of this store applies',
    { lines: [['rice', 1000]], campaigns: [{ ...drinks8, scope: { categories: [] }, storeIds: [STORE] }] },
    { gross: 5990, discount: 1198, payable: 4792, points: 0, growth: 0 },
  ],
  [
    'Wednesday member day 9折 for a member',
    { lines: [['rice', 1000]], member: silver, campaigns: [campaign('wed', { kind: 'percentOff' as const, discountPerMille: 900, weekdays: [3], audience: 'members' as const })] },
    { gross: 5990, discount: 599, payable: 5391, points: 53, growth: 53 },
  ],
  [
    'member day is not for guests',
    { lines: [['rice', 1000]], campaigns: [campaign('wed', { kind: 'percentOff' as const, discountPerMille: 900, weekdays: [3], audience: 'members' as const })] },
    { gross: 5990, discount: 0, payable: 5990, points: 0, growth: 0 },
  ],
  [
    'Monday member day does nothing on a Wednesday',
    { lines: [['rice', 1000]], member: silver, campaigns: [campaign('mon', { kind: 'percentOff' as const, discountPerMille: 900, weekdays: [1] })] },
    { gross: 5990, discount: 0, payable: 5990, points: 59, growth: 59 },
  ],
  [
    'monthly member day on the 25th',
    { lines: [['rice', 1000]], member: silver, campaigns: [campaign('d25', { kind: 'percentOff' as const, discountPerMille: 900, monthDays: [25] })] },
    { gross: 5990, discount: 599, payable: 5391, points: 53, growth: 53 },
  ],
  [
    'member day follows the store offset, not the timestamp offset',
    {
      lines: [['rice', 1000]],
      member: silver,
      now: '2026-11-24T17:00:00Z',
      rules: { settings: { utcOffsetMinutes: 480 } },
      campaigns: [campaign('wed', { kind: 'percentOff' as const, discountPerMille: 900, weekdays: [3] })],
    },
    { gross: 5990, discount: 599, payable: 5391, points: 53, growth: 53 },
  ],
  [
    'gold-only campaign skips a silver member',
    { lines: [['rice', 1000]], member: silver, campaigns: [campaign('goldOnly', { kind: 'percentOff' as const, discountPerMille: 900, tierIds: ['gold'] })] },
    { gross: 5990, discount: 0, payable: 5990, points: 59, growth: 59 },
  ],
  [
    'gold-only campaign stacks on the gold tier discount',
    { lines: [['rice', 1000]], member: gold, campaigns: [campaign('goldOnly', { kind: 'percentOff' as const, discountPerMille: 900, tierIds: ['gold'] })] },
    { gross: 5990, discount: 868, payable: 5122, points: 76, growth: 51 },
  ],
  [
    'member-price campaign',
    { lines: [['rice', 1000]], member: silver, campaigns: [campaign('riceMp', { kind: 'memberPrice' as const, prices: [{ sku: 'rice', priceFen: 5000 }] })] },
    { gross: 5990, discount: 990, payable: 5000, points: 50, growth: 50, applied: [['riceMp', 990]] },
  ],
  [
    'lowest member price wins over the catalogue one',
    { lines: [['chips', 2000]], member: silver, campaigns: [campaign('chipsMp', { kind: 'memberPrice' as const, prices: [{ sku: 'chips', priceFen: 650 }] })] },
    { gross: 1600, discount: 300, payable: 1300, points: 13, growth: 13, applied: [['chipsMp', 300]] },
  ],
  // Points campaigns.
  [
    'double points day',
    { lines: [['rice', 1000]], member: silver, campaigns: [campaign('x2', { kind: 'pointsMultiplier' as const, multiplierPerMille: 2000, weekdays: [3] })] },
    { gross: 5990, discount: 0, payable: 5990, points: 119, growth: 59, applied: [['x2', 0]] },
  ],
  [
    'double points on drinks with an item multiplier, summed before the floor',
    {
      lines: [['tea', 1000], ['rice', 1000]],
      member: silver,
      campaigns: [campaign('x2drinks', { kind: 'pointsMultiplier' as const, multiplierPerMille: 2000, scope: { categories: ['drinks'] } })],
    },
    { gross: 7190, discount: 0, payable: 7190, points: 107, growth: 71 },
  ],
  [
    'birthday on the day: double points and 100 bonus points',
    {
      lines: [['rice', 1000]],
      member: member({ birthday: '1990-11-25' }),
      campaigns: [campaign('bday', { kind: 'birthday' as const, when: 'day' as const, multiplierPerMille: 2000, fixedPoints: 100 })],
    },
    { gross: 5990, discount: 0, payable: 5990, points: 219, growth: 59, bonusFixed: 100 },
  ],
  [
    'birthday month bonus',
    {
      lines: [['rice', 1000]],
      member: member({ birthday: '1990-11-03' }),
      campaigns: [campaign('bmonth', { kind: 'birthday' as const, when: 'month' as const, fixedPoints: 50 })],
    },
    { gross: 5990, discount: 0, payable: 5990, points: 109, growth: 59, bonusFixed: 50 },
  ],
  [
    'no birthday bonus outside the month',
    { lines: [['rice', 1000]], member: silver, campaigns: [campaign('bmonth', { kind: 'birthday' as const, when: 'month' as const, fixedPoints: 50 })] },
    { gross: 5990, discount: 0, payable: 5990, points: 59, growth: 59, bonusFixed: 0 },
  ],
  [
    '29 February birthday celebrated on 28 February in a common year',
    {
      lines: [['rice', 1000]],
      member: member({ birthday: '2000-02-29' }),
      now: '2027-02-28T10:00:00+08:00',
      campaigns: [campaign('bday', { kind: 'birthday' as const, fixedPoints: 100 })],
    },
    { gross: 5990, discount: 0, payable: 5990, points: 159, growth: 59, bonusFixed: 100 },
  ],
  [
    'huge earn rates take the BigInt path with the same rule',
    {
      lines: [['tea', 1000], ['rice', 1000]],
      member: silver,
      rules: { points: { earnPerYuanPerMille: 1_000_000 } },
      campaigns: [campaign('x1000', { kind: 'pointsMultiplier' as const, multiplierPerMille: 1_000_000, scope: { categories: ['drinks'] } })],
    },
    // tea: 12 yuan × 1000 × 2 (item) × 1000 (campaign) = 24,000,000; rice: 59.9 yuan × 1000 = 59,900.
    { gross: 7190, discount: 0, payable: 7190, points: 24_059_900, growth: 71, linePoints: [24_000_000, 59_900] },
  ],
  // Coupons.
  [
    'amount-off coupon over its threshold',
    { lines: [['rice', 1000]], coupons: [c500], presented: [{ couponId: 'k1', couponDefId: 'c500' }] },
    { gross: 5990, discount: 500, payable: 5490, points: 0, growth: 0, couponsAccepted: [['k1', 500]] },
  ],
  [
    'amount-off coupon below its threshold',
    { lines: [['cola', 2000]], coupons: [c500], presented: [{ couponId: 'k1', couponDefId: 'c500' }] },
    { gross: 700, discount: 0, payable: 700, points: 0, growth: 0, couponsRejected: [['k1', 'BELOW_THRESHOLD']] },
  ],
  [
    'percent-off coupon with a cap',
    { lines: [['rice', 2000]], coupons: [{ ...c10pct, capFen: 300 }], presented: [{ couponId: 'k2', couponDefId: 'c10pct' }] },
    { gross: 11980, discount: 300, payable: 11680, points: 0, growth: 0, couponsAccepted: [['k2', 300]] },
  ],
  [
    'percent-off coupon without a cap',
    { lines: [['rice', 1000]], coupons: [c10pct], presented: [{ couponId: 'k2', couponDefId: 'c10pct' }] },
    { gross: 5990, discount: 599, payable: 5391, points: 0, growth: 0, couponsAccepted: [['k2', 599]] },
  ],
  [
    'gift coupon makes one cola free',
    {
      lines: [['cola', 2000], ['rice', 1000]],
      coupons: [couponDef('giftCola', { kind: 'gift' as const, sku: 'cola', units: 1 })],
      presented: [{ couponId: 'k3', couponDefId: 'giftCola' }],
    },
    { gross: 6690, discount: 350, payable: 6340, points: 0, growth: 0, linePayable: [350, 5990], couponsAccepted: [['k3', 350]] },
  ],
  [
    'gift coupon without the gift in the basket',
    { lines: [['rice', 1000]], coupons: [couponDef('giftCola', { kind: 'gift' as const, sku: 'cola' })], presented: [{ couponId: 'k3', couponDefId: 'giftCola' }] },
    { gross: 5990, discount: 0, payable: 5990, points: 0, growth: 0, couponsRejected: [['k3', 'GIFT_ITEM_MISSING']] },
  ],
  [
    'one coupon per order: the more valuable one is used',
    {
      lines: [['rice', 1000]],
      coupons: [c500, c10pct],
      presented: [
        { couponId: 'k1', couponDefId: 'c500' },
        { couponId: 'k2', couponDefId: 'c10pct' },
      ],
    },
    { gross: 5990, discount: 599, payable: 5391, points: 0, growth: 0, couponsAccepted: [['k2', 599]], couponsRejected: [['k1', 'ONE_PER_ORDER']] },
  ],
  [
    'a stackable coupon combines with a non-stackable one',
    {
      lines: [['rice', 1000]],
      coupons: [c500, couponDef('s200', { kind: 'amountOff' as const, offFen: 200, stackable: true })],
      presented: [
        { couponId: 'k4', couponDefId: 's200' },
        { couponId: 'k1', couponDefId: 'c500' },
      ],
    },
    { gross: 5990, discount: 700, payable: 5290, points: 0, growth: 0, couponsAccepted: [['k1', 500], ['k4', 200]] },
  ],
  [
    'coupon rejections: expired, not yet valid, unknown, duplicate, other store, other tier',
    {
      lines: [['rice', 1000]],
      member: silver,
      coupons: [
        { ...c500, couponDefId: 'old', validTo: '2026-01-01T00:00:00+08:00' },
        { ...c500, couponDefId: 'future', validFrom: '2027-01-01T00:00:00+08:00' },
        { ...c500, couponDefId: 'elsewhere', storeIds: [OTHER_STORE] },
        { ...c500, couponDefId: 'goldOnly', tierIds: ['gold'] },
        { ...c500, couponDefId: 'ok', stackable: true },
      ],
      presented: [
        { couponId: 'a', couponDefId: 'old' },
        { couponId: 'b', couponDefId: 'future' },
        { couponId: 'c', couponDefId: 'nope' },
        { couponId: 'd', couponDefId: 'ok' },
        { couponId: 'd', couponDefId: 'ok' },
        { couponId: 'e', couponDefId: 'elsewhere' },
        { couponId: 'f', couponDefId: 'goldOnly' },
      ],
    },
    {
      gross: 5990,
      discount: 500,
      payable: 5490,
      points: 54,
      growth: 54,
      couponsAccepted: [['d', 500]],
      couponsRejected: [
        ['a', 'EXPIRED'],
        ['b', 'NOT_YET_VALID'],
        ['c', 'UNKNOWN_DEFINITION'],
        ['d', 'DUPLICATE'],
        ['e', 'STORE_SCOPE'],
        ['f', 'TIER_SCOPE'],
      ],
    },
  ],
  [
    'coupon scoped to a category',
    {
      lines: [['cola', 2000], ['rice', 1000]],
      coupons: [couponDef('drinks3', { kind: 'amountOff' as const, offFen: 300, scope: { categories: ['drinks'] } })],
      presented: [{ couponId: 'k5', couponDefId: 'drinks3' }],
    },
    { gross: 6690, discount: 300, payable: 6390, points: 0, growth: 0, linePayable: [400, 5990] },
  ],
  [
    'coupon on a noDiscount-only basket',
    { lines: [['fuel92', 10_000]], coupons: [couponDef('any', { kind: 'amountOff' as const, offFen: 300 })], presented: [{ couponId: 'k6', couponDefId: 'any' }] },
    { gross: 7890, discount: 0, payable: 7890, points: 0, growth: 0, couponsRejected: [['k6', 'NO_ELIGIBLE_ITEMS']] },
  ],
  // Points as cash.
  [
    '300 points pay 3 yuan from the first-expiring lot',
    { lines: [['rice', 1000]], member: silver, pointsToRedeem: 300 },
    { gross: 5990, discount: 0, pointsCash: 300, payable: 5690, points: 56, growth: 56, pointsSpent: 300, lots: [['A', 300]] },
  ],
  [
    'max points: every unexpired lot, expired lot untouched',
    { lines: [['rice', 1000]], member: silver, pointsToRedeem: 'max' },
    { gross: 5990, discount: 0, pointsCash: 1000, payable: 4990, points: 49, growth: 49, pointsSpent: 1000, lots: [['A', 300], ['B', 500], ['C', 200]] },
  ],
  [
    'points as cash capped at half the order',
    { lines: [['cola', 2000]], member: silver, pointsToRedeem: 'max' },
    { gross: 700, discount: 0, pointsCash: 350, payable: 350, points: 3, growth: 3, pointsSpent: 350, lots: [['A', 300], ['B', 50]] },
  ],
  [
    'points-as-cash part earns when not excluded',
    { lines: [['rice', 1000]], member: silver, pointsToRedeem: 300, rules: { points: { excludePointsCash: false, pointsCash: { enabled: true } } } },
    { gross: 5990, discount: 0, pointsCash: 300, payable: 5690, points: 59, growth: 56, pointsSpent: 300 },
  ],
  [
    '150 points a yuan: 250 points buy 1.66 yuan for 249 points',
    { lines: [['rice', 1000]], member: silver, pointsToRedeem: 250, rules: { points: { pointsCash: { enabled: true, pointsPerYuan: 150 } } } },
    { gross: 5990, discount: 0, pointsCash: 166, payable: 5824, points: 58, growth: 58, pointsSpent: 249, lots: [['A', 249]] },
  ],
  // 抹零.
  ['抹零 to the jiao', { lines: [['beef', 1234]], rules: { settings: { rounding: 'jiao' } } }, { gross: 10859, discount: 0, rounding: 9, payable: 10850, points: 0, growth: 0 }],
  ['抹零 to the yuan', { lines: [['beef', 1234]], rules: { settings: { rounding: 'yuan' } } }, { gross: 10859, discount: 0, rounding: 59, payable: 10800, points: 0, growth: 0 }],
  [
    'store setting overrides the rule set rounding',
    { lines: [['beef', 1234]], rules: { settings: { rounding: 'jiao' } }, roundingMode: 'none' },
    { gross: 10859, discount: 0, rounding: 0, payable: 10859, points: 0, growth: 0 },
  ],
  [
    '抹零 allocated to lines by largest remainder',
    { lines: [['cola', 1000], ['beef', 1234]], rules: { settings: { rounding: 'jiao' } } },
    { gross: 11209, discount: 0, rounding: 9, payable: 11200, points: 0, growth: 0, linePayable: [350, 10850] },
  ],
  // Tenders and stored value.
  [
    'stored value pays all from principal',
    { lines: [['rice', 1000]], member: silver, tenders: [{ kind: 'storedValue' }] },
    { gross: 5990, discount: 0, payable: 5990, points: 59, growth: 59, tenders: [{ kind: 'storedValue', amountFen: 5990, principalFen: 5990, bonusFen: 0 }], due: 0 },
  ],
  [
    'principal first, then bonus, then cash with change',
    {
      lines: [['rice', 1000]],
      member: member({ storedValue: { principalFen: 3000, bonusFen: 2000 } }),
      tenders: [{ kind: 'storedValue' }, { kind: 'cash', amountFen: 1000 }],
    },
    {
      gross: 5990,
      discount: 0,
      payable: 5990,
      points: 59,
      growth: 59,
      tenders: [
        { kind: 'storedValue', amountFen: 5000, principalFen: 3000, bonusFen: 2000 },
        { kind: 'cash', amountFen: 1000, changeFen: 10 },
      ],
      due: 0,
      change: 10,
    },
  ],
  [
    'bonus first',
    {
      lines: [['rice', 1000]],
      member: member({ storedValue: { principalFen: 3000, bonusFen: 2000 } }),
      rules: { settings: { storedValueOrder: 'bonusFirst' } },
      tenders: [{ kind: 'storedValue', amountFen: 4000 }, { kind: 'wechat' }],
    },
    {
      gross: 5990,
      discount: 0,
      payable: 5990,
      points: 59,
      growth: 59,
      tenders: [
        { kind: 'storedValue', amountFen: 4000, principalFen: 2000, bonusFen: 2000 },
        { kind: 'wechat', amountFen: 1990 },
      ],
      due: 0,
    },
  ],
  [
    'stored-value part excluded from the earn base',
    {
      lines: [['rice', 1000]],
      member: silver,
      rules: { points: { excludeStoredValue: true, pointsCash: { enabled: true } } },
      tenders: [{ kind: 'storedValue', amountFen: 3000 }, { kind: 'cash', amountFen: 2990 }],
    },
    { gross: 5990, discount: 0, payable: 5990, points: 29, growth: 59, due: 0 },
  ],
  [
    'cash change',
    { lines: [['cola', 1000]], tenders: [{ kind: 'cash', amountFen: 1000 }] },
    { gross: 350, discount: 0, payable: 350, points: 0, growth: 0, tenders: [{ kind: 'cash', amountFen: 1000, changeFen: 650 }], due: 0, change: 650 },
  ],
  [
    'partial tender leaves an amount due',
    { lines: [['rice', 1000]], tenders: [{ kind: 'alipay', amountFen: 2000 }] },
    { gross: 5990, discount: 0, payable: 5990, points: 0, growth: 0, due: 3990 },
  ],
  [
    'lost card: discounts stay, no points, no growth',
    { lines: [['rice', 1000]], member: member({ tierId: 'gold', card: { cardNo: '8800001234', cardTypeId: 'standard', status: 'lost' } }) },
    { gross: 5990, discount: 299, payable: 5691, points: 0, growth: 0 },
  ],
  [
    'frozen card earns nothing on double points day',
    {
      lines: [['rice', 1000]],
      member: member({ card: { cardNo: '8800001234', cardTypeId: 'standard', status: 'frozen' } }),
      campaigns: [campaign('x2', { kind: 'pointsMultiplier' as const, multiplierPerMille: 2000 })],
    },
    { gross: 5990, discount: 0, payable: 5990, points: 0, growth: 0 },
  ],
  [
    'member identified without a card pays with stored value',
    { lines: [['cola', 1000]], member: member({ card: null }), tenders: [{ kind: 'storedValue' }] },
    { gross: 350, discount: 0, payable: 350, points: 3, growth: 3, due: 0 },
  ],
  // Combinations.
  [
    'member day + 满减 + coupon + points as cash + mixed tender + 抹零 (gold member)',
    {
      lines: [['rice', 2000], ['cola', 3000], ['fuel92', 10_000]],
      member: member({ tierId: 'gold', storedValue: { principalFen: 5000, bonusFen: 1000 } }),
      campaigns: [campaign('wed', { kind: 'percentOff' as const, discountPerMille: 900, weekdays: [3], audience: 'members' as const }), mj100],
      coupons: [c500],
      presented: [{ couponId: 'k1', couponDefId: 'c500' }],
      pointsToRedeem: 500,
      rules: { settings: { rounding: 'jiao' } },
      tenders: [{ kind: 'storedValue' }, { kind: 'cash', amountFen: 20_000 }],
    },
    // rice 11980 → 11381 (tier 599) → 10243 (9折 1138); cola 1050 → 998 (52) → 898 (100); fuel 7890 untouched.
    // 满100减20 on 11141: rice 1839, cola 161. Coupon 500 on 9141: rice 460, cola 40.
    // 500 points = 5 yuan over 7944 / 697 / 7890: 240, 21, 239. 16031 → 抹零 1 (to rice).
    // Earn: floor(16030 × 1.5 / 100) = 240; growth floor(160.30) = 160.
    {
      gross: 20920,
      discount: 4389,
      pointsCash: 500,
      rounding: 1,
      payable: 16030,
      points: 240,
      growth: 160,
      linePayable: [7703, 676, 7651],
      applied: [['wed', 1238], ['mj100', 2000]],
      couponsAccepted: [['k1', 500]],
      pointsSpent: 500,
      lots: [['A', 300], ['B', 200]],
      tenders: [
        { kind: 'storedValue', amountFen: 6000, principalFen: 5000, bonusFen: 1000 },
        { kind: 'cash', amountFen: 20_000, changeFen: 9970 },
      ],
      due: 0,
      change: 9970,
    },
  ],
  [
    'bundle + 满减 + stackable coupons for a guest with 抹零 to the yuan',
    {
      lines: [['burger', 3000], ['fries', 2000], ['cola', 1000]],
      campaigns: [
        campaign('meal', { kind: 'bundle' as const, items: [{ sku: 'burger', units: 1 }, { sku: 'fries', units: 1 }], priceFen: 2500 }),
        campaign('mj50', { kind: 'spendThreshold' as const, thresholdFen: 5000, offFen: 500 }),
      ],
      coupons: [couponDef('s100', { kind: 'amountOff' as const, offFen: 100, stackable: true })],
      presented: [{ couponId: 'q1', couponDefId: 's100' }],
      rules: { settings: { rounding: 'yuan' } },
    },
    // bundles 2: value 4000 + 2000 = 6000 → 5000, discount 1000 (burger 667, fries 333).
    // nets 5333 / 1667 / 350 = 7350; 满50减5: 363, 113, 24 → 4970 / 1554 / 326; coupon 100: 72, 23, 5 → 6750;
    // 抹零 50: 36, 11, 3.
    { gross: 8350, discount: 1600, rounding: 50, payable: 6700, points: 0, growth: 0, linePayable: [4862, 1520, 318] },
  ],
];

describe('price(): table of scenarios', () => {
  it('has at least 60 scenarios', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(60);
  });

  it.each(scenarios)('%s', (_name, spec, want) => {
    const result = price(input(spec));
    const t = result.totals;
    expect({
      gross: t.grossFen,
      discount: t.discountFen,
      payable: t.payableFen,
      pointsCash: t.pointsCashFen,
      rounding: t.roundingFen,
      points: result.points.earned,
      growth: result.growth.earned,
    }).toEqual({
      gross: want.gross,
      discount: want.discount,
      payable: want.payable,
      pointsCash: want.pointsCash ?? 0,
      rounding: want.rounding ?? 0,
      points: want.points,
      growth: want.growth,
    });
    expect(t.payableFen).toBe(t.grossFen - t.discountFen - t.pointsCashFen - t.roundingFen);
    if (want.linePayable) expect(result.lines.map((l) => l.payableFen)).toEqual(want.linePayable);
    if (want.linePoints) expect(result.lines.map((l) => l.pointsEarned)).toEqual(want.linePoints);
    if (want.applied) {
      expect(result.campaigns.applied.map((a) => [a.campaignId, a.amountFen])).toEqual(want.applied);
    }
    if (want.rejected) expect(result.campaigns.rejected.map((r) => [r.id, r.reason])).toEqual(want.rejected);
    if (want.couponsAccepted) expect(result.coupons.accepted.map((c) => [c.couponId, c.amountFen])).toEqual(want.couponsAccepted);
    if (want.couponsRejected) expect(result.coupons.rejected.map((c) => [c.id, c.reason])).toEqual(want.couponsRejected);
    if (want.pointsSpent !== undefined) expect(result.points.spent).toBe(want.pointsSpent);
    if (want.lots) expect(result.points.lotsConsumed.map((l) => [l.lotId, l.points])).toEqual(want.lots);
    if (want.bonusFixed !== undefined) expect(result.points.bonusFixed).toBe(want.bonusFixed);
    if (want.tenders) expect(result.payment.tenders).toEqual(want.tenders.map((t) => expect.objectContaining(t)));
    if (want.due !== undefined) expect(result.payment.dueFen).toBe(want.due);
    expect(result.payment.changeFen).toBe(want.change ?? 0);
    // Line allocations always add up to the order figures.
    const lineSum = (f: (l: (typeof result.lines)[number]) => number) => result.lines.reduce((s, l) => s + f(l), 0);
    expect(lineSum((l) => l.payableFen)).toBe(t.payableFen);
    expect(lineSum((l) => l.pointsEarned)).toBe(result.points.earned);
    expect(lineSum((l) => l.growthEarned)).toBe(result.growth.earned);
    expect(lineSum((l) => l.pointsSpent)).toBe(result.points.spent);
  });
});
