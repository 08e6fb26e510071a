// A small slice of `npm run fuzz -- escpos`: malformed ESC/POS to the simulator's printer over TCP.
import { describe, expect, it } from 'vitest';
import { fuzzEscPosPrinter } from '../../scripts/fuzz/escpos-printer.js';

describe('ESC/POS over TCP fuzz (slice)', () => {
  it('120 malformed streams: status answered, problems reported, the next receipt prints exactly', async () => {
    const r = await fuzzEscPosPrinter({ streams: 120, seed: 13 });
    expect(r.failures).toEqual([]);
    expect(r.cases).toBe(120);
    const reported = Object.entries(r.counts).filter(([k]) => k.includes('problems reported')).reduce((s, [, v]) => s + v, 0);
    expect(reported).toBeGreaterThan(0);
  }, 120_000);
});
