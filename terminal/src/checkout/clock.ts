// The clock the checkout reads: injected, so tests and benchmarks decide what "now" is.
export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/** The calendar day of an instant in a time zone (the business date printed and journaled). */
export function businessDateOf(nowMs: number, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(nowMs);
}
