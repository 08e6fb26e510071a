// What every report is: a name, bilingual titles and column headers, a query schema, a chart, and a
// function that turns a resolved scope and date range into rows. Routes, exports and charts read these.
import type { z } from '@hono/zod-openapi';
import type { Actor, Clock } from '../context.js';
import type { GatewayDb } from '../db/database.js';

export interface Bilingual {
  zh: string;
  en: string;
}

/** How a column's values are typed and formatted: fen and points are integers, pct is 0–100 with two decimals. */
export type ColumnKind = 'text' | 'int' | 'fen' | 'points' | 'pct' | 'decimal';

export interface ReportColumn extends Bilingual {
  key: string;
  kind: ColumnKind;
}

export type ReportValue = string | number | null;
export type ReportRow = Record<string, ReportValue>;

/** How the report is drawn: a category column and one or more value columns. */
export interface ChartSpec {
  kind: 'bar' | 'horizontalBar' | 'stackedBar' | 'line' | 'pie';
  category: string;
  series: string[];
}

/** Whether the report reads a business-date range (sales) or is a snapshot as of now (liability, tiers). */
export type RangeUse = 'required' | 'none';

/** Resolved for one request: the stores the actor may see, narrowed by `storeId`; the inclusive date range. */
export interface ReportContext {
  gdb: GatewayDb;
  actor: Actor;
  clock: Clock;
  /** 'all' for the whole merchant, else the store ids (possibly empty: nothing to see). */
  stores: 'all' | string[];
  from: string | null;
  to: string | null;
}

export interface ReportOutput {
  rows: ReportRow[];
  /** A totals row for reports where adding up makes sense (sales); null otherwise. */
  totals: ReportRow | null;
  /** Report-specific facts that are not rows (the fitted CLV parameters, the periods compared). */
  meta?: Record<string, unknown>;
}

export interface ReportDefinition {
  name: string;
  title: Bilingual;
  /** One line for the OpenAPI document. */
  summary: string;
  range: RangeUse;
  /** Longest range accepted, in days (default MAX_RANGE_DAYS, 366). */
  maxRangeDays?: number;
  /** Extra query parameters beyond from/to/storeId/format (zod object shape). */
  extraQuery?: Record<string, z.ZodType>;
  columns: ReportColumn[];
  chart: ChartSpec;
  run(ctx: ReportContext, query: Record<string, unknown>): Promise<ReportOutput>;
}

export const col = (key: string, kind: ColumnKind, zh: string, en: string): ReportColumn => ({ key, kind, zh, en });

/** Integer division rounded half up, for averages in fen (the engine's rounding). */
export function divRoundHalfUp(numerator: number, denominator: number): number {
  if (denominator === 0) return 0;
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/** part / whole as a percentage with two decimals (0 when the whole is 0). */
export function pct(part: number, whole: number): number {
  if (whole === 0) return 0;
  return Math.round((part * 10_000) / whole) / 100;
}
