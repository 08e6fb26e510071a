// Waits for the one-byte answer to a DLE EOT request, skipping bytes that cannot be a status byte.
import { filter, mergeMap, take, throwError, timeout, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { DeviceError } from '../../bus/device-error.js';
import { isStatusByte } from './escpos-status.js';

/**
 * Operator: incoming chunks → the first status byte, or a STATUS_TIMEOUT error after `timeoutMs`.
 *
 * @example with timeoutMs 5:  --a|  → --(s|)     ------a  → -----#
 */
export function statusReply(timeoutMs: number, request: string, scheduler?: SchedulerLike): OperatorFunction<Buffer, number> {
  return (source) =>
    source.pipe(
      mergeMap((chunk) => [...chunk]),
      filter(isStatusByte),
      take(1),
      timeout({ first: timeoutMs, ...(scheduler ? { scheduler } : {}), with: () => throwError(() => new DeviceError('STATUS_TIMEOUT', request)) }),
    );
}
