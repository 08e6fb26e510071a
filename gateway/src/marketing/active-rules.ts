// Coupon definitions of the merchant's active (latest published) rule set, for campaigns and single coupons.
import type { CouponDefinition } from '@pos/engine';
import type { Kysely } from 'kysely';
import { GatewayError } from '../errors.js';
import type { GatewayDatabase } from '../db/schema.js';
import { activeRuleSet } from '../rules/active-rule-set.js';

/** The coupon definition `couponDefId` of the active rule set; VALIDATION naming `field` when there is none. */
export async function activeCouponDefinition(
  db: Kysely<GatewayDatabase>,
  merchantId: string,
  couponDefId: string,
  field = 'couponDefId',
): Promise<{ version: number; definition: CouponDefinition }> {
  const active = await activeRuleSet(db, merchantId);
  const definition = active?.rules.coupons.find((d) => d.couponDefId === couponDefId);
  if (!active || !definition) {
    throw new GatewayError('VALIDATION', `已发布的规则集中没有该优惠券定义 / no coupon definition ${couponDefId} in the published rule set`, field);
  }
  return { version: active.version, definition };
}
