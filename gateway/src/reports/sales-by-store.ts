// Sales by store: every store in scope (a store that sold nothing shows zeros), with a totals row.
import { col, type ReportDefinition } from './report-definition.js';
import { whereStores } from './report-scope.js';
import { figuresRow, SALES_FIGURE_COLUMNS, salesFiguresBy, totalOf, ZERO_FIGURES } from './sales-aggregate.js';

export const salesByStore: ReportDefinition = {
  name: 'sales-by-store',
  title: { zh: '门店销售', en: 'Sales by store' },
  summary: 'Sales, gross, discount, paid, refunds and net (fen) per store over business dates from..to',
  range: 'required',
  columns: [col('storeCode', 'text', '门店编码', 'Store code'), col('storeName', 'text', '门店', 'Store'), ...SALES_FIGURE_COLUMNS],
  chart: { kind: 'bar', category: 'storeName', series: ['paidFen', 'netFen'] },
  async run(ctx) {
    const figures = await salesFiguresBy(ctx, 'store_id');
    const stores = await whereStores(
      ctx.gdb.db.selectFrom('stores').select(['id', 'code', 'name']).where('merchant_id', '=', ctx.actor.merchantId),
      'id',
      ctx.stores,
    )
      .orderBy('code')
      .execute();
    const rows = stores.map((s) => figuresRow({ storeId: s.id, storeCode: s.code, storeName: s.name }, figures.get(s.id) ?? ZERO_FIGURES));
    return { rows, totals: figuresRow({ storeId: null, storeCode: null, storeName: '合计 / Total' }, totalOf(figures.values())) };
  },
};
