// Calendar days (YYYY-MM-DD) without a time-zone database: the merchant's UTC offset is given.
const DAY_MS = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar day written YYYY-MM-DD (2026-02-30 is not). */
export function isIsoDay(text: string): boolean {
  const m = ISO_DAY.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The local calendar day at `nowMs` for a UTC offset in minutes. */
export function localDay(nowMs: number, utcOffsetMinutes: number): string {
  return new Date(nowMs + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** Local time of day HH:MM at `nowMs`. */
export function localTimeOfDay(nowMs: number, utcOffsetMinutes: number): string {
  return new Date(nowMs + utcOffsetMinutes * 60_000).toISOString().slice(11, 16);
}

/** The last day of the month before `day`'s month. */
export function endOfPreviousMonth(day: string): string {
  return addDays(`${day.slice(0, 8)}01`, -1);
}
