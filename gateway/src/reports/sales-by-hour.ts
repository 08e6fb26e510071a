// Sales by hour of day (the store's wall clock), summed over the range: always 24 rows, 0–23.
import { col, type ReportDefinition } from './report-definition.js';
import { figuresRow, SALES_FIGURE_COLUMNS, salesFiguresBy, totalOf, ZERO_FIGURES } from './sales-aggregate.js';

export const salesByHour: ReportDefinition = {
  name: 'sales-by-hour',
  title: { zh: '分时段销售', en: 'Sales by hour' },
  summary: "Sales, gross, discount, paid, refunds and net (fen) per hour of the store's day (0–23) over from..to",
  range: 'required',
  columns: [col('hour', 'int', '时段', 'Hour'), ...SALES_FIGURE_COLUMNS],
  chart: { kind: 'bar', category: 'hour', series: ['sales'] },
  async run(ctx) {
    const figures = await salesFiguresBy(ctx, 'local_hour');
    const rows = Array.from({ length: 24 }, (_, h) => figuresRow({ hour: h }, figures.get(h) ?? ZERO_FIGURES));
    return { rows, totals: figuresRow({ hour: null }, totalOf(figures.values())) };
  },
};
