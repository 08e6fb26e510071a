// Migration 0008_member_portal: the notification log and per-member opt-outs (issue 9's notifications),
// and the member self-service page's one-time codes, send counters and sessions (issue 10), plus the
// flag that lets a merchant mark a custom attribute as editable by the member.
import type { Kysely, Migration } from 'kysely';

// biome-ignore lint: migrations see the database untyped, as it was when they were written.
type AnyDb = Kysely<any>;

export const memberPortalMigration: Migration = {
  async up(db: AnyDb) {
    // Every message sent (or suppressed by an opt-out), whatever the provider. The phone is stored
    // masked and secret variables (the one-time code) are blanked in `body`: the log is for audit.
    await db.schema
      .createTable('notification_log')
      .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('id', 'varchar(26)', (c) => c.notNull())
      .addColumn('member_id', 'varchar(26)')
      .addColumn('phone_masked', 'varchar(32)', (c) => c.notNull())
      .addColumn('channel', 'varchar(16)', (c) => c.notNull())
      .addColumn('template', 'varchar(64)', (c) => c.notNull())
      .addColumn('locale', 'varchar(8)', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('provider', 'varchar(32)', (c) => c.notNull())
      .addColumn('error', 'varchar(400)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('notification_log_pk', ['merchant_id', 'id'])
      .execute();
    await db.schema.createIndex('notification_log_member_ix').on('notification_log').columns(['merchant_id', 'member_id', 'id']).execute();

    // channel is 'sms', 'wechat' or 'all'. Marketing messages honour it; transactional ones (otp) do not.
    await db.schema
      .createTable('notification_opt_outs')
      .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('member_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('channel', 'varchar(16)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('notification_opt_outs_pk', ['merchant_id', 'member_id', 'channel'])
      .execute();

    // One live one-time code per (merchant, phone): a new send replaces it. Codes are stored as an
    // salted SHA-256, never in clear; `failed_attempts` and `locked_until` survive a new send, so requesting
    // a fresh code does not reset the lock.
    await db.schema
      .createTable('member_otps')
      .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('phone', 'varchar(16)', (c) => c.notNull())
      .addColumn('code_hash', 'varchar(64)')
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('failed_attempts', 'integer', (c) => c.notNull())
      .addColumn('locked_until', 'bigint')
      .addColumn('last_sent_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('member_otps_pk', ['merchant_id', 'phone'])
      .execute();

    // Send counters for rate limits, per phone and per client IP, one row per send (pruned by age).
    await db.schema
      .createTable('member_otp_sends')
      .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('id', 'varchar(26)', (c) => c.notNull())
      .addColumn('subject', 'varchar(80)', (c) => c.notNull())
      .addColumn('sent_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('member_otp_sends_pk', ['merchant_id', 'id'])
      .execute();
    await db.schema.createIndex('member_otp_sends_subject_ix').on('member_otp_sends').columns(['merchant_id', 'subject', 'sent_at']).execute();

    // Member page sessions: a token (stored as SHA-256) naming a member, separate from staff sessions.
    await db.schema
      .createTable('member_sessions')
      .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('token_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('member_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('member_sessions_pk', ['merchant_id', 'token_hash'])
      .execute();
    await db.schema.createIndex('member_sessions_token_uq').on('member_sessions').column('token_hash').unique().execute();

    await db.schema
      .alterTable('attribute_definitions')
      .addColumn('member_editable', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
