// The coupons a member holds, for the member page: the marketing work's `member_coupons`
// (migration 0007_marketing) named by the active rule set's coupon definitions. Usable ones first,
// then used and expired ones; voided coupons are not shown.
import type { CouponDefinition } from '@pos/engine';
import type { GatewayDb } from '../db/database.js';
import { marketingDb } from '../marketing/marketing-tables.js';

export const MAX_COUPONS_SHOWN = 50;

export interface MemberCouponView {
  /** What the till reads when the member presents the coupon. */
  code: string;
  name: { zh: string; en: string };
  /** 满50减5 style summary in both languages. */
  terms: { zh: string; en: string };
  status: 'available' | 'used' | 'expired';
  validUntil: string;
}

const yuan = (fen: number) => (fen / 100).toFixed(fen % 100 === 0 ? 0 : 2);

function termsOf(d: CouponDefinition | undefined): { zh: string; en: string } {
  if (!d) return { zh: '', en: '' };
  const over = d.thresholdFen > 0 ? { zh: `满${yuan(d.thresholdFen)}`, en: ` over ¥${yuan(d.thresholdFen)}` } : { zh: '', en: '' };
  if (d.kind === 'amountOff') return { zh: `${over.zh}减${yuan(d.offFen)}元`, en: `¥${yuan(d.offFen)} off${over.en}` };
  if (d.kind === 'percentOff') return { zh: `${over.zh}${d.discountPerMille / 100}折`, en: `${(1000 - d.discountPerMille) / 10}% off${over.en}` };
  return { zh: `${over.zh}赠 ${d.units} 件`, en: `${d.units} free${over.en}` };
}

export async function couponsOfMember(gdb: GatewayDb, merchantId: string, memberId: string, nowMs: number, definitions: readonly CouponDefinition[]): Promise<MemberCouponView[]> {
  const rows = await marketingDb(gdb)
    .selectFrom('member_coupons')
    .select(['code', 'definition_id', 'status', 'valid_until'])
    .where('merchant_id', '=', merchantId)
    .where('member_id', '=', memberId)
    .where('status', '!=', 'void')
    .orderBy('valid_until', 'desc')
    .limit(MAX_COUPONS_SHOWN)
    .execute();
  const byId = new Map(definitions.map((d) => [d.couponDefId, d]));
  const rank = { available: 0, used: 1, expired: 2 } as const;
  return rows
    .map((r) => {
      const d = byId.get(r.definition_id);
      const status: MemberCouponView['status'] = r.status === 'redeemed' ? 'used' : r.status === 'expired' || Number(r.valid_until) <= nowMs ? 'expired' : 'available';
      return { code: r.code, name: d?.name ?? { zh: r.definition_id, en: r.definition_id }, terms: termsOf(d), status, validUntil: new Date(Number(r.valid_until)).toISOString() };
    })
    .sort((a, b) => rank[a.status] - rank[b.status] || a.validUntil.localeCompare(b.validUntil));
}
