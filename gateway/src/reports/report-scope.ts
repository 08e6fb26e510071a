// The two things every report request is checked for before any query runs, in this order:
// the date range (real calendar days, from ≤ to, at most MAX_RANGE_DAYS) and the store filter
// (a store outside the actor's scope is "not found", like everywhere else in the API).
import type { SelectQueryBuilder } from 'kysely';
import { storesInScope } from '../auth/permissions.js';
import type { Actor } from '../context.js';
import type { GatewayDb } from '../db/database.js';
import { GatewayError, notFound } from '../errors.js';
import type { RangeUse } from './report-definition.js';

/** A year and a day: enough for year-on-year, bounded so a by-day report has at most this many rows. */
export const MAX_RANGE_DAYS = 366;

const DAY_MS = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01, or null when the text is not a real calendar day (2026-02-30). */
export function dayIndex(day: string): number | null {
  const m = ISO_DAY.exec(day);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().slice(0, 10) === day ? ms / DAY_MS : null;
}

export function dayFromIndex(index: number): string {
  return new Date(index * DAY_MS).toISOString().slice(0, 10);
}

/** Every day from `from` to `to` inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const a = dayIndex(from)!;
  const b = dayIndex(to)!;
  const out: string[] = [];
  for (let d = a; d <= b; d++) out.push(dayFromIndex(d));
  return out;
}

export function checkRange(use: RangeUse, from: string | undefined, to: string | undefined, maxDays = MAX_RANGE_DAYS): { from: string | null; to: string | null } {
  if (use === 'none') {
    if (from !== undefined || to !== undefined) {
      throw new GatewayError('VALIDATION', '此报表为当前时点快照，不接受日期范围 / this report is a snapshot as of now and takes no date range', from !== undefined ? 'query.from' : 'query.to');
    }
    return { from: null, to: null };
  }
  if (from === undefined) throw new GatewayError('VALIDATION', '缺少开始日期 / from (YYYY-MM-DD) is required', 'query.from');
  if (to === undefined) throw new GatewayError('VALIDATION', '缺少结束日期 / to (YYYY-MM-DD) is required', 'query.to');
  const a = dayIndex(from);
  if (a === null) throw new GatewayError('VALIDATION', `开始日期无效 / from is not a calendar day: ${from}`, 'query.from');
  const b = dayIndex(to);
  if (b === null) throw new GatewayError('VALIDATION', `结束日期无效 / to is not a calendar day: ${to}`, 'query.to');
  if (b < a) throw new GatewayError('VALIDATION', '结束日期早于开始日期 / to is before from', 'query.to');
  if (b - a + 1 > maxDays) {
    throw new GatewayError('VALIDATION', `日期范围超过 ${maxDays} 天 / the range spans more than ${maxDays} days`, 'query.to');
  }
  return { from, to };
}

/** The stores a report may read: the actor's scope, narrowed to `storeId` when it is in that scope. */
export async function reportStores(gdb: GatewayDb, actor: Actor, storeId: string | undefined): Promise<'all' | string[]> {
  const scope = await storesInScope(gdb.db, actor);
  if (storeId === undefined) return scope;
  if (scope !== 'all' && !scope.includes(storeId)) throw notFound('store');
  const store = await gdb.db.selectFrom('stores').select('id').where('merchant_id', '=', actor.merchantId).where('id', '=', storeId).executeTakeFirst();
  if (!store) throw notFound('store');
  return [storeId];
}

/** Adds `column in (stores)` unless the scope is the whole merchant; an empty scope matches nothing. */
// biome-ignore lint: the builder's table and output types are whatever the caller's query has.
export function whereStores<Q extends SelectQueryBuilder<any, any, any>>(q: Q, column: string, stores: 'all' | string[]): Q {
  if (stores === 'all') return q;
  return q.where(column as never, 'in', (stores.length ? stores : ['-']) as never) as Q;
}
