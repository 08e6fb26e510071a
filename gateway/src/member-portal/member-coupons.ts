// The coupons a member holds, for the member page. Coupon issuing to members is modelled by the
// marketing work (migration 0007_marketing); until its table exists this returns none.
import type { GatewayDb } from '../db/database.js';

export interface MemberCouponView {
  couponId: string;
  name: { zh: string; en: string };
  status: 'available' | 'used' | 'expired';
  validTo: string | null;
}

export async function couponsOfMember(_gdb: GatewayDb, _merchantId: string, _memberId: string): Promise<MemberCouponView[]> {
  return [];
}
