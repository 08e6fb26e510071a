// A merchant for the marketing suites: the gateway fixture merchant plus a published rule set with a
// coupon definition and a referral reward, and 40 members with fixed ids (so holdout groups, which
// hash the member id, are the same on every run), tags, tiers and two RFM periods.
import { createHash } from 'node:crypto';
import type { Services } from '../../gateway/src/services.js';
import { seedMerchant, type MerchantFixture } from '../gateway/fixtures.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A fixed, well-spread ULID for member `n` (time part fixed, random part from SHA-256). */
export function fixedUlid(label: string): string {
  const h = createHash('sha256').update(label).digest();
  let tail = '';
  for (let i = 0; i < 16; i += 1) tail += CROCKFORD[h[i]! % 32];
  return `01JF000000${tail}`;
}

export const COUPON_DEF = {
  couponDefId: 'C10',
  name: { zh: '满100减10', en: '10 off 100' },
  kind: 'amountOff',
  offFen: 1000,
  thresholdFen: 10_000,
  validFrom: '2026-01-01T00:00:00+08:00',
  validTo: '2027-01-01T00:00:00+08:00',
} as const;
export const REFERRER_POINTS = 200;
export const MEMBER_COUNT = 40;

export interface MarketingFixture extends MerchantFixture {
  /** memberIds[i]: member i; 0–29 in store A1, 30–39 in store B1. */
  memberIds: string[];
}

/**
 * Members 0..39: store A1 for i < 30, else B1; tag `vip` when i % 3 ≠ 0 (26 members: 20 in A1, 6 in B1);
 * tier `gold` for i < 10; RFM `importantValue` in period 2026-02-28 for i < 10 and in 2026-03-31 for 5 ≤ i < 20.
 */
export async function seedMarketing(s: Services, code: string): Promise<MarketingFixture> {
  const f = await seedMerchant(s, code);
  const draft = await s.ruleSets.createDraft(f.system, {
    name: 'marketing',
    content: {
      rechargePlans: [{ planId: f.planId, name: { zh: '充300送30', en: 'Pay 300 get 30' }, steps: [{ minPaidFen: 30_000, bonusFen: 3_000 }] }],
      coupons: [COUPON_DEF],
      referral: { referrerPoints: REFERRER_POINTS },
    },
  });
  await s.ruleSets.publish(f.system, draft.id);
  const memberIds: string[] = [];
  for (let i = 0; i < MEMBER_COUNT; i += 1) {
    const memberId = fixedUlid(`${code}-member-${i}`);
    memberIds.push(memberId);
    await s.members.createMember(f.system, {
      memberId,
      name: `会员${i}`,
      phone: `1380000${String(1000 + i)}`,
      storeId: i < 30 ? f.storeA1 : f.storeB1,
      tags: i % 3 !== 0 ? ['vip'] : [],
    });
  }
  const db = s.gdb.db as any;
  await db.updateTable('members').set({ tier_id: 'gold' }).where('merchant_id', '=', f.merchantId).where('id', 'in', memberIds.slice(0, 10)).execute();
  const rfm = (period: string, i: number) => ({
    merchant_id: f.merchantId,
    period,
    member_id: memberIds[i],
    recency_days: 1,
    frequency: 1,
    monetary_fen: 100,
    r_score: 5,
    f_score: 5,
    m_score: 5,
    segment: 'importantValue',
    frequency_this_period: 1,
    frequency_previous_period: 1,
    computed_at: 1,
  });
  const rows = [...Array.from({ length: 10 }, (_, i) => rfm('2026-02-28', i)), ...Array.from({ length: 15 }, (_, i) => rfm('2026-03-31', i + 5))];
  await db.insertInto('member_rfm').values(rows).execute();
  return { ...f, memberIds };
}
