// Drops an event that repeats the previous one's key within a time window (a scanner that double-reads).
import { asyncScheduler, defer, filter, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';

/**
 * Passes a value unless the last passed value had the same key less than `windowMs` ago.
 *
 * @example with windowMs 5:  a-a-----a-b-b  →  a-------a-b--
 */
export function dropRepeatsWithin<T>(windowMs: number, keyOf: (value: T) => string | null, scheduler: SchedulerLike = asyncScheduler): MonoTypeOperatorFunction<T> {
  return (source) =>
    defer(() => {
      let lastKey: string | null = null;
      let lastAtMs = Number.NEGATIVE_INFINITY;
      return source.pipe(
        filter((value: T) => {
    const key = keyOf(value);
    if (key === null) return true;
    const nowMs = scheduler.now();
    const repeat = key === lastKey && nowMs - lastAtMs < windowMs;
    if (!repeat) {
      lastKey = key;
      lastAtMs = nowMs;
    }
    return !repeat;
        }),
      );
    });
}
