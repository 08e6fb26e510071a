// Keeps a device connected: emits deviceDetached when it disappears and reconnects with bounded backoff.
import { asyncScheduler, catchError, concat, defer, of, retry, tap, throwError, timer, type Observable, type SchedulerLike } from 'rxjs';
import { backoffDelayMs, type BackoffOptions } from './backoff.js';
import type { DeviceClass, DeviceEvent } from './device-events.js';
import { DeviceError } from './device-error.js';

export interface SuperviseOptions {
  deviceId: string;
  deviceClass: DeviceClass;
  backoff: BackoffOptions;
  scheduler?: SchedulerLike;
}

/**
 * Subscribes to `connect()` and resubscribes after it errors, waiting backoffDelayMs(n) before attempt n.
 * `connect()` emits `deviceAttached` once the transport is open, then the device's events, and errors when
 * the device is lost. A loss after an attach emits `deviceDetached`; the delay resets after each attach.
 * When maxAttempts is used up, emits one `deviceError` (OPEN_FAILED) and completes.
 *
 * @example
 * connect:  a-b-#          (a = attached, # = unplugged)
 * output:   a-b-d----a--   (d = detached, reattached after initialDelayMs)
 */
export function superviseConnection(connect: () => Observable<DeviceEvent>, options: SuperviseOptions): Observable<DeviceEvent> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const { deviceId, deviceClass } = options;
  return defer(() => {
    let attached = false;
    return connect().pipe(
      tap((event) => {
        if (event.type === 'deviceAttached') attached = true;
      }),
      catchError((error: unknown) => {
        if (!attached) return throwError(() => error);
        const reason = error instanceof Error ? error.message : String(error);
        return concat(of<DeviceEvent>({ type: 'deviceDetached', deviceId, deviceClass, reason }), throwError(() => error));
      }),
    );
  }).pipe(
    retry({
      count: options.backoff.maxAttempts,
      delay: (_error, attempt) => timer(backoffDelayMs(attempt, options.backoff), scheduler),
      resetOnSuccess: true,
    }),
    catchError((error: unknown) => {
      const failure = new DeviceError('OPEN_FAILED', error instanceof Error ? error.message : undefined);
      return of<DeviceEvent>({ type: 'deviceError', deviceId, code: failure.code, message: failure.message, messageZh: failure.messageZh });
    }),
  );
}
