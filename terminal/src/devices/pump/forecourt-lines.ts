// Splits a forecourt controller's byte stream into LF-terminated UTF-8 lines, bounded in length.
import { defer, mergeMap, type OperatorFunction } from 'rxjs';
import { FORECOURT_MAX_FRAME_BYTES } from '@pos/protocol';

export type ForecourtLine = { ok: true; line: string } | { ok: false; reason: string };

/**
 * Operator: bytes → lines. A line longer than maxLineBytes is dropped up to its LF and reported once;
 * blank lines (keep-alives, CR LF) are skipped.
 *
 * @example '{"type":"pumpStatus",…}\n' in any chunking  →  { ok: true, line: '{"type":"pumpStatus",…}' }
 */
export function forecourtLines(maxLineBytes = FORECOURT_MAX_FRAME_BYTES): OperatorFunction<Buffer, ForecourtLine> {
  return (source) =>
    defer(() => {
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      let discarding = false;
      return source.pipe(
        mergeMap((chunk) => {
          const out: ForecourtLine[] = [];
          let start = 0;
          for (;;) {
            const lf = chunk.indexOf(0x0a, start);
            if (lf < 0) break;
            const piece = chunk.subarray(start, lf);
            start = lf + 1;
            if (discarding) {
              discarding = false;
            } else {
              const line = Buffer.concat([...pending, piece]).toString('utf8').replace(/\r$/, '');
              if (line.trim() !== '') out.push({ ok: true, line });
            }
            pending = [];
            pendingBytes = 0;
          }
          const rest = chunk.subarray(start);
          if (rest.length > 0 && !discarding) {
            if (pendingBytes + rest.length > maxLineBytes) {
              discarding = true;
              pending = [];
              pendingBytes = 0;
              out.push({ ok: false, reason: `line longer than ${maxLineBytes} bytes` });
            } else {
              pending.push(Buffer.from(rest));
              pendingBytes += rest.length;
            }
          }
          return out;
        }),
      );
    });
}
