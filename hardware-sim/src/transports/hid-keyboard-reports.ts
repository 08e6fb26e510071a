// Text to USB HID boot-keyboard input reports (US layout): 8 bytes each — modifiers, reserved,
// six key codes — with an all-zero key-up report after every key, as keyboard-wedge readers send.
import { SimError } from '../sim-error.js';

const LEFT_SHIFT = 0x02;
export const KEY_ENTER = 0x28;

const unshifted: Record<string, number> = {
  ' ': 0x2c, '-': 0x2d, '=': 0x2e, '[': 0x2f, ']': 0x30, '\\': 0x31, ';': 0x33, "'": 0x34, '`': 0x35, ',': 0x36, '.': 0x37, '/': 0x38,
  '\t': 0x2b, '\n': KEY_ENTER,
};
const shifted: Record<string, number> = {
  '!': 0x1e, '@': 0x1f, '#': 0x20, $: 0x21, '%': 0x22, '^': 0x23, '&': 0x24, '*': 0x25, '(': 0x26, ')': 0x27,
  _: 0x2d, '+': 0x2e, '{': 0x2f, '}': 0x30, '|': 0x31, ':': 0x33, '"': 0x34, '~': 0x35, '<': 0x36, '>': 0x37, '?': 0x38,
};

export function keyFor(ch: string): { modifier: number; key: number } {
  const c = ch.charCodeAt(0);
  if (ch.length !== 1) throw new SimError('BAD_INPUT', `not a single character: ${JSON.stringify(ch)}`);
  if (c >= 0x61 && c <= 0x7a) return { modifier: 0, key: 0x04 + c - 0x61 };
  if (c >= 0x41 && c <= 0x5a) return { modifier: LEFT_SHIFT, key: 0x04 + c - 0x41 };
  if (c >= 0x31 && c <= 0x39) return { modifier: 0, key: 0x1e + c - 0x31 };
  if (ch === '0') return { modifier: 0, key: 0x27 };
  const plain = unshifted[ch];
  if (plain !== undefined) return { modifier: 0, key: plain };
  const shift = shifted[ch];
  if (shift !== undefined) return { modifier: LEFT_SHIFT, key: shift };
  throw new SimError('BAD_INPUT', `character ${JSON.stringify(ch)} has no key on a US keyboard`);
}

/** Reports for typing `text` then Enter (when `enter`), key-down and key-up for each key. */
export function keyboardReports(text: string, enter = true): Buffer[] {
  const reports: Buffer[] = [];
  const keyUp = (): Buffer => Buffer.alloc(8);
  for (const ch of text + (enter ? '\n' : '')) {
    const { modifier, key } = keyFor(ch);
    reports.push(Buffer.from([modifier, 0, key, 0, 0, 0, 0, 0]), keyUp());
  }
  return reports;
}
