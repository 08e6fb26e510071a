// Tiers and growth value: evaluateTier() moves a member to the tier their growth reaches
// (upgrades at once; downgrades only in periodic evaluation), behaviourGrowth() scores
// sign-ins and reviews.
import { EngineError } from './engine-error.js';
import type { RuleSet, Tier } from './rule-set.js';

export interface TierEvaluation {
  tierId: string | null;
  previousTierId: string | null;
  change: 'upgrade' | 'downgrade' | 'none';
}

/**
 * The target tier is the one with the highest threshold at or below `growth` (ties: the later
 * one listed). `upgrade` mode (after a sale) only ever moves up; `periodic` mode (the scheduled
 * evaluation) moves to the target, which may be lower. Growth below zero (after a negative
 * RFM delta) counts as zero, so the entry tier at threshold 0 is a floor.
 */
export function evaluateTier(input: {
  growth: number;
  currentTierId: string | null;
  tiers: readonly Tier[];
  mode: 'upgrade' | 'periodic';
}): TierEvaluation {
  const ranked = input.tiers.map((tier, index) => ({ tier, index })).sort((a, b) => a.tier.growthThreshold - b.tier.growthThreshold || a.index - b.index);
  const rankOf = (tierId: string | null): number => {
    if (tierId === null) return -1;
    const r = ranked.findIndex((t) => t.tier.tierId === tierId);
    if (r < 0) throw new EngineError('UNKNOWN_TIER', { zh: `会员等级不存在：${tierId}`, en: `unknown tier ${tierId}` }, 'currentTierId');
    return r;
  };
  const current = rankOf(input.currentTierId);
  const growth = Math.max(0, input.growth);
  let target = -1;
  ranked.forEach((t, r) => {
    if (t.tier.growthThreshold <= growth) target = r;
  });
  const next = input.mode === 'upgrade' ? Math.max(current, target) : target;
  const tierId = next < 0 ? null : ranked[next]!.tier.tierId;
  return {
    tierId,
    previousTierId: input.currentTierId,
    change: next > current ? 'upgrade' : next < current ? 'downgrade' : 'none',
  };
}

export type BehaviourEvent = { kind: 'signIn' } | { kind: 'review'; orderPaidFen: number };

/** Growth for a behaviour: a daily sign-in, or a review of an order paid at or over the minimum. */
export function behaviourGrowth(rules: RuleSet, event: BehaviourEvent): number {
  if (event.kind === 'signIn') return rules.growth.signInGrowth;
  return event.orderPaidFen >= rules.growth.reviewMinPaidFen ? rules.growth.reviewGrowth : 0;
}
