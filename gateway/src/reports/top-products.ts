// Top products over the range from the sale lines: quantity (thousandths, so 1.5 kg is 1500), gross
// and net fen, number of sales. Ranked by net or by quantity; ties by SKU so a ranking is stable.
// Refunds carry no lines, so this is what was sold, before refunds.
import { z } from '@hono/zod-openapi';
import { sql } from 'kysely';
import { salesDb } from '../sales/index.js';
import { col, type ReportDefinition } from './report-definition.js';
import { whereStores } from './report-scope.js';

export const MAX_TOP_PRODUCTS = 200;

export const topProducts: ReportDefinition = {
  name: 'top-products',
  title: { zh: '商品排行', en: 'Top products' },
  summary: 'Products ranked by net fen (by=net) or by quantity (by=quantity) over from..to, at most limit rows',
  range: 'required',
  extraQuery: {
    by: z.enum(['net', 'quantity']).default('net').openapi({ description: 'rank by net fen or by quantity' }),
    limit: z.coerce.number().int().min(1).max(MAX_TOP_PRODUCTS).default(20),
  },
  columns: [
    col('rank', 'int', '排名', 'Rank'),
    col('sku', 'text', '商品编码', 'SKU'),
    col('name', 'text', '商品', 'Product'),
    col('quantityMilli', 'int', '数量(千分之一)', 'Quantity (thousandths)'),
    col('sales', 'int', '销售笔数', 'Sales'),
    col('grossFen', 'fen', '原价合计(分)', 'Gross (fen)'),
    col('netFen', 'fen', '净额(分)', 'Net (fen)'),
  ],
  chart: { kind: 'horizontalBar', category: 'name', series: ['netFen'] },
  async run(ctx, query) {
    const by = query.by as 'net' | 'quantity';
    const limit = query.limit as number;
    const net = sql<string>`sum(net_fen)`;
    const quantity = sql<string>`sum(quantity_milli)`;
    const inRange = () => {
      const q = salesDb(ctx.gdb)
        .selectFrom('sale_lines')
        .where('merchant_id', '=', ctx.actor.merchantId)
        .where('business_date', '>=', ctx.from!)
        .where('business_date', '<=', ctx.to!);
      return whereStores(q, 'store_id', ctx.stores);
    };
    const rows = await inRange()
      .select(['sku', sql<string>`max(name)`.as('name'), quantity.as('quantity'), sql<string>`sum(gross_fen)`.as('gross'), net.as('net')])
      .groupBy('sku')
      .orderBy(by === 'net' ? net : quantity, 'desc')
      .orderBy(by === 'net' ? quantity : net, 'desc')
      .orderBy('sku')
      .limit(limit)
      .execute();
    // Distinct sales only for the SKUs ranked: count(distinct) over every SKU sorts all the lines
    // (6.4 s against 0.9 s for the ranking itself over 1.9M lines on PostgreSQL).
    const sales = new Map<string, number>();
    if (rows.length) {
      const counted = await inRange()
        .select(['sku', sql<string>`count(distinct sale_id)`.as('sales')])
        .where('sku', 'in', rows.map((r) => r.sku))
        .groupBy('sku')
        .execute();
      for (const c of counted) sales.set(c.sku, Number(c.sales));
    }
    return {
      rows: rows.map((r, i) => ({ rank: i + 1, sku: r.sku, name: r.name, quantityMilli: Number(r.quantity), sales: sales.get(r.sku) ?? 0, grossFen: Number(r.gross), netFen: Number(r.net) })),
      totals: null,
      meta: { by },
    };
  },
};
