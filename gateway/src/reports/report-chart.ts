// A report drawn as a chart: Apache ECharts builds one option and renders it twice over — as SVG on
// the server (renderer 'svg', ssr) and as PNG through its canvas renderer on @napi-rs/canvas (Skia)
// with Debian's WenQuanYi Zen Hei registered once, so Chinese labels render. Amounts are drawn in
// yuan (fen / 100); the rows stay in fen.
import { existsSync } from 'node:fs';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import * as echarts from 'echarts';
import { GatewayError } from '../errors.js';
import type { ReportColumn, ReportDefinition, ReportRow } from './report-definition.js';

/** Debian's fonts-wqy-zenhei; every CJK glyph the labels need. */
export const CJK_FONT_FILE = '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc';
const CJK_FONT_FAMILY = 'WenQuanYi Zen Hei';

export const DEFAULT_CHART_SIZE = { width: 800, height: 450 } as const;
export const MIN_CHART_PX = 200;
export const MAX_CHART_PX = 2400;
/** More bars or slices than this are unreadable: the chart shows the first ones (the rows are ranked or ordered). */
export const MAX_CHART_CATEGORIES = 40;
/** A line keeps every point of the longest range a report accepts (CLV's 1,100 days). */
export const MAX_LINE_POINTS = 1100;

export interface ChartInput {
  definition: ReportDefinition;
  rows: ReportRow[];
  from: string | null;
  to: string | null;
  width?: number | undefined;
  height?: number | undefined;
}

const isMoney = (c: ReportColumn) => c.kind === 'fen';
const seriesName = (c: ReportColumn) => (isMoney(c) ? `${c.zh.replace('(分)', '(元)')} / ${c.en.replace('(fen)', '(yuan)')}` : `${c.zh} / ${c.en}`);
const display = (c: ReportColumn, v: unknown) => {
  const n = typeof v === 'number' ? v : Number(v ?? 0);
  return isMoney(c) ? n / 100 : n;
};

/** The ECharts option for a report's rows (no animation: it is rendered once, on the server). */
export function chartOption(input: ChartInput): echarts.EChartsCoreOption {
  const { definition: d } = input;
  const rows = input.rows.slice(0, d.chart.kind === 'line' ? MAX_LINE_POINTS : MAX_CHART_CATEGORIES);
  const column = (key: string) => {
    const c = d.columns.find((x) => x.key === key);
    if (!c) throw new Error(`report ${d.name}: chart column ${key} is not a column`);
    return c;
  };
  const categories = rows.map((r) => String(r[d.chart.category] ?? ''));
  const series = d.chart.series.map(column);
  const title = {
    text: `${d.title.zh} / ${d.title.en}`,
    subtext: input.from ? `${input.from} — ${input.to}` : '',
    left: 'center',
  };
  const legend = { bottom: 8, data: series.map(seriesName) };
  const grid = { top: input.from ? 72 : 56, left: 24, right: 40, bottom: 44, containLabel: true };
  const base = { animation: false, backgroundColor: '#ffffff', title };
  if (d.chart.kind === 'pie') {
    const c = series[0]!;
    return {
      ...base,
      legend: { ...legend, data: categories },
      series: [{
        type: 'pie',
        name: seriesName(c),
        radius: '55%',
        center: ['50%', '55%'],
        label: { formatter: '{b}: {c} ({d}%)' },
        data: rows.map((r, i) => ({ name: categories[i], value: display(c, r[c.key]) })),
      }],
    };
  }
  const horizontal = d.chart.kind === 'horizontalBar';
  const categoryAxis = { type: 'category', data: categories, inverse: horizontal, axisLabel: { interval: categories.length > MAX_CHART_CATEGORIES ? 'auto' : 0, rotate: !horizontal && categories.length > 12 ? 45 : 0 } };
  const valueAxis = { type: 'value' };
  return {
    ...base,
    legend,
    grid,
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? categoryAxis : valueAxis,
    series: series.map((c) => ({
      type: d.chart.kind === 'line' ? 'line' : 'bar',
      name: seriesName(c),
      ...(d.chart.kind === 'stackedBar' ? { stack: 'total' } : {}),
      label: {
        show: rows.length <= 31,
        position: d.chart.kind === 'stackedBar' ? 'inside' : horizontal ? 'right' : 'top',
        // An empty stack segment would print a stray 0 on the bar above it.
        formatter: (p: { value: unknown }) => (p.value === 0 ? '' : String(p.value)),
      },
      data: rows.map((r) => display(c, r[c.key])),
    })),
  };
}

function size(input: ChartInput): { width: number; height: number } {
  const width = input.width ?? DEFAULT_CHART_SIZE.width;
  const height = input.height ?? DEFAULT_CHART_SIZE.height;
  for (const [field, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v < MIN_CHART_PX || v > MAX_CHART_PX) {
      throw new GatewayError('VALIDATION', `图表尺寸须为 ${MIN_CHART_PX}–${MAX_CHART_PX} 像素 / ${field} must be ${MIN_CHART_PX}–${MAX_CHART_PX} px`, `query.${field}`);
    }
  }
  return { width, height };
}

export function renderChartSvg(input: ChartInput): string {
  const { width, height } = size(input);
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(chartOption(input));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

// Skia's font registry is process-wide, so the font is registered once per process, on first use.
let fontRegistered = false;
function ensureFont(): void {
  if (fontRegistered) return;
  fontRegistered = true;
  // Without Debian's font Skia falls back to the system's fonts (fontconfig) rather than drawing no text.
  if (existsSync(CJK_FONT_FILE)) GlobalFonts.registerFromPath(CJK_FONT_FILE, CJK_FONT_FAMILY);
}

/**
 * The chart as PNG, drawn by ECharts' canvas renderer on a Skia canvas of the asked size (the same
 * option as the SVG). Drawing runs on the event loop (tens of ms); PNG encoding runs off it.
 */
export async function renderChartPng(input: ChartInput): Promise<Uint8Array> {
  const { width, height } = size(input);
  ensureFont();
  const canvas = createCanvas(width, height);
  const chart = echarts.init(canvas as unknown as Parameters<typeof echarts.init>[0], null, { width, height });
  try {
    chart.setOption({ ...chartOption(input), textStyle: { fontFamily: `${CJK_FONT_FAMILY}, sans-serif` } });
    // Encode before dispose: disposing clears the canvas.
    return new Uint8Array(await canvas.encode('png'));
  } finally {
    chart.dispose();
  }
}
