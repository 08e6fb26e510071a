// Folds the effect of events the gateway has just applied into the cached member record, so the
// till's known balance stays "cached record + unacked events" when an event leaves the outbox.
//
// Why: the cached record comes from the last snapshot or delta. Without this, an acked spend
// vanishes from the unacked sum while the cached balance still predates it, and a till that goes
// offline next would let the card spend that amount again (beyond the offline limit).
// Only 'applied' acks are folded: a 'duplicate' was applied in an earlier session, whose effect
// the snapshot at the start of this session already carries.
import type { MemberRecord } from '@pos/protocol';
import type { MemberEffect } from '../store/index.js';

/** Sums effects per member (events without a member are skipped). */
export function effectsByMember(effects: readonly MemberEffect[]): Map<string, Omit<MemberEffect, 'memberId'>> {
  const sums = new Map<string, Omit<MemberEffect, 'memberId'>>();
  for (const e of effects) {
    if (!e.memberId || (e.principalDeltaFen === 0 && e.bonusDeltaFen === 0 && e.pointsDelta === 0)) continue;
    const s = sums.get(e.memberId) ?? { principalDeltaFen: 0, bonusDeltaFen: 0, pointsDelta: 0 };
    s.principalDeltaFen += e.principalDeltaFen;
    s.bonusDeltaFen += e.bonusDeltaFen;
    s.pointsDelta += e.pointsDelta;
    sums.set(e.memberId, s);
  }
  return sums;
}

/**
 * The member record with `effect` applied. Balances never go below zero, as at the gateway (an
 * overdraft goes to the overdraft account, points it could not take are flagged, not owed).
 * Points spent come out of the earliest-expiring lots first, as the ledger takes them.
 */
export function withAckedEffect(member: MemberRecord, effect: Omit<MemberEffect, 'memberId'>): MemberRecord {
  const principalFen = Math.max(0, member.storedValue.principalFen + effect.principalDeltaFen);
  const bonusFen = Math.max(0, member.storedValue.bonusFen + effect.bonusDeltaFen);
  const pointsBalance = Math.max(0, member.pointsBalance + effect.pointsDelta);
  let pointsLots = member.pointsLots;
  if (effect.pointsDelta < 0) {
    let owed = -effect.pointsDelta;
    pointsLots = [...pointsLots]
      .sort((a, b) => (a.expiresOn ?? '9999-12-31').localeCompare(b.expiresOn ?? '9999-12-31'))
      .map((lot) => {
        const take = Math.min(owed, lot.points);
        owed -= take;
        return { ...lot, points: lot.points - take };
      })
      .filter((lot) => lot.points > 0);
  }
  return { ...member, storedValue: { principalFen, bonusFen }, pointsBalance, pointsLots };
}
