// Joins a magstripe swipe typed as two lines (readers set to "Enter after each track") back into one.
import { Observable, asyncScheduler, type MonoTypeOperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type { InputLine } from './input-line.js';

const TRACK1_ONLY = /^%[^?]*\?$/;

/**
 * A line holding only track 1 waits up to `gapMs` for a line starting with track 2's `;`; the two become one line.
 * Anything else, or nothing within the gap, lets the track-1 line go on alone.
 *
 * @example with gapMs 5 (a = "%B…?", b = ";…?"):  a-b  →  --(ab)     a------  →  -----a
 */
export function joinSplitSwipes(gapMs: number, scheduler: SchedulerLike = asyncScheduler): MonoTypeOperatorFunction<InputLine> {
  return (source) =>
    new Observable<InputLine>((subscriber) => {
      let pending: string | null = null;
      let timer: Subscription | null = null;
      const release = (): void => {
        timer?.unsubscribe();
        timer = null;
        if (pending === null) return;
        const text = pending;
        pending = null;
        subscriber.next({ ok: true, text });
      };
      const subscription = source.subscribe({
        next: (line) => {
          if (pending !== null && line.ok && line.text.startsWith(';')) {
            const text = pending + line.text;
            pending = null;
            timer?.unsubscribe();
            timer = null;
            subscriber.next({ ok: true, text });
            return;
          }
          release();
          if (line.ok && TRACK1_ONLY.test(line.text)) {
            pending = line.text;
            timer = scheduler.schedule(release, gapMs);
            return;
          }
          subscriber.next(line);
        },
        error: (error: unknown) => {
          release();
          subscriber.error(error);
        },
        complete: () => {
          release();
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        timer?.unsubscribe();
      };
    });
}
