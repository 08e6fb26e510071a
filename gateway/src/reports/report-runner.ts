// Runs one report for one actor: the range is checked first, then the store filter against the
// actor's scope, then the report's own query; the output carries what the request resolved to.
import type { Actor, Clock } from '../context.js';
import type { GatewayDb } from '../db/database.js';
import type { Bilingual, ReportColumn, ReportDefinition, ReportRow } from './report-definition.js';
import { checkRange, reportStores } from './report-scope.js';

export interface ReportQuery {
  from?: string | undefined;
  to?: string | undefined;
  storeId?: string | undefined;
  [extra: string]: unknown;
}

export interface ReportResult {
  report: string;
  title: Bilingual;
  from: string | null;
  to: string | null;
  storeId: string | null;
  columns: ReportColumn[];
  rows: ReportRow[];
  totals: ReportRow | null;
  meta: Record<string, unknown>;
}

export async function runReport(gdb: GatewayDb, clock: Clock, actor: Actor, definition: ReportDefinition, query: ReportQuery): Promise<ReportResult> {
  const range = checkRange(definition.range, query.from, query.to, definition.maxRangeDays);
  const stores = await reportStores(gdb, actor, query.storeId);
  const out = await definition.run({ gdb, actor, clock, stores, from: range.from, to: range.to }, query);
  return {
    report: definition.name,
    title: definition.title,
    from: range.from,
    to: range.to,
    storeId: query.storeId ?? null,
    columns: definition.columns,
    rows: out.rows,
    totals: out.totals,
    meta: out.meta ?? {},
  };
}
