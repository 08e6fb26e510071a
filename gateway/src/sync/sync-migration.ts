// Tables of terminal sync (issue 7): terminal keys and enrolment codes, the applied-events
// register that makes every upstream event idempotent, member flags raised by sync, and the
// price list (catalogue) terminals sell from.
import type { Kysely, Migration } from 'kysely';

// biome-ignore lint: migrations see the database untyped, as it was when they were written.
type AnyDb = Kysely<any>;

export const syncMigration: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('terminal_keys')
      .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('terminal_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('store_id', 'varchar(26)', (c) => c.notNull())
      // The HMAC key itself: frames are verified with it, so it cannot be stored as a hash.
      .addColumn('secret', 'varchar(128)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('last_seq', 'bigint', (c) => c.notNull())
      .addColumn('enrolled_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .addColumn('last_seen_at', 'bigint')
      .addColumn('software_version', 'varchar(64)')
      .addColumn('rule_set_version', 'integer')
      .addColumn('pending_events', 'integer')
      .addPrimaryKeyConstraint('terminal_keys_pk', ['merchant_id', 'terminal_id'])
      .execute();
    // A frame names only its terminal: the key lookup goes by terminal id alone.
    await db.schema.createIndex('terminal_keys_terminal_uq').on('terminal_keys').column('terminal_id').unique().execute();

    await db.schema
      .createTable('enrolment_codes')
      .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('code_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('terminal_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('store_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('created_by', 'varchar(26)')
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('enrolment_codes_pk', ['merchant_id', 'code_hash'])
      .execute();
    await db.schema.createIndex('enrolment_codes_hash_uq').on('enrolment_codes').column('code_hash').unique().execute();

    await db.schema
      .createTable('sync_events')
      .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('event_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('terminal_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('store_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('type', 'varchar(32)', (c) => c.notNull())
      .addColumn('sale_id', 'varchar(26)')
      .addColumn('member_id', 'varchar(26)')
      // Both clocks: the terminal's when the event happened, the gateway's when it arrived.
      .addColumn('occurred_at', 'varchar(40)', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('offline', 'integer', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('sync_events_pk', ['merchant_id', 'event_id'])
      .execute();
    await db.schema.createIndex('sync_events_sale_ix').on('sync_events').columns(['merchant_id', 'sale_id']).execute();
    // A member's orders (sales and refunds) in their full view, newest first.
    await db.schema.createIndex('sync_events_member_ix').on('sync_events').columns(['merchant_id', 'member_id', 'received_at']).execute();
    await db.schema.createIndex('sync_events_terminal_ix').on('sync_events').columns(['merchant_id', 'terminal_id', 'received_at']).execute();

    await db.schema
      .createTable('member_flags')
      .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('member_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('flag', 'varchar(32)', (c) => c.notNull())
      .addColumn('card_no', 'varchar(19)')
      .addColumn('event_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull())
      .addColumn('raised_at', 'bigint', (c) => c.notNull())
      .addColumn('cleared_at', 'bigint')
      .addPrimaryKeyConstraint('member_flags_pk', ['merchant_id', 'member_id', 'flag', 'event_id'])
      .execute();

    // The secret of the member's dynamic QR code (protocol/README.md), issued on first use; terminals
    // verify codes offline with it, so it travels in the member record.
    await db.schema.alterTable('members').addColumn('code_secret', 'varchar(64)').execute();

    await db.schema
      .createTable('catalogue_items')
      .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('sku', 'varchar(64)', (c) => c.notNull())
      // The whole CatalogueItem of the protocol, as JSON: terminals receive exactly this.
      .addColumn('item', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('catalogue_items_pk', ['merchant_id', 'sku'])
      .execute();
  },
};
