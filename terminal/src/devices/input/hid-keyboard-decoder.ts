// Decodes 8-byte HID boot keyboard reports (modifier, reserved, 6 keycodes) into lines, US layout, Enter-terminated.
import { defer, mergeMap, type OperatorFunction } from 'rxjs';
import { MAX_LINE_CHARS, type InputLine } from './input-line.js';

const SHIFT_MASK = 0x02 | 0x20; // left shift, right shift
const ENTER_KEYS = new Set([0x28, 0x58]); // Enter, keypad Enter
const ERROR_ROLLOVER = 0x01;

/** US layout: keycode → [unshifted, shifted]. */
const US_KEYS = new Map<number, readonly [string, string]>();
for (let i = 0; i < 26; i++) {
  const letter = String.fromCharCode(0x61 + i);
  US_KEYS.set(0x04 + i, [letter, letter.toUpperCase()]);
}
const digitRow = ['1!', '2@', '3#', '4$', '5%', '6^', '7&', '8*', '9(', '0)'];
digitRow.forEach((pair, i) => US_KEYS.set(0x1e + i, [pair[0]!, pair[1]!]));
const punctuation: Array<[number, string, string]> = [
  [0x2b, '\t', '\t'],
  [0x2c, ' ', ' '],
  [0x2d, '-', '_'],
  [0x2e, '=', '+'],
  [0x2f, '[', '{'],
  [0x30, ']', '}'],
  [0x31, '\\', '|'],
  [0x33, ';', ':'],
  [0x34, "'", '"'],
  [0x35, '`', '~'],
  [0x36, ',', '<'],
  [0x37, '.', '>'],
  [0x38, '/', '?'],
  [0x54, '/', '/'],
  [0x55, '*', '*'],
  [0x56, '-', '-'],
  [0x57, '+', '+'],
  [0x63, '.', '.'],
];
for (const [code, plain, shifted] of punctuation) US_KEYS.set(code, [plain, shifted]);
['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'].forEach((d, i) => US_KEYS.set(0x59 + i, [d, d]));

export type KeyboardStroke = { kind: 'char'; char: string } | { kind: 'enter' } | { kind: 'unknown'; keycode: number };

/**
 * A key counts when it appears in a report and was not down in the previous one, so a held key is one stroke
 * and a scanner that skips the all-zero key-up report between different keys still decodes.
 */
export function createKeyboardReportDecoder(): (report: Uint8Array) => KeyboardStroke[] {
  let down = new Set<number>();
  return (report) => {
    if (report.length < 3) return [];
    const modifier = report[0]!;
    const keys = [...report.subarray(2, 8)].filter((k) => k !== 0);
    if (keys.includes(ERROR_ROLLOVER)) return [];
    const strokes: KeyboardStroke[] = [];
    for (const keycode of keys) {
      if (down.has(keycode)) continue;
      if (ENTER_KEYS.has(keycode)) {
        strokes.push({ kind: 'enter' });
        continue;
      }
      const pair = US_KEYS.get(keycode);
      if (pair) strokes.push({ kind: 'char', char: (modifier & SHIFT_MASK) !== 0 ? pair[1] : pair[0] });
      else strokes.push({ kind: 'unknown', keycode });
    }
    down = new Set(keys);
    return strokes;
  };
}

/**
 * Operator: HID input reports → lines ended by Enter. Reports may arrive one per emission or several
 * concatenated (8 bytes each). A line longer than MAX_LINE_CHARS or with a key outside the layout is a bad read.
 *
 * @example reports for "4", key-up, Enter, key-up  →  { ok: true, text: '4' }
 */
export function hidKeyboardLines(maxLineChars = MAX_LINE_CHARS): OperatorFunction<Buffer, InputLine> {
  return (source) =>
    defer(() => {
      const decode = createKeyboardReportDecoder();
      let text = '';
      let unknownKeycode: number | null = null;
      let overflow = false;
      return source.pipe(
        mergeMap((chunk) => {
          const out: InputLine[] = [];
          for (let offset = 0; offset < chunk.length; offset += 8) {
            for (const stroke of decode(chunk.subarray(offset, offset + 8))) {
              if (stroke.kind === 'enter') {
                if (overflow) out.push({ ok: false, code: 'LINE_TOO_LONG', detail: `more than ${maxLineChars} characters` });
                else if (unknownKeycode !== null) out.push({ ok: false, code: 'BAD_READ', detail: `keycode 0x${unknownKeycode.toString(16)} is not in the US layout` });
                else if (text.length > 0) out.push({ ok: true, text });
                text = '';
                unknownKeycode = null;
                overflow = false;
              } else if (stroke.kind === 'unknown') {
                unknownKeycode ??= stroke.keycode;
              } else if (text.length >= maxLineChars) {
                overflow = true;
              } else {
                text += stroke.char;
              }
            }
          }
          return out;
        }),
      );
    });
}
