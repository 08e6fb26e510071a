// The one SQL aggregate behind sales by store, by day and by hour: from the `sales` facts, sales
// counted and summed by their kind in one pass. A refund counts on its own business date and store
// (the day the money went back), so a period's net is what the tills took in that period.
import { sql } from 'kysely';
import { salesDb } from '../sales/index.js';
import { col, type ReportColumn, type ReportContext, type ReportRow } from './report-definition.js';
import { whereStores } from './report-scope.js';

export interface SalesFigures {
  sales: number;
  grossFen: number;
  discountFen: number;
  paidFen: number;
  refunds: number;
  refundFen: number;
  netFen: number;
}

export const SALES_FIGURE_COLUMNS: ReportColumn[] = [
  col('sales', 'int', '销售笔数', 'Sales'),
  col('grossFen', 'fen', '原价合计(分)', 'Gross (fen)'),
  col('discountFen', 'fen', '优惠(分)', 'Discount (fen)'),
  col('paidFen', 'fen', '实收(分)', 'Paid (fen)'),
  col('refunds', 'int', '退款笔数', 'Refunds'),
  col('refundFen', 'fen', '退款(分)', 'Refunded (fen)'),
  col('netFen', 'fen', '净额(分)', 'Net (fen)'),
];

export const ZERO_FIGURES: SalesFigures = { sales: 0, grossFen: 0, discountFen: 0, paidFen: 0, refunds: 0, refundFen: 0, netFen: 0 };

type GroupColumn = 'store_id' | 'business_date' | 'local_hour';

/** One row per value of `groupBy` that has any sale or refund in range and scope, ordered by it. */
export async function salesFiguresBy(ctx: ReportContext, groupBy: GroupColumn): Promise<Map<string | number, SalesFigures>> {
  const isSale = sql`case when kind = 'sale'`;
  let q = salesDb(ctx.gdb)
    .selectFrom('sales')
    .select([
      sql<string | number>`${sql.ref(groupBy)}`.as('k'),
      sql<string>`sum(${isSale} then 1 else 0 end)`.as('sales'),
      sql<string>`sum(${isSale} then gross_fen else 0 end)`.as('gross'),
      sql<string>`sum(${isSale} then discount_fen else 0 end)`.as('discount'),
      sql<string>`sum(${isSale} then amount_fen else 0 end)`.as('paid'),
      sql<string>`sum(${isSale} then 0 else 1 end)`.as('refunds'),
      sql<string>`sum(${isSale} then 0 else amount_fen end)`.as('refunded'),
    ])
    .where('merchant_id', '=', ctx.actor.merchantId)
    .where('business_date', '>=', ctx.from!)
    .where('business_date', '<=', ctx.to!);
  q = whereStores(q, 'store_id', ctx.stores);
  const rows = await q.groupBy(groupBy).orderBy(groupBy).execute();
  const out = new Map<string | number, SalesFigures>();
  for (const r of rows) {
    const paidFen = Number(r.paid);
    const refundFen = Number(r.refunded);
    out.set(groupBy === 'local_hour' ? Number(r.k) : String(r.k), {
      sales: Number(r.sales),
      grossFen: Number(r.gross),
      discountFen: Number(r.discount),
      paidFen,
      refunds: Number(r.refunds),
      refundFen,
      netFen: paidFen - refundFen,
    });
  }
  return out;
}

export function totalOf(figures: Iterable<SalesFigures>): SalesFigures {
  const t = { ...ZERO_FIGURES };
  for (const f of figures) {
    t.sales += f.sales;
    t.grossFen += f.grossFen;
    t.discountFen += f.discountFen;
    t.paidFen += f.paidFen;
    t.refunds += f.refunds;
    t.refundFen += f.refundFen;
    t.netFen += f.netFen;
  }
  return t;
}

export const figuresRow = (head: ReportRow, f: SalesFigures): ReportRow => ({ ...head, ...f });
