// Reports as files and pictures, on SQLite and PostgreSQL: the exact CSV text, the XLSX read back
// with exceljs (rows, totals, the chart picture on its own sheet), the SVG's bars and labels from
// ECharts, and the PNG decoded (size, and the bar colour actually painted).
import ExcelJS from 'exceljs';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../gateway/harness.js';
import { startTestGateway, type Client, type TestGateway } from '../gateway/http-harness.js';
import { chartOption, MAX_CHART_CATEGORIES } from '../../gateway/src/reports/report-chart.js';
import { daysBetween } from '../../gateway/src/reports/report-scope.js';
import { salesByDay } from '../../gateway/src/reports/sales-by-day.js';
import { topProducts } from '../../gateway/src/reports/top-products.js';
import { seedReportWorld, type ReportWorld } from './report-fixture.js';

const RANGE = 'from=2026-11-01&to=2026-11-03';
/** ECharts 6's first palette colour, the first series' bars. */
const FIRST_SERIES_RGB = [0x50, 0x70, 0xdd];

async function getBytes(client: Client, path: string): Promise<{ status: number; type: string; disposition: string; bytes: Buffer }> {
  const res = await fetch(client.baseUrl + path, { headers: { authorization: `Bearer ${client.token}` } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', disposition: res.headers.get('content-disposition') ?? '', bytes: Buffer.from(await res.arrayBuffer()) };
}

function pixelStats(png: PNG): { nonWhite: number; firstSeries: number } {
  let nonWhite = 0;
  let firstSeries = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
    if (r < 250 || g < 250 || b < 250) nonWhite++;
    if (Math.abs(r - FIRST_SERIES_RGB[0]!) <= 2 && Math.abs(g - FIRST_SERIES_RGB[1]!) <= 2 && Math.abs(b - FIRST_SERIES_RGB[2]!) <= 2) firstSeries++;
  }
  return { nonWhite, firstSeries };
}

describe.each(DIALECTS)('report exports and charts on %s', (dialect) => {
  let t: TestGateway;
  let w: ReportWorld;
  const code = `RX${dialect === 'sqlite' ? 'L' : 'P'}`;

  beforeAll(async () => {
    t = await startTestGateway(dialect);
    w = await seedReportWorld(t.gw.services, t.client, code);
  });
  afterAll(async () => t?.close());

  it('CSV: BOM, headers 中文 / English, rows in fen, the totals row last; the same by ?format=csv', async () => {
    const r = await getBytes(w.clients.hq, `/v1/reports/sales-by-store.csv?${RANGE}`);
    expect(r.status).toBe(200);
    expect(r.type).toBe('text/csv; charset=utf-8');
    expect(r.disposition).toBe('attachment; filename="sales-by-store_2026-11-01_2026-11-03.csv"');
    expect(r.bytes.toString('utf8')).toBe(
      '\uFEFF' +
        '门店编码 / Store code,门店 / Store,销售笔数 / Sales,原价合计(分) / Gross (fen),优惠(分) / Discount (fen),实收(分) / Paid (fen),退款笔数 / Refunds,退款(分) / Refunded (fen),净额(分) / Net (fen)\n' +
        `${code}-A1,上海一店,3,19000,1500,17500,1,4500,13000\n` +
        `${code}-A2,上海二店,1,20000,2000,18000,0,0,18000\n` +
        `${code}-B1,广州一店,1,1500,0,1500,0,0,1500\n` +
        ',合计 / Total,5,40500,3500,37000,1,4500,32500\n',
    );
    const viaFormat = await getBytes(w.clients.hq, `/v1/reports/sales-by-store?${RANGE}&format=csv`);
    expect(viaFormat.bytes.equals(r.bytes)).toBe(true);
    const liability = await getBytes(w.clients.manager, '/v1/reports/liability.csv');
    expect(liability.disposition).toBe('attachment; filename="liability.csv"');
    expect(liability.bytes.toString('utf8').split('\n').slice(1)).toEqual([`${code}-A1,上海一店,500,500,30000,3000,33000`, ',合计 / Total,500,500,30000,3000,33000', '']);
  });

  it('XLSX read back with exceljs: header, rows, bold totals, and the chart as a PNG picture on a second sheet', async () => {
    const r = await getBytes(w.clients.hq, `/v1/reports/top-products.xlsx?${RANGE}&by=quantity`);
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(r.bytes as never);
    expect(book.worksheets.map((s) => s.name)).toEqual(['top-products', '图表 Chart']);
    const sheet = book.getWorksheet('top-products')!;
    const cells = (row: number) => Array.from({ length: 7 }, (_, i) => sheet.getRow(row).getCell(i + 1).value);
    expect(cells(1)).toEqual(['排名 / Rank', '商品编码 / SKU', '商品 / Product', '数量(千分之一) / Quantity (thousandths)', '销售笔数 / Sales', '原价合计(分) / Gross (fen)', '净额(分) / Net (fen)']);
    expect([2, 3, 4, 5].map(cells)).toEqual([
      [1, 'MILK', '鲜牛奶', 6000, 3, 13_500, 12_500],
      [2, 'OIL', '食用油', 5000, 1, 20_000, 18_000],
      [3, 'BREAD', '面包', 2000, 2, 6_500, 6_000],
      [4, 'GUM', '口香糖', 1000, 1, 500, 500],
    ]);
    expect(sheet.rowCount).toBe(5);
    const chartSheet = book.getWorksheet('图表 Chart')!;
    expect(chartSheet.getImages()).toHaveLength(1);
    const media = (book.model as unknown as { media: { extension: string; buffer: Buffer }[] }).media;
    expect(media.map((m) => m.extension)).toEqual(['png']);
    const png = PNG.sync.read(media[0]!.buffer);
    expect([png.width, png.height]).toEqual([800, 450]);
    expect(pixelStats(png).firstSeries).toBeGreaterThan(1000);

    const byStore = new ExcelJS.Workbook();
    await byStore.xlsx.load((await getBytes(w.clients.hq, `/v1/reports/sales-by-store?${RANGE}&format=xlsx`)).bytes as never);
    const s = byStore.worksheets[0]!;
    const totals = s.getRow(5);
    expect(Array.from({ length: 9 }, (_, i) => totals.getCell(i + 1).value)).toEqual([null, '合计 / Total', 5, 40_500, 3_500, 37_000, 1, 4_500, 32_500]);
    expect(totals.font?.bold).toBe(true);
  });

  it('SVG from ECharts: one bar per store and series, value labels in yuan, store names, bilingual title', async () => {
    const r = await getBytes(w.clients.hq, `/v1/reports/sales-by-store/chart.svg?${RANGE}&width=640&height=360`);
    expect(r.status).toBe(200);
    expect(r.type).toBe('image/svg+xml; charset=utf-8');
    const svg = r.bytes.toString('utf8');
    expect(svg.startsWith('<svg width="640" height="360"')).toBe(true);
    const bars = (series: number) => svg.match(new RegExp(`<path [^>]*ecmeta_series_index="${series}" ecmeta_data_index="\\d" ecmeta_ssr_type="chart"`, 'g')) ?? [];
    expect(bars(0)).toHaveLength(3);
    expect(bars(1)).toHaveLength(3);
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(texts).toEqual(expect.arrayContaining(['上海一店', '上海二店', '广州一店', '175', '130', '180', '15', '门店销售 / Sales by store', '2026-11-01 — 2026-11-03', '实收(元) / Paid (yuan)', '净额(元) / Net (yuan)']));
    // A pie for the member share: two slices.
    const pie = (await getBytes(w.clients.hq, `/v1/reports/member-share/chart.svg?${RANGE}`)).bytes.toString('utf8');
    expect(pie.match(/ecmeta_ssr_type="chart"/g)).toHaveLength(2);
    expect(pie).toContain('会员 / Members: 280 (86.15%)');
  });

  it('PNG decodes at the asked size and is not blank; a size out of bounds is 400', async () => {
    const r = await getBytes(w.clients.manager, `/v1/reports/sales-by-day/chart.png?${RANGE}&width=640&height=360`);
    expect(r.status).toBe(200);
    expect(r.type).toBe('image/png');
    const png = PNG.sync.read(r.bytes);
    expect([png.width, png.height]).toEqual([640, 360]);
    const stats = pixelStats(png);
    expect(stats.nonWhite).toBeGreaterThan(640 * 360 * 0.01);
    expect(stats.firstSeries).toBeGreaterThan(50);
    const bad = await getBytes(w.clients.hq, `/v1/reports/sales-by-day/chart.png?${RANGE}&width=5000`);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.bytes.toString('utf8')).error).toMatchObject({ code: 'VALIDATION', field: 'query.width' });
  });
});

describe('chart options', () => {
  it('a line keeps every day of a year; bars stop at the first MAX_CHART_CATEGORIES rows; amounts in yuan', () => {
    const days = daysBetween('2026-01-01', '2027-01-01').map((date, i) => ({ date, paidFen: 100 * i, netFen: 50 * i }));
    const line = chartOption({ definition: salesByDay, rows: days, from: '2026-01-01', to: '2027-01-01' }) as { series: { type: string; data: number[] }[] };
    expect(line.series.map((x) => [x.type, x.data.length, x.data[365]])).toEqual([['line', 366, 365], ['line', 366, 182.5]]);
    const products = Array.from({ length: 200 }, (_, i) => ({ name: `P${i}`, netFen: 1000 - i }));
    const bars = chartOption({ definition: topProducts, rows: products, from: '2026-01-01', to: '2026-01-31' }) as { yAxis: { data: string[]; inverse: boolean }; series: { data: number[] }[] };
    expect(bars.yAxis.data).toHaveLength(MAX_CHART_CATEGORIES);
    expect([bars.yAxis.data[0], bars.yAxis.inverse, bars.series[0]!.data[0]]).toEqual(['P0', true, 10]);
  });
});
