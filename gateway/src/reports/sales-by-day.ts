// Sales by business day: one row for every day of the range (days without sales show zeros).
import { col, type ReportDefinition } from './report-definition.js';
import { daysBetween } from './report-scope.js';
import { figuresRow, SALES_FIGURE_COLUMNS, salesFiguresBy, totalOf, ZERO_FIGURES } from './sales-aggregate.js';

export const salesByDay: ReportDefinition = {
  name: 'sales-by-day',
  title: { zh: '每日销售', en: 'Sales by day' },
  summary: 'Sales, gross, discount, paid, refunds and net (fen) per business date, every day of from..to',
  range: 'required',
  columns: [col('date', 'text', '营业日', 'Business date'), ...SALES_FIGURE_COLUMNS],
  chart: { kind: 'line', category: 'date', series: ['paidFen', 'netFen'] },
  async run(ctx) {
    const figures = await salesFiguresBy(ctx, 'business_date');
    const rows = daysBetween(ctx.from!, ctx.to!).map((d) => figuresRow({ date: d }, figures.get(d) ?? ZERO_FIGURES));
    return { rows, totals: figuresRow({ date: '合计 / Total' }, totalOf(figures.values())) };
  },
};
