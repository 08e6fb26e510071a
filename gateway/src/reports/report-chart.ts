// A report drawn as a chart: Apache ECharts builds the option and renders SVG on the server
// (renderer 'svg', ssr), resvg rasterises that SVG to PNG with Debian's WenQuanYi Zen Hei so the
// Chinese labels render. Amounts are drawn in yuan (fen / 100); the rows stay in fen.
import { existsSync } from 'node:fs';
import { renderAsync } from '@resvg/resvg-js';
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
  const rows = input.rows.slice(0, MAX_CHART_CATEGORIES);
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
  const categoryAxis = { type: 'category', data: categories, inverse: horizontal, axisLabel: { interval: 0, rotate: !horizontal && categories.length > 12 ? 45 : 0 } };
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

/**
 * The SVG rasterised at its own size (1 SVG px = 1 PNG px) on white, on libuv's thread pool: parsing
 * the 17 MB CJK font and drawing take a few hundred ms that must not block the event loop.
 */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  const fonts = existsSync(CJK_FONT_FILE) ? [CJK_FONT_FILE] : [];
  const image = await renderAsync(svg, {
    background: '#ffffff',
    font: {
      fontFiles: fonts,
      // Without Debian's font, fall back to whatever the system has rather than drawing no text.
      loadSystemFonts: fonts.length === 0,
      defaultFontFamily: CJK_FONT_FAMILY,
      sansSerifFamily: CJK_FONT_FAMILY,
    },
  });
  return image.asPng();
}

export async function renderChartPng(input: ChartInput): Promise<Uint8Array> {
  return svgToPng(renderChartSvg(input));
}
