// Splits a serial byte stream into lines ended by CR, LF or CR LF.
import { defer, mergeMap, type OperatorFunction } from 'rxjs';
import { MAX_LINE_CHARS, type InputLine } from './input-line.js';

/**
 * Operator: bytes → lines. Empty lines (the LF of a CR LF) are skipped; a line with control or non-ASCII
 * bytes is a bad read (line noise), one longer than maxLineChars is dropped as too long.
 *
 * @example "4006381333931\r\n" in any chunking  →  { ok: true, text: '4006381333931' }
 */
export function serialLines(maxLineChars = MAX_LINE_CHARS): OperatorFunction<Buffer, InputLine> {
  return (source) =>
    defer(() => {
      let pending: number[] = [];
      let overflow = false;
      return source.pipe(
        mergeMap((chunk) => {
          const out: InputLine[] = [];
          for (const byte of chunk) {
            if (byte === 0x0d || byte === 0x0a) {
              if (overflow) out.push({ ok: false, code: 'LINE_TOO_LONG', detail: `more than ${maxLineChars} bytes` });
              else if (pending.length > 0) {
                const bad = pending.find((b) => b < 0x20 || b > 0x7e);
                out.push(
                  bad === undefined
                    ? { ok: true, text: String.fromCharCode(...pending) }
                    : { ok: false, code: 'BAD_READ', detail: `byte 0x${bad.toString(16).padStart(2, '0')} in line` },
                );
              }
              pending = [];
              overflow = false;
            } else if (pending.length >= maxLineChars) {
              overflow = true;
            } else {
              pending.push(byte);
            }
          }
          return out;
        }),
      );
    });
}
