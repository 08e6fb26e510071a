// Average ticket (客单价) per store over the range: paid fen per sale, overall and for members and
// non-members, rounded half up to the fen. Refunds are not tickets and are left out.
import { sql } from 'kysely';
import { salesDb } from '../sales/index.js';
import { col, divRoundHalfUp, type ReportDefinition, type ReportRow } from './report-definition.js';
import { whereStores } from './report-scope.js';

interface Tickets {
  sales: number;
  paidFen: number;
  memberSales: number;
  memberPaidFen: number;
}

const rowOf = (head: ReportRow, t: Tickets): ReportRow => ({
  ...head,
  sales: t.sales,
  paidFen: t.paidFen,
  averageTicketFen: divRoundHalfUp(t.paidFen, t.sales),
  memberSales: t.memberSales,
  memberAverageTicketFen: divRoundHalfUp(t.memberPaidFen, t.memberSales),
  nonMemberSales: t.sales - t.memberSales,
  nonMemberAverageTicketFen: divRoundHalfUp(t.paidFen - t.memberPaidFen, t.sales - t.memberSales),
});

export const averageTicket: ReportDefinition = {
  name: 'average-ticket',
  title: { zh: '客单价', en: 'Average ticket' },
  summary: 'Paid fen per sale per store over from..to, overall, for members and for non-members (rounded half up)',
  range: 'required',
  columns: [
    col('storeCode', 'text', '门店编码', 'Store code'),
    col('storeName', 'text', '门店', 'Store'),
    col('sales', 'int', '销售笔数', 'Sales'),
    col('paidFen', 'fen', '实收(分)', 'Paid (fen)'),
    col('averageTicketFen', 'fen', '客单价(分)', 'Average ticket (fen)'),
    col('memberSales', 'int', '会员笔数', 'Member sales'),
    col('memberAverageTicketFen', 'fen', '会员客单价(分)', 'Member average ticket (fen)'),
    col('nonMemberSales', 'int', '非会员笔数', 'Non-member sales'),
    col('nonMemberAverageTicketFen', 'fen', '非会员客单价(分)', 'Non-member average ticket (fen)'),
  ],
  chart: { kind: 'bar', category: 'storeName', series: ['averageTicketFen', 'memberAverageTicketFen', 'nonMemberAverageTicketFen'] },
  async run(ctx) {
    let q = salesDb(ctx.gdb)
      .selectFrom('sales')
      .select([
        'store_id',
        sql<string>`count(*)`.as('sales'),
        sql<string>`sum(amount_fen)`.as('paid'),
        sql<string>`sum(case when member_id is null then 0 else 1 end)`.as('member_sales'),
        sql<string>`sum(case when member_id is null then 0 else amount_fen end)`.as('member_paid'),
      ])
      .where('merchant_id', '=', ctx.actor.merchantId)
      .where('kind', '=', 'sale')
      .where('business_date', '>=', ctx.from!)
      .where('business_date', '<=', ctx.to!);
    q = whereStores(q, 'store_id', ctx.stores);
    const found = new Map((await q.groupBy('store_id').execute()).map((r) => [r.store_id, { sales: Number(r.sales), paidFen: Number(r.paid), memberSales: Number(r.member_sales), memberPaidFen: Number(r.member_paid) }]));
    const stores = await whereStores(ctx.gdb.db.selectFrom('stores').select(['id', 'code', 'name']).where('merchant_id', '=', ctx.actor.merchantId), 'id', ctx.stores).orderBy('code').execute();
    const zero: Tickets = { sales: 0, paidFen: 0, memberSales: 0, memberPaidFen: 0 };
    const total = { ...zero };
    const rows = stores.map((s) => {
      const t = found.get(s.id) ?? zero;
      total.sales += t.sales;
      total.paidFen += t.paidFen;
      total.memberSales += t.memberSales;
      total.memberPaidFen += t.memberPaidFen;
      return rowOf({ storeId: s.id, storeCode: s.code, storeName: s.name }, t);
    });
    return { rows, totals: rowOf({ storeId: null, storeCode: null, storeName: '合计 / Total' }, total) };
  },
};
