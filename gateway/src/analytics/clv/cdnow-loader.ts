// Reads the CDNOW purchase log and the lifetimes summaries from the shared data folder (the one I/O
// module of the CLV code): each file is size-capped and every row checked against its documented shape.

import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { Purchase } from './calibration-summary.js';
import { ClvError } from './clv-error.js';

/** The shipped files are under 200 kB; anything far larger is not the file we think it is. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** `<repo>/../shared/data`: CI clones the repo with `shared/` beside it, as the sessions have it. */
export function sharedDataDir(repoRoot: string = repoRootOfThisModule()): string {
  return path.resolve(repoRoot, '..', 'shared', 'data');
}

function repoRootOfThisModule(): string {
  // this file is <repo>/gateway/src/analytics/clv/cdnow-loader.ts
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
}

function readBounded(file: string): string {
  const { size } = statSync(file);
  if (size > MAX_FILE_BYTES) {
    throw new ClvError('CLV_DATA_FORMAT', `文件过大 / ${file} is ${size} bytes, over ${MAX_FILE_BYTES}`, 'file');
  }
  return readFileSync(file, 'utf8');
}

export interface CdnowPurchase extends Purchase {
  readonly masterId: string;
  readonly cds: number;
}

const LOG_LINE = /^\s*(\d+)\s+(\d+)\s+(\d{4})(\d{2})(\d{2})\s+(\d+)\s+(\d+)\.(\d{2})\s*$/;

/** Parses CDNOW_sample.txt: `master-id sample-id yyyymmdd cds dollars.cents`, whitespace-separated, CRLF. */
export function parseCdnowLog(text: string): CdnowPurchase[] {
  const rows: CdnowPurchase[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const m = LOG_LINE.exec(line);
    if (!m) {
      throw new ClvError('CLV_DATA_FORMAT', `CDNOW 第 ${i + 1} 行格式错误 / CDNOW line ${i + 1} malformed: "${line.slice(0, 80)}"`, `line ${i + 1}`);
    }
    rows.push({
      masterId: m[1]!,
      // The sample id without its zero padding is the ID used by the lifetimes summaries.
      customerId: String(Number(m[2])),
      day: `${m[3]}-${m[4]}-${m[5]}`,
      cds: Number(m[6]),
      // Parsed as integer cents so that same-day sums stay exact.
      amountMinor: Number(m[7]) * 100 + Number(m[8]),
    });
  });
  return rows;
}

const num = z.coerce.number().refine(Number.isFinite, 'not a finite number');
const SummaryRow = z.object({ ID: z.string().regex(/^\d+$/), frequency: num, recency: num, T: num });
const SummaryWithTransactionsRow = z.object({ ID: z.string().regex(/^\d+$/), x: num, t_x: num, T: num, zbar: num });

function parseCsv<S extends z.ZodType>(text: string, schema: S, name: string): z.infer<S>[] {
  const records = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as unknown[];
  return records.map((r, i) => {
    const parsed = schema.safeParse(r);
    if (!parsed.success) {
      throw new ClvError('CLV_DATA_FORMAT', `${name} 第 ${i + 2} 行格式错误 / ${name} row ${i + 2}: ${parsed.error.message}`, `row ${i + 2}`);
    }
    return parsed.data;
  });
}

export interface ShippedSummary {
  readonly customerId: string;
  readonly frequency: number;
  readonly recency: number;
  readonly T: number;
}

export interface ShippedSummaryWithSpend extends ShippedSummary {
  /** Mean dollar value of the repeat purchases in the calibration period (0 for none). */
  readonly meanSpend: number;
}

export function readCdnowSample(dataDir: string = sharedDataDir()): CdnowPurchase[] {
  return parseCdnowLog(readBounded(path.join(dataDir, 'cdnow', 'CDNOW_sample.txt')));
}

export function readCdnowSummary(dataDir: string = sharedDataDir()): ShippedSummary[] {
  const name = 'cdnow_customers_summary.csv';
  return parseCsv(readBounded(path.join(dataDir, 'lifetimes', name)), SummaryRow, name).map((r) => ({
    customerId: r.ID,
    frequency: r.frequency,
    recency: r.recency,
    T: r.T,
  }));
}

export function readCdnowSummaryWithTransactions(dataDir: string = sharedDataDir()): ShippedSummaryWithSpend[] {
  const name = 'cdnow_customers_summary_with_transactions.csv';
  return parseCsv(readBounded(path.join(dataDir, 'lifetimes', name)), SummaryWithTransactionsRow, name).map((r) => ({
    customerId: r.ID,
    frequency: r.x,
    recency: r.t_x,
    T: r.T,
    meanSpend: r.zbar,
  }));
}
