// Shared fixtures for the engine suites: a small catalogue, three tiers, a member, and a
// builder that fills in a PriceInput from the parts a scenario cares about.
import { PriceInput, type PriceInputJson, type RuleSetInput } from '@pos/engine';

export const STORE = '0000000000000000000000000S';
export const OTHER_STORE = '0000000000000000000000000T';
export const MEMBER_ID = '0000000000000000000000000M';
/** A Wednesday, the 25th, in Shanghai. */
export const NOW = '2026-11-25T10:00:00+08:00';
export const WINDOW = { validFrom: '2020-01-01T00:00:00+08:00', validTo: '2030-01-01T00:00:00+08:00' };

const name = (zh: string, en: string) => ({ zh, en });

export const CATALOGUE = [
  { sku: 'cola', name: name('可乐', 'Cola'), unitPriceFen: 350, category: 'drinks' },
  { sku: 'chips', name: name('薯片', 'Chips'), unitPriceFen: 800, category: 'snacks', memberPriceFen: 700 },
  { sku: 'rice', name: name('大米', 'Rice'), unitPriceFen: 5990, category: 'grocery' },
  { sku: 'beef', name: name('牛肉', 'Beef'), unitPriceFen: 8800, unit: 'kg' as const, category: 'meat' },
  { sku: 'fuel92', name: name('92号汽油', 'Petrol 92'), unitPriceFen: 789, unit: 'litre' as const, category: 'fuel', noDiscount: true },
  { sku: 'cig', name: name('香烟', 'Cigarettes'), unitPriceFen: 2500, category: 'tobacco', noDiscount: true, noPoints: true },
  { sku: 'tea', name: name('茶饮', 'Tea'), unitPriceFen: 1200, category: 'drinks', pointsMultiplierPerMille: 2000 },
  { sku: 'burger', name: name('汉堡', 'Burger'), unitPriceFen: 2000, category: 'food' },
  { sku: 'fries', name: name('薯条', 'Fries'), unitPriceFen: 1000, category: 'food' },
];

export const TIERS = [
  { tierId: 'silver', name: name('银卡', 'Silver'), growthThreshold: 0, discountPerMille: 1000, pointsRatePerMille: 1000 },
  { tierId: 'gold', name: name('金卡', 'Gold'), growthThreshold: 1000, discountPerMille: 950, pointsRatePerMille: 1500 },
  { tierId: 'diamond', name: name('钻石卡', 'Diamond'), growthThreshold: 5000, discountPerMille: 900, pointsRatePerMille: 2000 },
];

export function baseRules(): RuleSetInput {
  return {
    version: 1,
    tiers: TIERS,
    points: { earnPerYuanPerMille: 1000, pointsCash: { enabled: true, pointsPerYuan: 100, maxSharePerMille: 500 } },
    growth: { perYuanPerMille: 1000, signInGrowth: 5, reviewGrowth: 20, reviewMinPaidFen: 5000 },
  };
}

export type MemberJson = NonNullable<PriceInputJson['member']>;

export function member(overrides: Partial<MemberJson> = {}): MemberJson {
  return {
    memberId: MEMBER_ID,
    tierId: 'silver',
    birthday: '1990-03-15',
    card: { cardNo: '8800001234', cardTypeId: 'standard', status: 'active' },
    storedValue: { principalFen: 10_000, bonusFen: 2_000 },
    pointsLots: [
      { lotId: 'A', points: 300, expiresOn: '2026-11-30' },
      { lotId: 'B', points: 500, expiresOn: '2027-06-30' },
      { lotId: 'C', points: 200, expiresOn: null },
      { lotId: 'X', points: 999, expiresOn: '2026-11-24' },
    ],
    growth: 0,
    ...overrides,
  };
}

export type LineSpec = [sku: string, quantityMilli: number];

export interface InputSpec {
  lines: LineSpec[];
  member?: MemberJson | null;
  campaigns?: NonNullable<RuleSetInput['campaigns']>;
  coupons?: NonNullable<RuleSetInput['coupons']>;
  presented?: PriceInputJson['coupons'];
  rules?: Partial<RuleSetInput>;
  pointsToRedeem?: PriceInputJson['pointsToRedeem'];
  tenders?: PriceInputJson['tenders'];
  now?: string;
  roundingMode?: PriceInputJson['roundingMode'];
}

export function inputJson(spec: InputSpec): PriceInputJson {
  const json: PriceInputJson = {
    now: spec.now ?? NOW,
    storeId: STORE,
    rules: {
      ...baseRules(),
      ...spec.rules,
      campaigns: spec.campaigns ?? [],
      coupons: spec.coupons ?? [],
    },
    catalogue: CATALOGUE,
    member: spec.member === undefined ? null : spec.member,
    basket: { lines: spec.lines.map(([sku, quantityMilli], i) => ({ lineNo: i + 1, sku, quantityMilli })) },
    coupons: spec.presented ?? [],
    pointsToRedeem: spec.pointsToRedeem ?? 0,
    tenders: spec.tenders ?? [],
  };
  if (spec.roundingMode) json.roundingMode = spec.roundingMode;
  return json;
}

export function input(spec: InputSpec): PriceInput {
  return PriceInput.parse(inputJson(spec));
}

/** Campaign helper: fills id, name and an always-open window. */
export function campaign<T extends Record<string, unknown>>(campaignId: string, fields: T) {
  return { campaignId, name: name(`活动${campaignId}`, `Campaign ${campaignId}`), ...WINDOW, ...fields };
}

export function couponDef<T extends Record<string, unknown>>(couponDefId: string, fields: T) {
  return { couponDefId, name: name(`券${couponDefId}`, `Coupon ${couponDefId}`), ...WINDOW, ...fields };
}
