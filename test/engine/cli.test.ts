// The `pos-engine` CLI, spawned as a real process from a temporary working directory through
// the linked npm bin: prints the result as JSON, exits 2 naming the field on bad input.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'node_modules/.bin/pos-engine');
const example = readFileSync(join(root, 'engine/examples/price-member-day.json'), 'utf8');
const cwd = mkdtempSync(join(tmpdir(), 'pos-engine-cli-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function run(args: string[], stdin: string) {
  const r = spawnSync(bin, args, { cwd, input: stdin, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('pos-engine CLI', () => {
  it('prices the README example from another directory, then refunds one line of it', () => {
    const priced = run(['price'], example);
    expect(priced.code).toBe(0);
    const sale = JSON.parse(priced.stdout);
    expect(sale.totals).toEqual({
      grossFen: 20920,
      itemDiscountFen: 1889,
      orderDiscountFen: 2000,
      couponFen: 500,
      discountFen: 4389,
      pointsCashFen: 500,
      roundingFen: 1,
      payableFen: 16030,
    });
    expect([sale.points.earned, sale.points.spent, sale.growth.earned, sale.payment.changeFen]).toEqual([240, 500, 160, 9970]);

    const refunded = run(['refund'], JSON.stringify({ sale, request: { lineNos: [2] } }));
    expect(refunded.code).toBe(0);
    const r = JSON.parse(refunded.stdout);
    expect([r.refundFen, r.pointsReversed, r.pointsRestored, r.growthReversed]).toEqual([676, 10, 21, 7]);
  });

  it.each([
    ['a negative quantity', (j: any) => { j.basket.lines[0].quantityMilli = -5; }, 'INVALID_INPUT', 'basket.lines.0.quantityMilli'],
    ['an unknown sku', (j: any) => { j.basket.lines[1].sku = 'caviar'; }, 'UNKNOWN_SKU', 'basket.lines.1.sku'],
    ['a float price', (j: any) => { j.catalogue[0].unitPriceFen = 59.9; }, 'INVALID_INPUT', 'catalogue.0.unitPriceFen'],
  ])('exits 2 on %s, naming the field', (_name, mutate, code, field) => {
    const json = JSON.parse(example);
    mutate(json);
    const r = run(['price'], JSON.stringify(json));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const error = JSON.parse(r.stderr).error;
    expect({ code: error.code, field: error.field }).toEqual({ code, field });
    expect(error.message).toContain(field.split('.').pop());
  });

  it('exits 2 on text that is not JSON and on an unknown command', () => {
    expect(run(['price'], '{"now":').code).toBe(2);
    const r = run(['discount'], '{}');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).error.code).toBe('USAGE');
  });
});
