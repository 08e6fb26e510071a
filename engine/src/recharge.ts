// planRecharge(): what a stored-value top-up credits: the amount paid as principal, and the
// bonus (and bonus points) of the recharge plan, e.g. 充100送20.
import { EngineError } from './engine-error.js';
import { instantOf } from './local-time.js';
import type { MemberContext } from './price-input.js';
import type { RechargePlan, RuleSet } from './rule-set.js';

export interface RechargeInput {
  now: string;
  storeId: string;
  rules: RuleSet;
  paidFen: number;
  member?: MemberContext | null;
  /** A plan the customer chose; absent: the live plan that gives the most bonus. */
  planId?: string;
}

export interface RechargePlanResult {
  planId: string | null;
  paidFen: number;
  principalFen: number;
  bonusFen: number;
  bonusPoints: number;
}

export function planRecharge(input: RechargeInput): RechargePlanResult {
  if (!Number.isSafeInteger(input.paidFen) || input.paidFen <= 0) {
    throw new EngineError('INVALID_INPUT', { zh: '充值金额必须为正整数分', en: 'paidFen must be a positive integer' }, 'paidFen');
  }
  const card = input.member?.card;
  if (card && card.status !== 'active') {
    throw new EngineError(
      'CARD_NOT_USABLE',
      { zh: `会员卡状态为 ${card.status}，不能充值`, en: `the member card is ${card.status} and cannot be recharged` },
      'member.card.status',
    );
  }
  const none: RechargePlanResult = { planId: null, paidFen: input.paidFen, principalFen: input.paidFen, bonusFen: 0, bonusPoints: 0 };
  const nowMs = instantOf(input.now, 'now');
  const live = (p: RechargePlan) =>
    (p.validFrom === undefined || nowMs >= instantOf(p.validFrom, `plan ${p.planId}.validFrom`)) &&
    (p.validTo === undefined || nowMs < instantOf(p.validTo, `plan ${p.planId}.validTo`)) &&
    (p.storeIds.length === 0 || p.storeIds.includes(input.storeId));
  if (input.planId !== undefined) {
    const plan = input.rules.rechargePlans.find((p) => p.planId === input.planId);
    if (!plan) throw new EngineError('UNKNOWN_PLAN', { zh: `充值方案不存在：${input.planId}`, en: `unknown recharge plan ${input.planId}` }, 'planId');
    if (!live(plan)) {
      throw new EngineError('PLAN_NOT_APPLICABLE', { zh: '充值方案不在有效期或不适用本店', en: 'the recharge plan is not valid now or here' }, 'planId');
    }
    return { ...none, ...bonusOf(plan, input.paidFen), planId: plan.planId };
  }
  let best = none;
  for (const plan of input.rules.rechargePlans) {
    if (!live(plan)) continue;
    const bonus = bonusOf(plan, input.paidFen);
    if (bonus.bonusFen > best.bonusFen || (bonus.bonusFen === best.bonusFen && bonus.bonusPoints > best.bonusPoints)) {
      best = { ...none, ...bonus, planId: plan.planId };
    }
  }
  return best;
}

/**
 * `tiered`: the bonus of the highest step whose minimum is reached (充100送20, 充500送150).
 * `repeat`: every full multiple of the smallest step earns its bonus again (每充100送20), up to maxTimes.
 */
function bonusOf(plan: RechargePlan, paidFen: number): { bonusFen: number; bonusPoints: number } {
  const steps = [...plan.steps].sort((a, b) => a.minPaidFen - b.minPaidFen);
  if (plan.mode === 'repeat') {
    const step = steps[0]!;
    const times = Math.min(Math.floor(paidFen / step.minPaidFen), plan.maxTimes);
    return { bonusFen: times * step.bonusFen, bonusPoints: times * step.bonusPoints };
  }
  let reached = { bonusFen: 0, bonusPoints: 0 };
  for (const step of steps) if (paidFen >= step.minPaidFen) reached = { bonusFen: step.bonusFen, bonusPoints: step.bonusPoints };
  return reached;
}
