// A small slice of `npm run fuzz -- engine`, and the regression for the bug it found: a basket
// whose gross left the safe-integer range was priced with inexact fen instead of refused.
import { describe, expect, it } from 'vitest';
import { EngineError, MAX_BASKET_GROSS_FEN, PriceInput, price } from '@pos/engine';
import { readFileSync } from 'node:fs';
import { fuzzEngineInputs } from '../../scripts/fuzz/engine-inputs.js';

const example = JSON.parse(readFileSync(new URL('../../engine/examples/price-member-day.json', import.meta.url), 'utf8'));

describe('engine input fuzz (slice)', () => {
  it('800 mutated inputs and 2 CLI runs: priced with integer amounts, or a typed error', async () => {
    const r = await fuzzEngineInputs({ inputs: 800, cliRuns: 2, seed: 15 });
    expect(r.failures).toEqual([]);
    expect(r.cases).toBe(802);
    expect(r.counts.priced).toBeGreaterThan(0);
  }, 120_000);

  it('a basket beyond MAX_BASKET_GROSS_FEN is INVALID_INPUT naming the line, not inexact fen', () => {
    const input = structuredClone(example);
    input.basket.lines[0].unitPriceFen = Number.MAX_SAFE_INTEGER;
    let caught: unknown;
    try {
      price(PriceInput.parse(input));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EngineError);
    expect({ code: (caught as EngineError).code, field: (caught as EngineError).field }).toEqual({ code: 'INVALID_INPUT', field: 'basket.lines.0.quantityMilli' });
    // Just under the limit still prices exactly.
    input.basket.lines[0].unitPriceFen = 1000;
    input.basket.lines[0].quantityMilli = 1000;
    expect(MAX_BASKET_GROSS_FEN).toBe(1_000_000_000_000);
    expect(Number.isSafeInteger(price(PriceInput.parse(input)).totals.payableFen)).toBe(true);
  });
});
