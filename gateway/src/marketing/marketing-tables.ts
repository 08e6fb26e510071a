// Row types of the marketing tables (marketing-migration.ts), and the database type marketing code
// works with: the sync tables (members with flags), the sales facts and the RFM results it reads.
import type { Kysely } from 'kysely';
import type { GatewayDb } from '../db/database.js';
import type { SaleFactTable, SaleLineFactTable } from '../sales/sales-tables.js';
import type { SyncDatabase } from '../sync/sync-tables.js';

type Int = number;

export type CampaignStatus = 'created' | 'targeting' | 'issuing' | 'issued';
export type CouponStatus = 'issued' | 'redeemed' | 'expired' | 'void';

export interface CouponCampaignTable {
  merchant_id: string;
  id: string;
  name: string;
  /** `couponDefId` of the rule set's CouponDefinition. */
  definition_id: string;
  /** The CouponDefinition as published when the campaign was created (JSON). */
  definition: string;
  rule_set_version: Int;
  target_kind: string;
  /** CampaignTarget as JSON (a segment target names its resolved period). */
  target: string;
  /** The creator's region (region manager) or store (store manager); both null for HQ. */
  region_id: string | null;
  store_id: string | null;
  holdout_per_mille: Int;
  valid_from: Int;
  valid_until: Int;
  notify: Int;
  status: CampaignStatus;
  /** Set when the target has been evaluated in full: from then on it is frozen. */
  targeted_at: Int | null;
  /** The batch's progress: the last member of the last coupon chunk it finished. */
  issue_cursor: string | null;
  issued_at: Int | null;
  target_count: Int;
  holdout_count: Int;
  issued_count: Int;
  created_by: string | null;
  created_at: Int;
  updated_at: Int;
}

export interface CampaignMemberTable {
  merchant_id: string;
  campaign_id: string;
  member_id: string;
  holdout: Int;
  created_at: Int;
}

export interface MemberCouponTable {
  merchant_id: string;
  id: string;
  /** What the till presents (PresentedCoupon.couponId) and what a sale's couponsRedeemed names. */
  code: string;
  campaign_id: string | null;
  definition_id: string;
  member_id: string;
  status: CouponStatus;
  issued_at: Int;
  valid_from: Int;
  valid_until: Int;
  redeemed_sale_id: string | null;
  redeemed_at: Int | null;
  /** The discount the coupon gave on the redeeming sale (its `coupon` adjustments). */
  redeemed_discount_fen: Int | null;
  notified_at: Int | null;
  idempotency_key: string;
  updated_at: Int;
}

/** The columns of the jobs' RFM results that marketing reads (segment targets). */
export interface MemberRfmSegmentTable {
  merchant_id: string;
  period: string;
  member_id: string;
  segment: string;
}

export interface MarketingDatabase extends SyncDatabase {
  sales: SaleFactTable;
  sale_lines: SaleLineFactTable;
  member_rfm: MemberRfmSegmentTable;
  coupon_campaigns: CouponCampaignTable;
  campaign_members: CampaignMemberTable;
  member_coupons: MemberCouponTable;
}

/** The gateway database seen with the marketing tables typed. */
export function marketingDb(gdb: GatewayDb): Kysely<MarketingDatabase> {
  return gdb.db as unknown as Kysely<MarketingDatabase>;
}
