// A report as a file: CSV (UTF-8 with BOM so Excel reads the Chinese) or XLSX, headers "中文 / English",
// amounts in integer fen as in every export; a totals row last when the report has one. The XLSX
// also carries the chart as a picture on a second sheet.
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { ReportDefinition, ReportRow, ReportValue } from './report-definition.js';

export type ReportFileFormat = 'csv' | 'xlsx';

export interface ReportFile {
  body: Uint8Array;
  contentType: string;
  filename: string;
}

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface ReportTable {
  definition: ReportDefinition;
  rows: ReportRow[];
  totals: ReportRow | null;
  from: string | null;
  to: string | null;
}

export const headerOf = (d: ReportDefinition): string[] => d.columns.map((c) => `${c.zh} / ${c.en}`);

function cells(d: ReportDefinition, row: ReportRow): ReportValue[] {
  return d.columns.map((c) => row[c.key] ?? null);
}

export function fileName(t: ReportTable, ext: string): string {
  return t.from ? `${t.definition.name}_${t.from}_${t.to}.${ext}` : `${t.definition.name}.${ext}`;
}

export function reportCsv(t: ReportTable): ReportFile {
  const rows = [...t.rows, ...(t.totals ? [t.totals] : [])].map((r) => cells(t.definition, r).map((v) => (v === null ? '' : v)));
  const text = '\uFEFF' + stringify([headerOf(t.definition), ...rows]);
  return { body: new TextEncoder().encode(text), contentType: 'text/csv; charset=utf-8', filename: fileName(t, 'csv') };
}

/** `chartPng` (optional) goes on a second sheet named 图表 Chart. */
export async function reportXlsx(t: ReportTable, chartPng?: { png: Uint8Array; width: number; height: number }): Promise<ReportFile> {
  const d = t.definition;
  const workbook = new ExcelJS.Workbook();
  // A sheet name is at most 31 characters.
  const sheet = workbook.addWorksheet(d.name.slice(0, 31));
  sheet.addRow(headerOf(d)).font = { bold: true };
  for (const row of t.rows) sheet.addRow(cells(d, row));
  if (t.totals) sheet.addRow(cells(d, t.totals)).font = { bold: true };
  d.columns.forEach((c, i) => {
    sheet.getColumn(i + 1).width = Math.min(40, Math.max(12, c.zh.length * 2 + 4, c.en.length + 4));
  });
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  if (chartPng) {
    const pictures = workbook.addWorksheet('图表 Chart');
    const image = workbook.addImage({ buffer: Buffer.from(chartPng.png) as never, extension: 'png' });
    pictures.addImage(image, { tl: { col: 0, row: 0 }, ext: { width: chartPng.width, height: chartPng.height } });
  }
  const buffer = await workbook.xlsx.writeBuffer();
  return { body: new Uint8Array(buffer as ArrayBuffer), contentType: XLSX_CONTENT_TYPE, filename: fileName(t, 'xlsx') };
}
