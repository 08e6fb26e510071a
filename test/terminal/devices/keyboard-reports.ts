// Test helper: how a US-layout keyboard-wedge device types text, as 8-byte boot keyboard reports.
// Written independently of the driver's table so the two can disagree (a test that can fail).
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '1234567890';
const SHIFTED_DIGITS = '!@#$%^&*()';
const PUNCT: Record<string, [number, boolean]> = {
  ' ': [0x2c, false], '-': [0x2d, false], _: [0x2d, true], '=': [0x2e, false], '+': [0x2e, true],
  '[': [0x2f, false], '{': [0x2f, true], ']': [0x30, false], '}': [0x30, true], '\\': [0x31, false], '|': [0x31, true],
  ';': [0x33, false], ':': [0x33, true], "'": [0x34, false], '"': [0x34, true], '`': [0x35, false], '~': [0x35, true],
  ',': [0x36, false], '<': [0x36, true], '.': [0x37, false], '>': [0x37, true], '/': [0x38, false], '?': [0x38, true],
};

export function keyOf(ch: string): [number, boolean] {
  const lower = LOWER.indexOf(ch);
  if (lower >= 0) return [0x04 + lower, false];
  const upper = LOWER.toUpperCase().indexOf(ch);
  if (upper >= 0) return [0x04 + upper, true];
  const digit = DIGITS.indexOf(ch);
  if (digit >= 0) return [0x1e + digit, false];
  const sd = SHIFTED_DIGITS.indexOf(ch);
  if (sd >= 0) return [0x1e + sd, true];
  const p = PUNCT[ch];
  if (p) return p;
  throw new Error(`no key for ${JSON.stringify(ch)}`);
}

/** Key-down then all-zero key-up for each character, then Enter (0x28). */
export function typeReports(text: string, enter = true): Buffer[] {
  const reports: Buffer[] = [];
  for (const ch of text) {
    const [code, shift] = keyOf(ch);
    reports.push(Buffer.from([shift ? 0x02 : 0, 0, code, 0, 0, 0, 0, 0]), Buffer.alloc(8));
  }
  if (enter) reports.push(Buffer.from([0, 0, 0x28, 0, 0, 0, 0, 0]), Buffer.alloc(8));
  return reports;
}
