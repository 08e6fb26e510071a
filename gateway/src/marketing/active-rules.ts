// The merchant's active (latest published) rule set as marketing reads it: coupon definitions for
// campaigns and single coupons, the referral reward for first purchases.
import type { CouponDefinition, RuleSet } from '@pos/engine';
import type { Kysely } from 'kysely';
import { GatewayError } from '../errors.js';
import type { GatewayDatabase } from '../db/schema.js';

export interface ActiveRules {
  version: number;
  rules: RuleSet;
}

export async function activeRules(db: Kysely<GatewayDatabase>, merchantId: string): Promise<ActiveRules | null> {
  const row = await db
    .selectFrom('rule_set_versions')
    .select(['version', 'content'])
    .where('merchant_id', '=', merchantId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { version: Number(row.version), rules: JSON.parse(row.content) as RuleSet } : null;
}

/** The coupon definition `couponDefId` of the active rule set; VALIDATION naming `field` when there is none. */
export async function activeCouponDefinition(
  db: Kysely<GatewayDatabase>,
  merchantId: string,
  couponDefId: string,
  field = 'couponDefId',
): Promise<{ version: number; definition: CouponDefinition }> {
  const active = await activeRules(db, merchantId);
  const definition = active?.rules.coupons.find((d) => d.couponDefId === couponDefId);
  if (!active || !definition) {
    throw new GatewayError('VALIDATION', `已发布的规则集中没有该优惠券定义 / no coupon definition ${couponDefId} in the published rule set`, field);
  }
  return { version: active.version, definition };
}
