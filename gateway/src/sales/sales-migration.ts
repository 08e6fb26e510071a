// Migration 0004: the sales fact tables, filled from then on by the event applier and, for events
// synced before this migration, back-filled here from the bodies kept in sync_events.
import type { Kysely, Migration } from 'kysely';
import { SaleCommittedBody, SaleRefundedBody } from '@pos/protocol';
import { insertSaleFacts, refundFactRow, saleFactRows } from './sales-facts.js';

// biome-ignore lint: migrations see the database untyped, as it was when they were written.
type AnyDb = Kysely<any>;

const backfillBatch = 500;

export const salesFactsMigration: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('sales')
      .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('id', 'varchar(26)', (c) => c.notNull())
      .addColumn('kind', 'varchar(8)', (c) => c.notNull())
      .addColumn('event_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('store_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('terminal_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('member_id', 'varchar(26)')
      .addColumn('receipt_no', 'varchar(64)', (c) => c.notNull())
      .addColumn('refunded_sale_id', 'varchar(26)')
      .addColumn('occurred_at', 'bigint', (c) => c.notNull())
      .addColumn('business_date', 'varchar(10)', (c) => c.notNull())
      .addColumn('local_hour', 'integer', (c) => c.notNull())
      .addColumn('gross_fen', 'bigint', (c) => c.notNull())
      .addColumn('discount_fen', 'bigint', (c) => c.notNull())
      .addColumn('amount_fen', 'bigint', (c) => c.notNull())
      .addColumn('points_earned', 'bigint', (c) => c.notNull())
      .addColumn('points_spent', 'bigint', (c) => c.notNull())
      .addColumn('coupon_count', 'integer', (c) => c.notNull())
      .addColumn('offline', 'integer', (c) => c.notNull())
      .addColumn('pump_transaction_id', 'varchar(64)')
      .addPrimaryKeyConstraint('sales_pk', ['merchant_id', 'id'])
      .execute();
    await db.schema.createIndex('sales_date_ix').on('sales').columns(['merchant_id', 'business_date', 'store_id']).execute();
    await db.schema.createIndex('sales_member_ix').on('sales').columns(['merchant_id', 'member_id', 'occurred_at']).execute();
    await db.schema.createIndex('sales_event_uq').on('sales').columns(['merchant_id', 'event_id']).unique().execute();

    await db.schema
      .createTable('sale_lines')
      .addColumn('merchant_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('sale_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('line_no', 'integer', (c) => c.notNull())
      .addColumn('store_id', 'varchar(26)', (c) => c.notNull())
      .addColumn('business_date', 'varchar(10)', (c) => c.notNull())
      .addColumn('member_id', 'varchar(26)')
      .addColumn('sku', 'varchar(64)', (c) => c.notNull())
      .addColumn('name', 'varchar(200)', (c) => c.notNull())
      .addColumn('quantity_milli', 'bigint', (c) => c.notNull())
      .addColumn('gross_fen', 'bigint', (c) => c.notNull())
      .addColumn('net_fen', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('sale_lines_pk', ['merchant_id', 'sale_id', 'line_no'])
      .execute();
    await db.schema.createIndex('sale_lines_date_ix').on('sale_lines').columns(['merchant_id', 'business_date', 'sku']).execute();

    // Events synced before this migration: their bodies were validated when they arrived.
    let after = '';
    for (;;) {
      const events = await db
        .selectFrom('sync_events')
        .select(['merchant_id', 'event_id', 'store_id', 'terminal_id', 'type', 'body'])
        .where('type', 'in', ['saleCommitted', 'saleRefunded'])
        .where('event_id', '>', after)
        .orderBy('event_id')
        .limit(backfillBatch)
        .execute();
      if (events.length === 0) break;
      for (const event of events) {
        const source = { merchantId: event.merchant_id, storeId: event.store_id, terminalId: event.terminal_id };
        if (event.type === 'saleCommitted') {
          await insertSaleFacts(db, saleFactRows(source, SaleCommittedBody.parse(JSON.parse(event.body))));
        } else {
          await db.insertInto('sales').values(refundFactRow(source, SaleRefundedBody.parse(JSON.parse(event.body)))).execute();
        }
      }
      after = events[events.length - 1]!.event_id;
    }
  },
};
