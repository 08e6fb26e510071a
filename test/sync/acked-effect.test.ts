// Folding acked events into the cached member record: balances move by exactly the events'
// effect, never below zero, and spent points leave the earliest-expiring lots first.
import { describe, expect, it } from 'vitest';
import type { MemberRecord } from '@pos/protocol';
import { effectOf } from '../../terminal/src/store/index.js';
import { effectsByMember, withAckedEffect } from '../../terminal/src/sync/acked-effect.js';
import { member, memberIdOf, saleDraft } from '../terminal/store/fixtures/records.js';

const m1 = memberIdOf(1);
const base: MemberRecord = member(1, {
  storedValue: { principalFen: 10_000, bonusFen: 2_000 },
  pointsBalance: 500,
  pointsLots: [
    { lotId: 'late', points: 300, expiresOn: '2027-06-30' },
    { lotId: 'early', points: 200, expiresOn: '2026-12-31' },
  ],
});

function sale(i: number, principalFen: number, bonusFen: number, pointsEarned: number, pointsSpent: number, memberId: string | null = m1) {
  return effectOf('saleCommitted', {
    ...saleDraft(i, { memberId, pointsEarned, pointsSpent, tenders: [{ kind: 'storedValue', amountFen: principalFen + bonusFen, principalFen, bonusFen, cardNo: '8800000000000001' }] }),
    receiptNo: `R-${i}`,
  });
}

describe('acked effects', () => {
  it('sums effects per member and skips events without a member or without effect', () => {
    const sums = effectsByMember([sale(1, 300, 0, 3, 0), sale(2, 200, 100, 0, 250), sale(3, 999, 0, 9, 0, null), sale(4, 0, 0, 0, 0, memberIdOf(2))]);
    expect([...sums]).toEqual([[m1, { principalDeltaFen: -500, bonusDeltaFen: -100, pointsDelta: -247 }]]);
  });

  it.each([
    { name: 'a spend', effect: { principalDeltaFen: -3_000, bonusDeltaFen: -500, pointsDelta: 0 }, storedValue: { principalFen: 7_000, bonusFen: 1_500 }, pointsBalance: 500, lots: { late: 300, early: 200 } },
    { name: 'an overdraft stops at zero', effect: { principalDeltaFen: -15_000, bonusDeltaFen: -2_500, pointsDelta: 0 }, storedValue: { principalFen: 0, bonusFen: 0 }, pointsBalance: 500, lots: { late: 300, early: 200 } },
    { name: 'points spent leave the earliest lot first', effect: { principalDeltaFen: 0, bonusDeltaFen: 0, pointsDelta: -250 }, storedValue: { principalFen: 10_000, bonusFen: 2_000 }, pointsBalance: 250, lots: { late: 250 } },
    { name: 'a recharge with points earned', effect: { principalDeltaFen: 30_000, bonusDeltaFen: 3_000, pointsDelta: 40 }, storedValue: { principalFen: 40_000, bonusFen: 5_000 }, pointsBalance: 540, lots: { late: 300, early: 200 } },
  ])('$name', ({ effect, storedValue, pointsBalance, lots }) => {
    const after = withAckedEffect(base, effect);
    expect(after.storedValue).toEqual(storedValue);
    expect(after.pointsBalance).toBe(pointsBalance);
    expect(Object.fromEntries(after.pointsLots.map((l) => [l.lotId, l.points]))).toEqual(lots);
    expect(after.memberId).toBe(base.memberId);
  });
});
