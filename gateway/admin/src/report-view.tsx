// A report of the gateway's report registry (/v1/reports/<name>): rows keyed by column, amounts in
// fen, shares in percent. Shown as a table and, where asked, a chart. A report the gateway does not
// have is said to be missing, never filled with made-up numbers.
import { Alert, Table } from 'antd';
import { get, qs } from './api.js';
import { Chart, type ChartOption } from './charts.js';
import { ErrorAlert, isMissingApi } from './errors.js';
import { yuan } from './format.js';
import { pickMessage, useLang, useT } from './i18n.js';
import { useLoad } from './use-load.js';

export interface ReportColumn {
  key: string;
  kind: 'text' | 'int' | 'fen' | 'points' | 'pct' | 'decimal';
  zh: string;
  en: string;
}
export interface Report {
  report: string;
  title: { zh: string; en: string };
  columns: ReportColumn[];
  rows: Record<string, string | number | null>[];
  totals: Record<string, string | number | null> | null;
}

export function useReport(name: string, params: Record<string, string | undefined>) {
  return useLoad(() => get<Report>(`/v1/reports/${name}${qs(params)}`), [name, JSON.stringify(params)]);
}

export function formatCell(kind: ReportColumn['kind'], v: string | number | null, lang: 'zh' | 'en' = 'zh'): string {
  if (v === null || v === undefined) return '—';
  if (kind === 'text') return pickMessage(String(v), lang);
  if (kind === 'fen') return yuan(Number(v));
  if (kind === 'pct') return `${Number(v).toFixed(2)}%`;
  return String(v);
}

/** Column header without the "(分)" / "(fen)" suffix: the console shows yuan. */
function header(c: ReportColumn, lang: 'zh' | 'en'): string {
  return (lang === 'zh' ? c.zh : c.en).replace(/\s*\((分|fen)\)/, '');
}

export function ReportTable({ report, columns }: { report: Report; columns?: string[] }) {
  const lang = useLang();
  const cols = report.columns.filter((c) => !columns || columns.includes(c.key));
  return (
    <Table
      size="small"
      pagination={false}
      rowKey={(_r, i) => String(i)}
      dataSource={report.rows}
      columns={cols.map((c) => ({ title: header(c, lang), dataIndex: c.key, render: (v: string | number | null) => formatCell(c.kind, v, lang), align: c.kind === 'text' ? 'left' : 'right' }))}
      summary={() =>
        report.totals ? (
          <Table.Summary.Row>
            {cols.map((c, i) => (
              <Table.Summary.Cell key={c.key} index={i} align={c.kind === 'text' ? 'left' : 'right'}>
                <b>{i === 0 && report.totals![c.key] == null ? (lang === 'zh' ? '合计' : 'Total') : formatCell(c.kind, report.totals![c.key] ?? null, lang)}</b>
              </Table.Summary.Cell>
            ))}
          </Table.Summary.Row>
        ) : null
      }
    />
  );
}

export function reportChart(report: Report, kind: 'bar' | 'line' | 'pie', category: string, series: string[], lang: 'zh' | 'en'): ChartOption {
  const col = (k: string) => report.columns.find((c) => c.key === k)!;
  const value = (r: Record<string, string | number | null>, k: string) => (col(k).kind === 'fen' ? Number(r[k] ?? 0) / 100 : Number(r[k] ?? 0));
  if (kind === 'pie') {
    return {
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      series: [{ type: 'pie', radius: ['40%', '70%'], data: report.rows.map((r) => ({ name: pickMessage(String(r[category]), lang), value: value(r, series[0]!) })) }],
    };
  }
  return {
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0 },
    grid: { left: 60, right: 20, top: 20, bottom: 50 },
    xAxis: { type: 'category', data: report.rows.map((r) => pickMessage(String(r[category]), lang)) },
    yAxis: { type: 'value' },
    series: series.map((k) => ({ type: kind, name: header(col(k), lang), data: report.rows.map((r) => value(r, k)), stack: kind === 'bar' && series.length > 1 ? 'total' : undefined })),
  };
}

/** A report card body: its chart and table, or why there is none. */
export function ReportBlock({ name, params, chart, columns, height, table = true, rankBy, top }: { name: string; params: Record<string, string | undefined>; chart?: { kind: 'bar' | 'line' | 'pie'; category: string; series: string[] }; columns?: string[]; height?: number; table?: boolean; rankBy?: string; top?: number }) {
  const t = useT();
  const lang = useLang();
  const loaded = useReport(name, params);
  // Ranked (descending by `rankBy`, ties in the report's order) and cut to `top` rows, when asked.
  const r = !loaded.data || (!rankBy && !top) ? loaded : {
    ...loaded,
    data: { ...loaded.data, rows: (rankBy ? loaded.data.rows.map((row, i) => ({ row, i })).sort((a, b) => Number(b.row[rankBy] ?? 0) - Number(a.row[rankBy] ?? 0) || a.i - b.i).map((x) => x.row) : loaded.data.rows).slice(0, top) },
  };
  if (r.error) {
    return isMissingApi(r.error) ? <Alert type="warning" showIcon message={t(`网关尚未提供报表 ${name}`, `The gateway has no report ${name} yet`)} /> : <ErrorAlert error={r.error} />;
  }
  if (!r.data) return <div style={{ height: height ?? 200 }} />;
  if (r.data.rows.length === 0) return <Alert type="info" message={t('该期间没有数据', 'No data in this period')} />;
  // A pie of nothing but zeros would draw equal slices: say there is nothing instead.
  const empty = chart?.kind === 'pie' && r.data.rows.every((row) => Number(row[chart.series[0]!] ?? 0) === 0);
  return (
    <>
      {chart && !empty && <Chart option={reportChart(r.data, chart.kind, chart.category, chart.series, lang)} height={height ?? 260} testId={`chart-${name}`} />}
      {empty && <Alert type="info" style={{ marginBottom: 12 }} message={t('该期间金额为零', 'Nothing sold in this period')} />}
      {table && <ReportTable report={r.data} columns={columns} />}
    </>
  );
}
