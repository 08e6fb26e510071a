// Migration 0005: forecourt shift closes (班结) as synced by kiosks: a header per shift and a row per nozzle.
import type { Kysely, Migration } from 'kysely';

// biome-ignore lint: migrations see the database untyped, as it was when they were written.
type AnyDb = Kysely<any>;

export const fuelMigration: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('fuel_shifts')
      .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('shift_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('event_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('store_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('terminal_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('business_date', 'varchar(10)', (c) => c.notNull())
      .addColumn('opened_at', 'bigint', (c) => c.notNull())
      .addColumn('closed_at', 'bigint', (c) => c.notNull())
      .addColumn('fuel_sale_count', 'integer', (c) => c.notNull())
      .addColumn('incomplete_line_count', 'integer', (c) => c.notNull())
      .addColumn('difference_ml', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('fuel_shifts_pk', ['merchant_id', 'shift_id'])
      .execute();
    await db.schema.createIndex('fuel_shifts_store_ix').on('fuel_shifts').columns(['merchant_id', 'store_id', 'closed_at']).execute();

    await db.schema
      .createTable('fuel_shift_nozzles')
      .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('shift_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('pump_no', 'integer', (c) => c.notNull())
      .addColumn('nozzle_no', 'integer', (c) => c.notNull())
      .addColumn('grade', 'varchar(4)', (c) => c.notNull())
      .addColumn('start_ml', 'bigint', (c) => c.notNull())
      .addColumn('end_ml', 'bigint', (c) => c.notNull())
      .addColumn('pumped_ml', 'bigint', (c) => c.notNull())
      .addColumn('sold_ml', 'bigint', (c) => c.notNull())
      .addColumn('difference_ml', 'bigint', (c) => c.notNull())
      .addColumn('sold_amount_fen', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('fuel_shift_nozzles_pk', ['merchant_id', 'shift_id', 'pump_no', 'nozzle_no'])
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable('fuel_shift_nozzles').execute();
    await db.schema.dropTable('fuel_shifts').execute();
  },
};
