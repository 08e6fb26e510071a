// Recharge plans, tier evaluation, behaviour growth and RFM, table-driven with exact values.
import { behaviourGrowth, evaluateTier, MemberContext, planRecharge, RfmConfig, rfm, RuleSet, Tier, type RfmTransaction } from '@pos/engine';
import { describe, expect, it } from 'vitest';
import { baseRules, member, NOW, OTHER_STORE, STORE, TIERS } from './fixtures.js';

const name = { zh: '方案', en: 'Plan' };
const rules = RuleSet.parse({
  ...baseRules(),
  rechargePlans: [
    { planId: 'p100', name, mode: 'tiered', steps: [{ minPaidFen: 10_000, bonusFen: 2_000 }, { minPaidFen: 50_000, bonusFen: 15_000, bonusPoints: 500 }] },
    { planId: 'each100', name, mode: 'repeat', steps: [{ minPaidFen: 10_000, bonusFen: 1_000 }], maxTimes: 5 },
    { planId: 'old', name, validTo: '2026-01-01T00:00:00+08:00', steps: [{ minPaidFen: 100, bonusFen: 99_999 }] },
    { planId: 'elsewhere', name, storeIds: [OTHER_STORE], steps: [{ minPaidFen: 100, bonusFen: 99_999 }] },
  ],
});

describe('planRecharge()', () => {
  it.each([
    ['充100送20', 10_000, 'p100', { planId: 'p100', bonusFen: 2_000, bonusPoints: 0 }],
    ['highest step reached', 60_000, 'p100', { planId: 'p100', bonusFen: 15_000, bonusPoints: 500 }],
    ['below the first step', 9_999, 'p100', { planId: 'p100', bonusFen: 0, bonusPoints: 0 }],
    ['每充100送10, three times', 35_000, 'each100', { planId: 'each100', bonusFen: 3_000, bonusPoints: 0 }],
    ['每充 capped at maxTimes', 80_000, 'each100', { planId: 'each100', bonusFen: 5_000, bonusPoints: 0 }],
    ['best live plan chosen (expired and other-store plans skipped)', 60_000, undefined, { planId: 'p100', bonusFen: 15_000, bonusPoints: 500 }],
    ['tie keeps the first plan listed', 20_000, undefined, { planId: 'p100', bonusFen: 2_000, bonusPoints: 0 }],
    ['repeat plan wins when it gives more', 40_000, undefined, { planId: 'each100', bonusFen: 4_000, bonusPoints: 0 }],
    ['no plan applies', 5_000, undefined, { planId: null, bonusFen: 0, bonusPoints: 0 }],
  ] as const)('%s', (_n, paidFen, planId, want) => {
    const result = planRecharge({ now: NOW, storeId: STORE, rules, paidFen, ...(planId ? { planId } : {}) });
    expect(result).toEqual({ paidFen, principalFen: paidFen, ...want });
  });

  it.each([
    ['unknown plan', { planId: 'nope', paidFen: 10_000 }, 'UNKNOWN_PLAN', 'planId'],
    ['expired plan', { planId: 'old', paidFen: 10_000 }, 'PLAN_NOT_APPLICABLE', 'planId'],
    ['zero amount', { paidFen: 0 }, 'INVALID_INPUT', 'paidFen'],
    [
      'lost card',
      { paidFen: 10_000, member: member({ card: { cardNo: '8800001234', cardTypeId: 'standard', status: 'lost' } }) },
      'CARD_NOT_USABLE',
      'member.card.status',
    ],
  ])('refuses: %s', (_n, extra, code, field) => {
    const call = () =>
      planRecharge({
        now: NOW,
        storeId: STORE,
        rules,
        paidFen: extra.paidFen,
        ...('planId' in extra ? { planId: extra.planId } : {}),
        ...('member' in extra ? { member: MemberContext.parse(extra.member) } : {}),
      });
    expect(call).toThrow(expect.objectContaining({ code, field }));
  });
});

