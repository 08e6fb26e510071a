// GET /v1/reports/<name> (JSON, or ?format=csv|xlsx), /v1/reports/<name>.csv|.xlsx and
// /v1/reports/<name>/chart.svg|.png for every report in the registry. JSON and charts follow the
// actor's store scope; files also need the export permission, like /v1/exports/*.
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { require } from '../../auth/permissions.js';
import type { Actor } from '../../context.js';
import { DEFAULT_CHART_SIZE, MAX_CHART_PX, MIN_CHART_PX, renderChartPng, renderChartSvg } from '../../reports/report-chart.js';
import type { ReportDefinition } from '../../reports/report-definition.js';
import { reportCsv, reportXlsx, XLSX_CONTENT_TYPE, type ReportFile, type ReportFileFormat } from '../../reports/report-export.js';
import { REPORTS } from '../../reports/report-registry.js';
import { MAX_RANGE_DAYS } from '../../reports/report-scope.js';
import { runReport, type ReportQuery } from '../../reports/report-runner.js';
import type { Services } from '../../services.js';
import { addRoute, type GatewayApp, type GatewayEnv } from '../route.js';

const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const StoreId = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'expected a ULID');
const Bilingual = z.object({ zh: z.string(), en: z.string() });
const Value = z.union([z.string(), z.number(), z.null()]);
const ReportResponse = z
  .object({
    report: z.string(),
    title: Bilingual,
    from: z.string().nullable(),
    to: z.string().nullable(),
    storeId: z.string().nullable(),
    columns: z.array(z.object({ key: z.string(), kind: z.enum(['text', 'int', 'fen', 'points', 'pct', 'decimal']), zh: z.string(), en: z.string() })),
    rows: z.array(z.record(z.string(), Value)),
    totals: z.record(z.string(), Value).nullable(),
    meta: z.record(z.string(), z.unknown()),
  })
  .openapi('Report', { description: 'Rows keyed by column key; amounts in integer fen, pct in percent with two decimals' });

function queryOf(d: ReportDefinition) {
  const range = d.range === 'required'
    ? { from: IsoDay.optional().openapi({ description: 'first business date, inclusive (required)' }), to: IsoDay.optional().openapi({ description: `last business date, inclusive (required); the range is at most ${d.maxRangeDays ?? MAX_RANGE_DAYS} days` }) }
    : { from: IsoDay.optional().openapi({ description: 'not accepted: this report is a snapshot as of now (400 when given)' }), to: IsoDay.optional().openapi({ description: 'not accepted (400 when given)' }) };
  return z.object({ ...range, storeId: StoreId.optional().openapi({ description: 'one store in your scope; default: all of them' }), ...(d.extraQuery ?? {}) });
}

const ChartSize = {
  width: z.coerce.number().int().min(MIN_CHART_PX).max(MAX_CHART_PX).default(DEFAULT_CHART_SIZE.width),
  height: z.coerce.number().int().min(MIN_CHART_PX).max(MAX_CHART_PX).default(DEFAULT_CHART_SIZE.height),
};

const sendFile = (c: Context<GatewayEnv>, file: ReportFile) =>
  c.body(file.body as Uint8Array<ArrayBuffer>, 200, { 'content-type': file.contentType, 'content-disposition': `attachment; filename="${file.filename}"` });

export function reportRoutes(app: GatewayApp, s: Services): void {
  for (const d of REPORTS) {
    const query = queryOf(d);
    const run = (actor: Actor, q: ReportQuery) => runReport(s.gdb, s.clock, actor, d, q);
    const file = async (actor: Actor, q: ReportQuery, format: ReportFileFormat) => {
      require(actor, 'export');
      const result = await run(actor, q);
      const table = { definition: d, rows: result.rows, totals: result.totals, from: result.from, to: result.to };
      if (format === 'csv') return reportCsv(table);
      const png = await renderChartPng({ definition: d, rows: result.rows, from: result.from, to: result.to });
      return reportXlsx(table, { png, ...DEFAULT_CHART_SIZE });
    };
    const path = `/v1/reports/${d.name}`;
    addRoute(
      app,
      {
        method: 'get', path, tag: 'reports', summary: `${d.title.zh} / ${d.title.en}: ${d.summary}`,
        query: query.extend({ format: z.enum(['json', 'csv', 'xlsx']).default('json') }),
        response: ReportResponse,
      },
      async ({ actor, query: q, c }) => (q.format === 'json' ? run(actor, q) : sendFile(c, await file(actor, q, q.format))),
    );
    for (const format of ['csv', 'xlsx'] as const) {
      addRoute(
        app,
        { method: 'get', path: `${path}.${format}`, tag: 'reports', summary: `${d.title.en} as ${format.toUpperCase()} (headers 中文 / English, amounts in fen)`, query, produces: [format === 'csv' ? 'text/csv' : XLSX_CONTENT_TYPE] },
        async ({ actor, query: q, c }) => sendFile(c, await file(actor, q, format)),
      );
    }
    const chartQuery = query.extend(ChartSize);
    addRoute(app, { method: 'get', path: `${path}/chart.svg`, tag: 'reports', summary: `${d.title.en} as an SVG chart (ECharts)`, query: chartQuery, produces: ['image/svg+xml'] }, async ({ actor, query: q, c }) => {
      const result = await run(actor, q);
      const svg = renderChartSvg({ definition: d, rows: result.rows, from: result.from, to: result.to, width: q.width, height: q.height });
      return c.body(svg, 200, { 'content-type': 'image/svg+xml; charset=utf-8' });
    });
    addRoute(app, { method: 'get', path: `${path}/chart.png`, tag: 'reports', summary: `${d.title.en} as a PNG chart`, query: chartQuery, produces: ['image/png'] }, async ({ actor, query: q, c }) => {
      const result = await run(actor, q);
      const png = await renderChartPng({ definition: d, rows: result.rows, from: result.from, to: result.to, width: q.width, height: q.height });
      return c.body(png as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'image/png' });
    });
  }
}
