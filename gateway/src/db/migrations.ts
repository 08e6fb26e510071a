// Schema migrations, written once with kysely's schema builder so the same DDL runs on SQLite and
// PostgreSQL. Primary keys lead with merchant_id so PostgreSQL can be distributed by tenant (README).
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { salesFactsMigration } from '../sales/sales-migration.js';
import { fuelMigration } from '../fuel/fuel-migration.js';
import { syncMigration } from '../sync/sync-migration.js';
import { memberPortalMigration } from '../member-portal/member-portal-migration.js';
import { marketingMigration } from '../marketing/marketing-migration.js';
import { jobsAnalyticsMigration } from '../jobs/jobs-migration.js';
import { consoleSearchMigration } from '../members/console-search-migration.js';

// biome-ignore lint: migrations see the database untyped, as it was when they were written.
type AnyDb = Kysely<any>;

const initial: Migration = {
  async up(db: AnyDb) {
    const ts = (t: any) => t.addColumn('created_at', 'bigint', (c: any) => c.notNull());
    await ts(
      db.schema
        .createTable('merchants')
        .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('id', 'varchar(26)', (c) => c.notNull())
        .addColumn('code', 'varchar(64)', (c) => c.notNull())
        .addColumn('name', 'varchar(200)', (c) => c.notNull()),
    )
      .addPrimaryKeyConstraint('merchants_pk', ['merchant_id', 'id'])
      .execute();
    // Login names the merchant by code: a small reference lookup (replicated to every node under Citus).
    await db.schema.createIndex('merchants_code_uq').on('merchants').column('code').unique().execute();

    await ts(
      db.schema
        .createTable('regions')
        .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('id', 'varchar(26)', (c) => c.notNull())
        .addColumn('name', 'varchar(200)', (c) => c.notNull()),
    )
      .addPrimaryKeyConstraint('regions_pk', ['merchant_id', 'id'])
      .execute();

    await ts(
      db.schema
        .createTable('stores')
        .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('id', 'varchar(26)', (c) => c.notNull())
        .addColumn('region_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('code', 'varchar(64)', (c) => c.notNull())
        .addColumn('name', 'varchar(200)', (c) => c.notNull())
        .addColumn('address', 'varchar(400)', (c) => c.notNull().defaultTo('')),
    )
      .addPrimaryKeyConstraint('stores_pk', ['merchant_id', 'id'])
      .execute();
    await db.schema.createIndex('stores_region_ix').on('stores').columns(['merchant_id', 'region_id']).execute();
    await db.schema.createIndex('stores_code_uq').on('stores').columns(['merchant_id', 'code']).unique().execute();

    await ts(
      db.schema
        .createTable('terminals')
        .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('id', 'varchar(26)', (c) => c.notNull())
        .addColumn('store_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('name', 'varchar(200)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull()),
    )
      .addPrimaryKeyConstraint('terminals_pk', ['merchant_id', 'id'])
      .execute();
    await db.schema.createIndex('terminals_store_ix').on('terminals').columns(['merchant_id', 'store_id']).execute();

    await ts(
      db.schema
        .createTable('staff')
        .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('id', 'varchar(26)', (c) => c.notNull())
        .addColumn('username', 'varchar(64)', (c) => c.notNull())
        .addColumn('display_name', 'varchar(100)', (c) => c.notNull())
        .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
        .addColumn('role', 'varchar(32)', (c) => c.notNull())
        .addColumn('region_id', 'varchar(26)')
        .addColumn('store_id', 'varchar(26)')
        .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('locked_until', 'bigint')
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0)),
    )
      .addPrimaryKeyConstraint('staff_pk', ['merchant_id', 'id'])
      .execute();
    await db.schema.createIndex('staff_username_uq').on('staff').columns(['merchant_id', 'username']).unique().execute();
    await db.schema.createIndex('staff_store_ix').on('staff').columns(['merchant_id', 'store_id']).execute();

    await ts(
      db.schema
        .createTable('sessions')
        .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('id', 'varchar(26)', (c) => c.notNull())
        .addColumn('staff_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('token_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull()),
    )
      .addPrimaryKeyConstraint('sessions_pk', ['merchant_id', 'id'])
      .execute();

    await ts(
      db.schema
        .createTable('card_types')
        .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('id', 'varchar(26)', (c) => c.notNull())
        .addColumn('name', 'varchar(100)', (c) => c.notNull())
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('level', 'varchar(16)', (c) => c.notNull())
        .addColumn('discount_per_mille', 'integer', (c) => c.notNull())
        .addColumn('offline_limit_fen', 'bigint', (c) => c.notNull())
        .addColumn('tier_id', 'varchar(64)'),
    )
      .addPrimaryKeyConstraint('card_types_pk', ['merchant_id', 'id'])
      .execute();

    await ts(
      db.schema
        .createTable('members')
        .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('id', 'varchar(26)', (c) => c.notNull())
        .addColumn('name', 'varchar(100)', (c) => c.notNull())
        .addColumn('name_lower', 'varchar(100)', (c) => c.notNull())
        .addColumn('phone', 'varchar(16)')
        .addColumn('gender', 'varchar(8)')
        .addColumn('birthday', 'varchar(10)')
        .addColumn('anniversary', 'varchar(10)')
        .addColumn('address', 'varchar(400)')
        .addColumn('store_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('referrer_id', 'varchar(26)')
        .addColumn('attributes', 'text', (c) => c.notNull())
        .addColumn('tier_id', 'varchar(64)')
        .addColumn('growth', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull()),
    )
      .addPrimaryKeyConstraint('members_pk', ['merchant_id', 'id'])
      .execute();
    await db.schema.createIndex('members_phone_uq').on('members').columns(['merchant_id', 'phone']).unique().execute();
    await db.schema.createIndex('members_store_ix').on('members').columns(['merchant_id', 'store_id', 'id']).execute();
    await db.schema.createIndex('members_name_ix').on('members').columns(['merchant_id', 'name_lower']).execute();

    await db.schema
      .createTable('member_tags')
      .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('member_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('tag', 'varchar(64)', (c) => c.notNull())
      .addPrimaryKeyConstraint('member_tags_pk', ['merchant_id', 'member_id', 'tag'])
      .execute();
    await db.schema.createIndex('member_tags_tag_ix').on('member_tags').columns(['merchant_id', 'tag', 'member_id']).execute();

    await ts(
      db.schema
        .createTable('attribute_definitions')
        .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('key', 'varchar(64)', (c) => c.notNull())
        .addColumn('label_zh', 'varchar(100)', (c) => c.notNull())
        .addColumn('label_en', 'varchar(100)', (c) => c.notNull())
        .addColumn('type', 'varchar(16)', (c) => c.notNull())
        .addColumn('options', 'text', (c) => c.notNull()),
    )
      .addPrimaryKeyConstraint('attribute_definitions_pk', ['merchant_id', 'key'])
      .execute();

    await ts(
      db.schema
        .createTable('member_notes')
        .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('id', 'varchar(26)', (c) => c.notNull())
        .addColumn('member_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('staff_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull()),
    )
      .addPrimaryKeyConstraint('member_notes_pk', ['merchant_id', 'id'])
      .execute();
    await db.schema.createIndex('member_notes_member_ix').on('member_notes').columns(['merchant_id', 'member_id', 'id']).execute();

    await ts(
      db.schema
        .createTable('cards')
        .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('id', 'varchar(26)', (c) => c.notNull())
        .addColumn('card_no', 'varchar(19)', (c) => c.notNull())
        .addColumn('member_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('card_type_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('store_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('main_card_id', 'varchar(26)')
        .addColumn('uids', 'text', (c) => c.notNull())
        .addColumn('replaced_by', 'varchar(26)')
        .addColumn('updated_at', 'bigint', (c) => c.notNull()),
    )
      .addPrimaryKeyConstraint('cards_pk', ['merchant_id', 'id'])
      .execute();
    await db.schema.createIndex('cards_no_uq').on('cards').columns(['merchant_id', 'card_no']).unique().execute();
    await db.schema.createIndex('cards_member_ix').on('cards').columns(['merchant_id', 'member_id']).execute();
    await db.schema.createIndex('cards_main_ix').on('cards').columns(['merchant_id', 'main_card_id']).execute();

    await ts(
      db.schema
        .createTable('accounts')
        .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('id', 'varchar(26)', (c) => c.notNull())
        .addColumn('kind', 'varchar(32)', (c) => c.notNull())
        .addColumn('owner_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('unit', 'varchar(8)', (c) => c.notNull())
        .addColumn('balance', 'bigint', (c) => c.notNull())
        .addColumn('may_go_negative', 'integer', (c) => c.notNull()),
    )
      .addPrimaryKeyConstraint('accounts_pk', ['merchant_id', 'id'])
      .execute();
    await db.schema.createIndex('accounts_owner_uq').on('accounts').columns(['merchant_id', 'kind', 'owner_id']).unique().execute();

    await ts(
      db.schema
        .createTable('ledger_transactions')
        .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('id', 'varchar(26)', (c) => c.notNull())
        .addColumn('idempotency_key', 'varchar(128)', (c) => c.notNull())
        .addColumn('kind', 'varchar(32)', (c) => c.notNull())
        .addColumn('request_hash', 'varchar(64)', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('staff_id', 'varchar(26)')
        .addColumn('store_id', 'varchar(26)')
        .addColumn('member_id', 'varchar(26)')
        .addColumn('card_id', 'varchar(26)')
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('refunded_amount', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('reason', 'varchar(400)'),
    )
      .addPrimaryKeyConstraint('ledger_transactions_pk', ['merchant_id', 'id'])
      .execute();
    await db.schema
      .createIndex('ledger_transactions_key_uq')
      .on('ledger_transactions')
      .columns(['merchant_id', 'idempotency_key'])
      .unique()
      .execute();
    await db.schema
      .createIndex('ledger_transactions_member_ix')
      .on('ledger_transactions')
      .columns(['merchant_id', 'member_id', 'id'])
      .execute();

    await ts(
      db.schema
        .createTable('postings')
        .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('id', 'varchar(40)', (c) => c.notNull())
        .addColumn('transaction_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('from_account_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('to_account_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
        .addColumn('unit', 'varchar(8)', (c) => c.notNull()),
    )
      .addPrimaryKeyConstraint('postings_pk', ['merchant_id', 'id'])
      .execute();
    await db.schema.createIndex('postings_tx_ix').on('postings').columns(['merchant_id', 'transaction_id']).execute();
    await db.schema.createIndex('postings_from_ix').on('postings').columns(['merchant_id', 'from_account_id']).execute();
    await db.schema.createIndex('postings_to_ix').on('postings').columns(['merchant_id', 'to_account_id']).execute();

    await ts(
      db.schema
        .createTable('points_lots')
        .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('id', 'varchar(26)', (c) => c.notNull())
        .addColumn('member_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('points_earned', 'bigint', (c) => c.notNull())
        .addColumn('points_remaining', 'bigint', (c) => c.notNull().check(sql`points_remaining >= 0`))
        .addColumn('expires_on', 'varchar(10)')
        .addColumn('transaction_id', 'varchar(26)', (c) => c.notNull()),
    )
      .addPrimaryKeyConstraint('points_lots_pk', ['merchant_id', 'id'])
      .execute();
    await db.schema
      .createIndex('points_lots_member_ix')
      .on('points_lots')
      .columns(['merchant_id', 'member_id', 'expires_on'])
      .execute();

    await ts(
      db.schema
        .createTable('rule_set_drafts')
        .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
        .addColumn('id', 'varchar(26)', (c) => c.notNull())
        .addColumn('name', 'varchar(100)', (c) => c.notNull())
        .addColumn('content', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull()),
    )
      .addPrimaryKeyConstraint('rule_set_drafts_pk', ['merchant_id', 'id'])
      .execute();

    await db.schema
      .createTable('rule_set_versions')
      .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('id', 'varchar(26)', (c) => c.notNull())
      .addColumn('draft_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('published_at', 'bigint', (c) => c.notNull())
      .addColumn('published_by', 'varchar(26)', (c) => c.notNull())
      .addPrimaryKeyConstraint('rule_set_versions_pk', ['merchant_id', 'id'])
      .execute();
    await db.schema
      .createIndex('rule_set_versions_uq')
      .on('rule_set_versions')
      .columns(['merchant_id', 'version'])
      .unique()
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('id', 'varchar(26)', (c) => c.notNull())
      .addColumn('staff_id', 'varchar(26)')
      .addColumn('role', 'varchar(32)')
      .addColumn('store_id', 'varchar(26)')
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('action', 'varchar(64)', (c) => c.notNull())
      .addColumn('entity_type', 'varchar(32)', (c) => c.notNull())
      .addColumn('entity_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('before', 'text')
      .addColumn('after', 'text')
      .addPrimaryKeyConstraint('audit_log_pk', ['merchant_id', 'id'])
      .execute();
    await db.schema
      .createIndex('audit_log_entity_ix')
      .on('audit_log')
      .columns(['merchant_id', 'entity_type', 'entity_id'])
      .execute();
  },
};

const growthHistory: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('growth_history')
      .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('id', 'varchar(26)', (c) => c.notNull())
      .addColumn('member_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('idempotency_key', 'varchar(128)', (c) => c.notNull())
      .addColumn('source', 'varchar(32)', (c) => c.notNull())
      .addColumn('delta', 'bigint', (c) => c.notNull())
      .addColumn('growth_after', 'bigint', (c) => c.notNull())
      .addColumn('tier_before', 'varchar(64)')
      .addColumn('tier_after', 'varchar(64)')
      .addColumn('change', 'varchar(16)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('growth_history_pk', ['merchant_id', 'id'])
      .execute();
    await db.schema.createIndex('growth_history_key_uq').on('growth_history').columns(['merchant_id', 'idempotency_key']).unique().execute();
    await db.schema.createIndex('growth_history_member_ix').on('growth_history').columns(['merchant_id', 'member_id', 'id']).execute();
  },
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return { '0001_initial': initial, '0002_sync': syncMigration, '0003_growth_history': growthHistory, '0004_sales_facts': salesFactsMigration, '0005_fuel': fuelMigration, '0006_jobs_analytics': jobsAnalyticsMigration, '0007_marketing': marketingMigration, '0008_member_portal': memberPortalMigration, '0009_console_search': consoleSearchMigration };
  },
};
