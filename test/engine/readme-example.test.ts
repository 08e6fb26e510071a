// The minimal JSON input printed in engine/README.md parses and prices to the figures stated there.
import { readFileSync } from 'node:fs';
import { price, PriceInput } from '@pos/engine';
import { expect, it } from 'vitest';

it('README minimal example prices to gross 11980, discount 2000, payable 9980', () => {
  const readme = readFileSync(new URL('../../engine/README.md', import.meta.url), 'utf8');
  const block = /```json\n([\s\S]*?)```/.exec(readme);
  expect(block).not.toBeNull();
  const result = price(PriceInput.parse(JSON.parse(block![1]!)));
  expect([result.totals.grossFen, result.totals.discountFen, result.totals.payableFen]).toEqual([11980, 2000, 9980]);
  expect(result.explanation.map((e) => e.zh)).toEqual(['满100减20：-¥20.00', '应付：¥99.80']);
});
