// Migration 0007_marketing: coupon campaigns, the members each campaign targeted (with the holdout
// group recorded), and the coupons issued to members (one row per coupon, redeemed by synced sales).
import type { Kysely, Migration } from 'kysely';

// biome-ignore lint: migrations see the database untyped, as it was when they were written.
type AnyDb = Kysely<any>;

export const marketingMigration: Migration = {
  async up(db: AnyDb) {
    // A campaign names a coupon definition of the published rule set (copied here as it was at
    // creation), a target (segment / tag / tier / list, as JSON), the creator's scope (a store
    // manager's store, a region manager's region, both null for HQ: only members there are
    // targeted, and only staff of that scope see the campaign) and the holdout share in per mille.
    await db.schema
      .createTable('coupon_campaigns')
      .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('id', 'varchar(26)', (c) => c.notNull())
      .addColumn('name', 'varchar(100)', (c) => c.notNull())
      .addColumn('definition_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('rule_set_version', 'integer', (c) => c.notNull())
      .addColumn('target_kind', 'varchar(16)', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('region_id', 'varchar(26)')
      .addColumn('store_id', 'varchar(26)')
      .addColumn('holdout_per_mille', 'integer', (c) => c.notNull())
      .addColumn('valid_from', 'bigint', (c) => c.notNull())
      .addColumn('valid_until', 'bigint', (c) => c.notNull())
      .addColumn('notify', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('targeted_at', 'bigint')
      .addColumn('issue_cursor', 'varchar(26)')
      .addColumn('issued_at', 'bigint')
      .addColumn('target_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('holdout_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('issued_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_by', 'varchar(26)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('coupon_campaigns_pk', ['merchant_id', 'id'])
      .execute();
    await db.schema.createIndex('coupon_campaigns_scope_ix').on('coupon_campaigns').columns(['merchant_id', 'region_id', 'store_id', 'id']).execute();

    // Everyone a campaign targeted, frozen when the target is first evaluated; `holdout` = 1 for
    // the members kept out on purpose (no coupon), the comparison group of the effect report.
    await db.schema
      .createTable('campaign_members')
      .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('campaign_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('member_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('holdout', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('campaign_members_pk', ['merchant_id', 'campaign_id', 'member_id'])
      .execute();

    await db.schema
      .createTable('member_coupons')
      .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('id', 'varchar(64)', (c) => c.notNull())
      .addColumn('code', 'varchar(64)', (c) => c.notNull())
      .addColumn('campaign_id', 'varchar(26)')
      .addColumn('definition_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('member_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('issued_at', 'bigint', (c) => c.notNull())
      .addColumn('valid_from', 'bigint', (c) => c.notNull())
      .addColumn('valid_until', 'bigint', (c) => c.notNull())
      .addColumn('redeemed_sale_id', 'varchar(26)')
      .addColumn('redeemed_at', 'bigint')
      .addColumn('redeemed_discount_fen', 'bigint')
      .addColumn('notified_at', 'bigint')
      .addColumn('idempotency_key', 'varchar(160)', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('member_coupons_pk', ['merchant_id', 'id'])
      .execute();
    await db.schema.createIndex('member_coupons_code_uq').on('member_coupons').columns(['merchant_id', 'code']).unique().execute();
    await db.schema.createIndex('member_coupons_key_uq').on('member_coupons').columns(['merchant_id', 'idempotency_key']).unique().execute();
    await db.schema.createIndex('member_coupons_member_ix').on('member_coupons').columns(['merchant_id', 'member_id', 'status']).execute();
    // The batch issuer resumes after the campaign's greatest member id; the report reads by campaign.
    await db.schema.createIndex('member_coupons_campaign_ix').on('member_coupons').columns(['merchant_id', 'campaign_id', 'member_id']).execute();
    // The change feed carries a member's coupons to terminals: coupons issued or redeemed since a cursor.
    await db.schema.createIndex('member_coupons_updated_ix').on('member_coupons').columns(['merchant_id', 'updated_at']).execute();
  },
};
