// Row types of the sales fact tables (see sales-migration.ts): one row per synced sale or refund and
// one per sale line, written by the event applier in the event's own transaction. Reports and
// analytics (RFM, top products, sales by store/day/hour) read these instead of parsing event bodies.
// Kept free of imports beyond the schema: the migration that creates these tables imports this file.
import type { GatewayDatabase } from '../db/schema.js';

type Int = number;

export type SaleFactKind = 'sale' | 'refund';

export interface SaleFactTable {
  merchant_id: string;
  /** The saleId of a sale, the refundId of a refund. */
  id: string;
  kind: SaleFactKind;
  event_id: string;
  store_id: string;
  terminal_id: string;
  member_id: string | null;
  receipt_no: string;
  /** For a refund, the sale it refunds; null for a sale. */
  refunded_sale_id: string | null;
  /** Epoch ms of the terminal's wall clock at the event. */
  occurred_at: Int;
  business_date: string;
  /** Hour of day 0–23 on the store's wall clock (the offset the terminal wrote). */
  local_hour: Int;
  gross_fen: Int;
  discount_fen: Int;
  /** What the customer paid for a sale; what was returned for a refund (both positive). */
  amount_fen: Int;
  points_earned: Int;
  points_spent: Int;
  coupon_count: Int;
  offline: Int;
  pump_transaction_id: string | null;
}

export interface SaleLineFactTable {
  merchant_id: string;
  sale_id: string;
  line_no: Int;
  store_id: string;
  business_date: string;
  member_id: string | null;
  sku: string;
  name: string;
  quantity_milli: Int;
  gross_fen: Int;
  net_fen: Int;
}

export interface SalesDatabase extends GatewayDatabase {
  sales: SaleFactTable;
  sale_lines: SaleLineFactTable;
}
