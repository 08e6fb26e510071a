// Member vs non-member share of the sales in range: count and amount, each as a share of the whole.
import { sql } from 'kysely';
import { salesDb } from '../sales/index.js';
import { col, pct, type ReportDefinition } from './report-definition.js';
import { whereStores } from './report-scope.js';

export const memberShare: ReportDefinition = {
  name: 'member-share',
  title: { zh: '会员消费占比', en: 'Member vs non-member share' },
  summary: 'Sales count and paid/net fen of member and non-member sales over from..to, with their shares (%)',
  range: 'required',
  columns: [
    col('segment', 'text', '顾客', 'Customers'),
    col('sales', 'int', '销售笔数', 'Sales'),
    col('salesSharePct', 'pct', '笔数占比(%)', 'Share of sales (%)'),
    col('paidFen', 'fen', '实收(分)', 'Paid (fen)'),
    col('refundFen', 'fen', '退款(分)', 'Refunded (fen)'),
    col('netFen', 'fen', '净额(分)', 'Net (fen)'),
    col('netSharePct', 'pct', '金额占比(%)', 'Share of net (%)'),
  ],
  chart: { kind: 'pie', category: 'segment', series: ['netFen'] },
  async run(ctx) {
    let q = salesDb(ctx.gdb)
      .selectFrom('sales')
      .select([
        sql<number>`case when member_id is null then 0 else 1 end`.as('is_member'),
        sql<string>`sum(case when kind = 'sale' then 1 else 0 end)`.as('sales'),
        sql<string>`sum(case when kind = 'sale' then amount_fen else 0 end)`.as('paid'),
        sql<string>`sum(case when kind = 'sale' then 0 else amount_fen end)`.as('refunded'),
      ])
      .where('merchant_id', '=', ctx.actor.merchantId)
      .where('business_date', '>=', ctx.from!)
      .where('business_date', '<=', ctx.to!);
    q = whereStores(q, 'store_id', ctx.stores);
    const found = await q.groupBy(sql`case when member_id is null then 0 else 1 end`).execute();
    const figures = [1, 0].map((m) => {
      const r = found.find((f) => Number(f.is_member) === m);
      const paidFen = Number(r?.paid ?? 0);
      const refundFen = Number(r?.refunded ?? 0);
      return { member: m === 1, sales: Number(r?.sales ?? 0), paidFen, refundFen, netFen: paidFen - refundFen };
    });
    const totalSales = figures.reduce((s, f) => s + f.sales, 0);
    const totalNet = figures.reduce((s, f) => s + f.netFen, 0);
    const rows = figures.map((f) => ({
      segment: f.member ? '会员 / Members' : '非会员 / Non-members',
      customers: f.member ? 'member' : 'nonMember',
      sales: f.sales,
      salesSharePct: pct(f.sales, totalSales),
      paidFen: f.paidFen,
      refundFen: f.refundFen,
      netFen: f.netFen,
      netSharePct: pct(f.netFen, totalNet),
    }));
    const totals = {
      segment: '合计 / Total', sales: totalSales, salesSharePct: totalSales ? 100 : 0,
      paidFen: figures.reduce((s, f) => s + f.paidFen, 0), refundFen: figures.reduce((s, f) => s + f.refundFen, 0), netFen: totalNet, netSharePct: totalNet ? 100 : 0,
    };
    return { rows, totals };
  },
};
