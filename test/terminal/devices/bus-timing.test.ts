// Timing of the device bus (reconnect backoff, double-read suppression), as marble diagrams on virtual time.
import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { map, type Observable } from 'rxjs';
import { backoffDelayMs, BackoffOptions } from '../../../terminal/src/bus/backoff.js';
import { superviseConnection } from '../../../terminal/src/bus/supervise-connection.js';
import { dropRepeatsWithin } from '../../../terminal/src/bus/drop-repeats-within.js';
import type { DeviceEvent } from '../../../terminal/src/bus/device-events.js';
import { joinSplitSwipes } from '../../../terminal/src/devices/input/join-split-swipes.js';
import type { InputLine } from '../../../terminal/src/devices/input/input-line.js';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const attached: DeviceEvent = { type: 'deviceAttached', deviceId: 'd', deviceClass: 'scanner' };
const scanA: DeviceEvent = { type: 'scan', deviceId: 'd', code: 'A' };
const detached: DeviceEvent = { type: 'deviceDetached', deviceId: 'd', deviceClass: 'scanner', reason: 'unplugged' };

describe('backoffDelayMs', () => {
  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [4, 800],
    [5, 1000],
    [50, 1000],
  ])('attempt %i waits %i ms', (attempt, delayMs) => {
    expect(backoffDelayMs(attempt, { initialDelayMs: 100, factor: 2, maxDelayMs: 1000 })).toBe(delayMs);
  });

  it('fills defaults and rejects unbounded settings', () => {
    expect(BackoffOptions.parse({})).toEqual({ initialDelayMs: 250, maxDelayMs: 30_000, factor: 2, maxAttempts: 10_000 });
    expect(BackoffOptions.safeParse({ maxAttempts: 0 }).success).toBe(false);
  });
});

describe('superviseConnection', () => {
  const backoff = { initialDelayMs: 10, maxDelayMs: 40, factor: 2, maxAttempts: 6 };

  it('emits deviceDetached on loss and reattaches after the initial delay', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const connections = [cold<DeviceEvent>('a-s-#', { a: attached, s: scanA }, new Error('unplugged')), cold<DeviceEvent>('a-s', { a: attached, s: scanA })];
      let n = 0;
      const out = superviseConnection(() => connections[n++]!, { deviceId: 'd', deviceClass: 'scanner', backoff });
      // the loss at frame 4 emits detached at 4; retry after 10 frames, at 14
      expectObservable(out).toBe('a-s-d---------a-s', { a: attached, s: scanA, d: detached });
    });
  });

  it('doubles the wait between failed opens up to the cap, without repeating deviceDetached', () => {
    scheduler().run(({ cold, expectObservable }) => {
      let n = 0;
      const connect = (): Observable<DeviceEvent> => {
        n += 1;
        if (n === 1) return cold('a-#', { a: attached }, new Error('unplugged'));
        if (n <= 5) return cold('#', {}, new Error('ENOENT')); // device still away
        return cold('a', { a: attached });
      };
      const out = superviseConnection(connect, { deviceId: 'd', deviceClass: 'scanner', backoff });
      // lost at 2 → waits 10, 20, 40, 40 (capped) for failed opens 2..5, then 40 more → attach at 2+10+20+40+40+40 = 152
      expectObservable(out).toBe('a-d 149ms a', { a: attached, d: detached });
    });
  });

  it('gives up after maxAttempts with one OPEN_FAILED error event', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const out = superviseConnection(() => cold<DeviceEvent>('#', {}, new Error('ENOENT')), {
        deviceId: 'd',
        deviceClass: 'scanner',
        backoff: { ...backoff, maxAttempts: 2 },
      });
      // attempt at 0 fails, retry 1 at 10, retry 2 at 30 fails → give up at 30
      expectObservable(out.pipe(map((e) => (e.type === 'deviceError' ? e.code : e.type)))).toBe('30ms (e|)', { e: 'OPEN_FAILED' });
    });
  });
});

describe('dropRepeatsWithin', () => {
  it('drops the same code inside the window and keeps it after', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('a-a-----a-b-b', { a: 'A', b: 'B' });
      expectObservable(source.pipe(dropRepeatsWithin(5, (s) => s))).toBe('a-------a-b--', { a: 'A', b: 'B' });
    });
  });

  it('never drops values without a key', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const source = cold('aaa', { a: 'x' });
      expectObservable(source.pipe(dropRepeatsWithin(5, () => null))).toBe('aaa', { a: 'x' });
    });
  });
});

describe('joinSplitSwipes', () => {
  const t1: InputLine = { ok: true, text: '%B6011000990139424^DOE/JOHN^2512101?' };
  const t2: InputLine = { ok: true, text: ';6011000990139424=2512101?' };
  const both: InputLine = { ok: true, text: t1.text + t2.text };
  const scan: InputLine = { ok: true, text: '4006381333931' };
  const bad: InputLine = { ok: false, code: 'BAD_READ', detail: 'x' };

  it('joins track 2 arriving within the gap onto track 1', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b', { a: t1, b: t2 }).pipe(joinSplitSwipes(5))).toBe('--j', { j: both });
    });
  });

  it('lets track 1 go alone after the gap', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-------b', { a: t1, b: t2 }).pipe(joinSplitSwipes(5))).toBe('-----a--b', { a: t1, b: t2 });
    });
  });

  it('passes other lines straight through, releasing a waiting track 1 first', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('s-a-x', { s: scan, a: t1, x: bad }).pipe(joinSplitSwipes(5))).toBe('s---(ax)', { s: scan, a: t1, x: bad });
    });
  });

  it('releases a waiting track 1 when the input ends', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-|', { a: t1 }).pipe(joinSplitSwipes(5))).toBe('--(a|)', { a: t1 });
    });
  });

  it('keeps a swipe already on one line as it is', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('j', { j: both }).pipe(joinSplitSwipes(5))).toBe('j', { j: both });
    });
  });
});
