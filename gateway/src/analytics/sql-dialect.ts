// The few expressions the analytics SQL writes differently on SQLite and PostgreSQL.
import { sql, type RawBuilder } from 'kysely';
import type { Dialect } from '../db/database.js';

/** Whole days from `fromDayColumn` (a YYYY-MM-DD column) to the day `toDay` (a parameter). */
export function daysFrom(dialect: Dialect, fromDayColumn: RawBuilder<unknown>, toDay: string): RawBuilder<number> {
  return dialect === 'postgres'
    ? sql<number>`(cast(${toDay} as date) - cast(${fromDayColumn} as date))`
    : sql<number>`cast(julianday(${toDay}) - julianday(${fromDayColumn}) as integer)`;
}
