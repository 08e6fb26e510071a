// The store's calendar from an ISO timestamp and a UTC offset, without the Intl time-zone
// database (which can differ between machines): the offset comes from the input.
import { EngineError } from './engine-error.js';

export interface LocalMoment {
  /** Milliseconds since the epoch, UTC. */
  instantMs: number;
  /** Local calendar date YYYY-MM-DD. */
  date: string;
  year: number;
  month: number;
  day: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
}

const OFFSET = /(Z|([+-])(\d{2}):?(\d{2}))$/;

/**
 * Parses an ISO timestamp (the schemas have already required an offset; Date.parse of such a
 * string depends on no time-zone database); throws INVALID_INPUT naming `field` otherwise.
 */
export function instantOf(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) {
    throw new EngineError('INVALID_INPUT', { zh: `时间格式无效：${field}`, en: `invalid timestamp in ${field}` }, field);
  }
  return ms;
}

/**
 * Compares two ISO timestamps: negative when `a` is earlier. Timestamps of the same length
 * ending in the same offset have fixed-width fields, so they compare as strings (the common
 * case, and much cheaper than parsing); others are compared as instants.
 */
export function compareIso(a: string, b: string, field: string): number {
  if (a.length === b.length && a.length >= 20) {
    const tail = a.endsWith('Z') ? 1 : 6;
    if (a.endsWith(b.slice(b.length - tail))) return a < b ? -1 : a > b ? 1 : 0;
  }
  return instantOf(a, field) - instantOf(b, field);
}

/** The offset written in the timestamp, in minutes east of UTC. */
export function offsetMinutesOf(iso: string): number {
  const m = OFFSET.exec(iso);
  if (!m || m[1] === 'Z') return 0;
  const minutes = Number(m[3]) * 60 + Number(m[4]);
  return m[2] === '-' ? -minutes : minutes;
}

export function localMoment(iso: string, utcOffsetMinutes: number | undefined, field = 'now'): LocalMoment {
  const instantMs = instantOf(iso, field);
  const offset = utcOffsetMinutes ?? offsetMinutesOf(iso);
  const shifted = new Date(instantMs + offset * 60_000);
  const year = shifted.getUTCFullYear();
  const month = shifted.getUTCMonth() + 1;
  const day = shifted.getUTCDate();
  const weekday = ((shifted.getUTCDay() + 6) % 7) + 1;
  return { instantMs, date: isoDate(year, month, day), year, month, day, weekday };
}

export function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dateMs(to) - dateMs(from)) / 86_400_000);
}

export function dateMs(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

export function addDays(date: string, days: number): string {
  const shifted = new Date(dateMs(date) + days * 86_400_000);
  return isoDate(shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate());
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
