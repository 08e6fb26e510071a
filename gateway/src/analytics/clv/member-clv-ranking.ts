// Per-member CLV scores for the `clv` report: P(alive), expected purchases and spend over the horizon
// and the discounted value in fen, ranked highest value first (ties by member id, so runs agree).

import type { Fen } from '@pos/protocol';
import type { BgNbdParams } from './bg-nbd.js';
import { conditionalExpectedPurchases, probabilityAlive } from './bg-nbd.js';
import { ClvError } from './clv-error.js';
import type { ClvHorizon, MemberClvInput } from './customer-lifetime-value.js';
import { customerLifetimeValueFen } from './customer-lifetime-value.js';
import type { GammaGammaParams } from './gamma-gamma.js';
import { conditionalExpectedSpend } from './gamma-gamma.js';

export interface MemberActivity extends MemberClvInput {
  readonly memberId: string;
}

export interface MemberClvScore {
  readonly memberId: string;
  readonly probabilityAlive: number;
  /** Expected purchases over the whole horizon (undiscounted). */
  readonly expectedPurchases: number;
  /** Expected value of one future purchase, whole fen. */
  readonly expectedSpendFen: Fen;
  readonly clvFen: Fen;
}

/** A report ranks one merchant's members in memory; past this it should be run per store or in SQL. */
export const MAX_MEMBERS_PER_RANKING = 2_000_000;

export function rankMembersByClv(
  bgNbd: BgNbdParams,
  gammaGamma: GammaGammaParams,
  members: readonly MemberActivity[],
  horizon: ClvHorizon,
): MemberClvScore[] {
  if (members.length > MAX_MEMBERS_PER_RANKING) {
    throw new ClvError(
      'CLV_INVALID_INPUT',
      `会员数超过 ${MAX_MEMBERS_PER_RANKING} / more than ${MAX_MEMBERS_PER_RANKING} members in one ranking`,
      'members',
    );
  }
  const scores = members.map((m): MemberClvScore => ({
    memberId: m.memberId,
    probabilityAlive: probabilityAlive(bgNbd, m),
    expectedPurchases: conditionalExpectedPurchases(bgNbd, m, horizon.periods * horizon.periodLength),
    expectedSpendFen: Math.round(conditionalExpectedSpend(gammaGamma, { frequency: m.frequency, meanSpend: m.meanSpendFen })),
    clvFen: customerLifetimeValueFen(bgNbd, gammaGamma, m, horizon),
  }));
  return scores.sort((p, q) => q.clvFen - p.clvFen || (p.memberId < q.memberId ? -1 : p.memberId > q.memberId ? 1 : 0));
}