describe('evaluateTier()', () => {
  const tiers = TIERS.map((t) => Tier.parse(t));
  it.each([
    ['upgrade at once', 1_200, 'silver', 'upgrade', { tierId: 'gold', change: 'upgrade' }],
    ['a sale never downgrades', 800, 'gold', 'upgrade', { tierId: 'gold', change: 'none' }],
    ['periodic evaluation downgrades', 800, 'gold', 'periodic', { tierId: 'silver', change: 'downgrade' }],
    ['threshold reached exactly', 5_000, 'gold', 'upgrade', { tierId: 'diamond', change: 'upgrade' }],
    ['new member to the top', 6_000, null, 'periodic', { tierId: 'diamond', change: 'upgrade' }],
    ['negative growth after an RFM delta', -30, 'silver', 'periodic', { tierId: 'silver', change: 'none' }],
  ] as const)('%s', (_n, growth, currentTierId, mode, want) => {
    expect(evaluateTier({ growth, currentTierId, tiers, mode })).toEqual({ ...want, previousTierId: currentTierId });
  });

  it('no tier reached below the lowest threshold', () => {
    const high = tiers.map((t) => ({ ...t, growthThreshold: t.growthThreshold + 100 }));
    expect(evaluateTier({ growth: 50, currentTierId: 'silver', tiers: high, mode: 'periodic' })).toEqual({
      tierId: null,
      previousTierId: 'silver',
      change: 'downgrade',
    });
  });

  it('refuses an unknown current tier', () => {
    expect(() => evaluateTier({ growth: 0, currentTierId: 'platinum', tiers, mode: 'upgrade' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_TIER' }));
  });
});

describe('behaviourGrowth()', () => {
  it.each([
    [{ kind: 'signIn' as const }, 5],
    [{ kind: 'review' as const, orderPaidFen: 5_000 }, 20],
    [{ kind: 'review' as const, orderPaidFen: 4_999 }, 0],
  ])('%o earns %i', (event, growth) => {
    expect(behaviourGrowth(rules, event)).toBe(growth);
  });
});

/** `count` purchases of `amountFen` on consecutive days ending on `lastDate`. */
function purchases(memberId: string, lastDate: string, count: number, amountFen: number): RfmTransaction[] {
  const last = Date.parse(`${lastDate}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => ({
    memberId,
    businessDate: new Date(last - i * 86_400_000).toISOString().slice(0, 10),
    amountFen,
  }));
}

describe('rfm()', () => {
  const thresholds = RfmConfig.parse({
    scoring: { mode: 'thresholds', r: [7, 30, 90, 180], f: [2, 4, 8, 16], m: [10_000, 50_000, 100_000, 500_000] },
    growthDelta: { importantValue: 100, generalWinBack: -50 },
  });
  // Recent: last purchase on the as-of date (R 5); lapsed: 328 days before (R 1).
  // Frequent: 16 purchases (F 5), rare: 1 (F 1). Big: 500,000 fen in total (M 5), small: under 10,000 (M 1).
  const data: RfmTransaction[] = [
    ...purchases('m1', '2026-11-25', 16, 31_250),
    ...purchases('m2', '2026-11-25', 1, 500_000),
    ...purchases('m3', '2026-01-01', 16, 31_250),
    ...purchases('m4', '2026-01-01', 1, 500_000),
    ...purchases('m5', '2026-11-25', 16, 100),
    ...purchases('m6', '2026-11-25', 1, 100),
    ...purchases('m7', '2026-01-01', 16, 100),
    ...purchases('m8', '2026-01-01', 1, 100),
    { memberId: 'm8', businessDate: '2026-11-26', amountFen: 999_999 },
  ];

  it('scores by merchant thresholds and assigns all eight segments', () => {
    const result = rfm(data, '2026-11-25', thresholds);
    expect(result.map((r) => [r.memberId, r.recencyDays, r.frequency, r.monetaryFen, `${r.rScore}${r.fScore}${r.mScore}`, r.segment, r.segmentName.zh, r.growthDelta])).toEqual([
      ['m1', 0, 16, 500_000, '555', 'importantValue', '重要价值', 100],
      ['m2', 0, 1, 500_000, '515', 'importantDevelop', '重要发展', 0],
      ['m3', 328, 16, 500_000, '155', 'importantRetain', '重要保持', 0],
      ['m4', 328, 1, 500_000, '115', 'importantWinBack', '重要挽留', 0],
      ['m5', 0, 16, 1_600, '551', 'generalValue', '一般价值', 0],
      ['m6', 0, 1, 100, '511', 'generalDevelop', '一般发展', 0],
      ['m7', 328, 16, 1_600, '151', 'generalRetain', '一般保持', 0],
      ['m8', 328, 1, 100, '111', 'generalWinBack', '一般挽留', -50],
    ]);
  });

  it('scores by quintiles, equal values sharing a score', () => {
    const tx: RfmTransaction[] = [
      ...purchases('a', '2026-11-25', 1, 1_000),
      ...purchases('b', '2026-11-20', 2, 2_000),
      ...purchases('c', '2026-11-10', 3, 2_000),
      ...purchases('d', '2026-10-01', 4, 4_000),
      ...purchases('e', '2026-06-01', 5, 5_000),
    ];
    const result = rfm(tx, '2026-11-25', RfmConfig.parse({ scoring: { mode: 'quintile' } }));
    expect(result.map((r) => [r.memberId, r.rScore, r.fScore, r.mScore])).toEqual([
      ['a', 5, 1, 1],
      ['b', 4, 2, 2],
      ['c', 3, 3, 3],
      ['d', 2, 4, 4],
      ['e', 1, 5, 5],
    ]);
    // m: b sums 4,000, c 6,000 … check the tie rule with two equal sums instead.
    const tied = rfm([...purchases('x', '2026-11-25', 1, 500), ...purchases('y', '2026-11-25', 1, 500)], '2026-11-25', RfmConfig.parse({ scoring: { mode: 'quintile' } }));
    expect(tied.map((r) => [r.rScore, r.fScore, r.mScore, r.segment])).toEqual([
      [1, 1, 1, 'importantValue'],
      [1, 1, 1, 'importantValue'],
    ]);
  });

  it('raises the churn signal when this period’s frequency drops by more than the share', () => {
    const config = RfmConfig.parse({ scoring: { mode: 'quintile' }, periodDays: 90, churnDropPerMille: 500 });
    const tx: RfmTransaction[] = [
      // previous period (2026-05-29, 2026-08-27]: 4; this period: 1 → drop 750 ‰ > 500 ‰.
      ...purchases('drop', '2026-08-27', 4, 1_000),
      ...purchases('drop', '2026-11-01', 1, 1_000),
      // 2 → 1 is a drop of exactly 500 ‰: not more than the share.
      ...purchases('half', '2026-08-20', 2, 1_000),
      ...purchases('half', '2026-11-01', 1, 1_000),
      // nothing before: no signal.
      ...purchases('new', '2026-11-01', 1, 1_000),
    ];
    expect(rfm(tx, '2026-11-25', config).map((r) => [r.memberId, r.frequencyPreviousPeriod, r.frequencyThisPeriod, r.churn])).toEqual([
      ['drop', 4, 1, true],
      ['half', 2, 1, false],
      ['new', 0, 1, false],
    ]);
  });
});
