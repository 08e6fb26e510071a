// Turns a synced sale or refund into its fact rows. Called inside the event's transaction, so the
// facts exist exactly when the ledger effect does (an event is applied once, hence counted once).
import type { SaleCommittedBody, SaleRefundedBody } from '@pos/protocol';
import type { Kysely } from 'kysely';
import type { SaleFactTable, SaleLineFactTable, SalesDatabase } from './sales-tables.js';

export interface FactSource {
  merchantId: string;
  storeId: string;
  terminalId: string;
}

/** Rows per multi-row insert: 11 columns × 400 stays under SQLite's and PostgreSQL's bind limits. */
const maxLinesPerInsert = 400;

/** The hour written in an ISO timestamp with offset, i.e. the wall clock where the event happened. */
export function localHourOf(isoWithOffset: string): number {
  return Number(isoWithOffset.slice(11, 13));
}

export function saleFactRows(source: FactSource, sale: SaleCommittedBody): { sale: SaleFactTable; lines: SaleLineFactTable[] } {
  return {
    sale: {
      merchant_id: source.merchantId,
      id: sale.saleId,
      kind: 'sale',
      event_id: sale.eventId,
      store_id: source.storeId,
      terminal_id: source.terminalId,
      member_id: sale.memberId,
      receipt_no: sale.receiptNo,
      refunded_sale_id: null,
      occurred_at: Date.parse(sale.occurredAt),
      business_date: sale.businessDate,
      local_hour: localHourOf(sale.occurredAt),
      gross_fen: sale.totals.grossFen,
      discount_fen: sale.totals.discountFen,
      amount_fen: sale.totals.payableFen,
      points_earned: sale.pointsEarned,
      points_spent: sale.pointsSpent,
      coupon_count: sale.couponsRedeemed.length,
      offline: sale.offline ? 1 : 0,
      pump_transaction_id: sale.pumpTransactionId ?? null,
    },
    lines: sale.lines.map((line) => ({
      merchant_id: source.merchantId,
      sale_id: sale.saleId,
      line_no: line.lineNo,
      store_id: source.storeId,
      business_date: sale.businessDate,
      member_id: sale.memberId,
      sku: line.sku,
      name: line.name,
      quantity_milli: line.quantityMilli,
      gross_fen: line.grossFen,
      net_fen: line.netFen,
    })),
  };
}

export function refundFactRow(source: FactSource, refund: SaleRefundedBody): SaleFactTable {
  return {
    merchant_id: source.merchantId,
    id: refund.refundId,
    kind: 'refund',
    event_id: refund.eventId,
    store_id: source.storeId,
    terminal_id: source.terminalId,
    member_id: refund.memberId,
    receipt_no: refund.receiptNo,
    refunded_sale_id: refund.saleId,
    occurred_at: Date.parse(refund.occurredAt),
    business_date: refund.businessDate,
    local_hour: localHourOf(refund.occurredAt),
    gross_fen: refund.refundFen,
    discount_fen: 0,
    amount_fen: refund.refundFen,
    points_earned: refund.pointsRestored,
    points_spent: refund.pointsReversed,
    coupon_count: 0,
    offline: refund.offline ? 1 : 0,
    pump_transaction_id: null,
  };
}

export async function insertSaleFacts(db: Kysely<SalesDatabase>, rows: { sale: SaleFactTable; lines: SaleLineFactTable[] }): Promise<void> {
  await db.insertInto('sales').values(rows.sale).execute();
  for (let i = 0; i < rows.lines.length; i += maxLinesPerInsert) {
    await db.insertInto('sale_lines').values(rows.lines.slice(i, i + maxLinesPerInsert)).execute();
  }
}

