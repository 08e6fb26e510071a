// Fuzz target (e): malformed engine inputs. In process: the README example basket with one field
// replaced (odd values, random JSON) or removed, through the same path as the CLI (PriceInput
// schema, then price()). Invariant: a priced basket whose amounts are integers and whose payable
// is never negative, or a ZodError / EngineError; never another exception. As processes: the
// `pos-engine` CLI on mutated and non-JSON input exits 0 or 2 (2 with `{error: {code, message}}`
// on stderr), never 1 or a crash.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { z } from 'zod';
import { EngineError, PriceInput, price } from '@pos/engine';
import { FuzzTally, mutateBytes, oddValue, pathsOf, pickOne, randomInt, seededRandom, setAt, type FuzzResult } from './fuzz-result.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface EngineOptions {
  inputs: number;
  cliRuns: number;
  seed: number;
  progress?: (line: string) => void;
}

function runCli(stdin: Buffer | string): Promise<{ code: number | null; signal: string | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/pos-engine'), ['price'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code, signal) => resolve({ code, signal, stderr, stdout }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin);
  });
}

function integersIn(value: unknown, path = ''): string[] {
  if (typeof value === 'number') return Number.isSafeInteger(value) || !/(Fen|points|Points|Milli|earned|spent)$/.test(path) ? [] : [path];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => integersIn(v, k));
}

export async function fuzzEngineInputs(options: EngineOptions): Promise<FuzzResult> {
  const tally = new FuzzTally('engine inputs (price() and pos-engine)');
  const random = seededRandom(options.seed);
  const example = JSON.parse(readFileSync(join(ROOT, 'engine/examples/price-member-day.json'), 'utf8')) as unknown;
  const paths = pathsOf(example).filter((p) => p.length > 0);
  const valueAt = (root: unknown, path: string[]): unknown => path.reduce<unknown>((node, step) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[step] : undefined), root);
  // A value of the same type, so the input often still passes the schema and reaches the pricing code.
  const sameType = (old: unknown): unknown => {
    if (typeof old === 'number') return pickOne(random, [0, 1, -1, old * 2, old + 1, Math.max(0, old - 1), randomInt(random, 1_000_000), 2 ** 31, Number.MAX_SAFE_INTEGER]);
    if (typeof old === 'string') return pickOne(random, ['', old + old, old.slice(1), 'x', '2026-02-29', '1970-01-01T00:00:00Z', '9'.repeat(30)]);
    if (typeof old === 'boolean') return !old;
    if (Array.isArray(old)) return random() < 0.5 ? [] : [...old, ...old];
    return old;
  };
  const jsonValues = fc.sample(fc.jsonValue({ maxDepth: 2 }), { numRuns: 2_000, seed: options.seed });
  const mutate = (_i: number): unknown => {
    let value = example;
    for (let edits = 1 + randomInt(random, 3); edits > 0; edits -= 1) {
      const path = pickOne(random, paths);
      const r = random();
      const replacement = r < 0.1 ? undefined : r < 0.55 ? sameType(valueAt(value, path)) : r < 0.85 ? oddValue(random) : pickOne(random, jsonValues);
      value = setAt(value, path, replacement);
    }
    return value;
  };
  for (let i = 0; i < options.inputs; i += 1) {
    const input = mutate(i);
    tally.cases += 1;
    try {
      const priced = price(PriceInput.parse(input));
      const bad = integersIn(priced);
      tally.check(bad.length === 0 && priced.totals.payableFen >= 0, `input #${i} priced with non-integer ${bad.join(', ')} or negative payable ${priced.totals.payableFen}`);
      tally.count('priced');
    } catch (error) {
      if (error instanceof z.ZodError) tally.count('INVALID_INPUT (schema)');
      else if (error instanceof EngineError) tally.count(`EngineError:${error.code}`);
      else {
        tally.count(`UNTYPED ${(error as Error).name}`);
        tally.fail(`input #${i}: ${(error as Error).name}: ${(error as Error).message} for ${JSON.stringify(input).slice(0, 300)}`);
      }
    }
    if (i > 0 && i % 10_000 === 0) options.progress?.(`  engine: ${i} inputs`);
  }
  const exampleText = JSON.stringify(example);
  for (let i = 0; i < options.cliRuns; i += 1) {
    const stdin = i % 3 === 0 ? Buffer.from(mutateBytes(random, Buffer.from(exampleText))) : JSON.stringify(mutate(options.inputs + i)) ?? '';
    const r = await runCli(stdin);
    tally.cases += 1;
    let errorCode = '';
    if (r.code === 2) {
      try {
        errorCode = (JSON.parse(r.stderr) as { error: { code: string; message: string } }).error.code;
      } catch {
        errorCode = 'UNPARSEABLE';
      }
    }
    tally.count(`cli exit ${r.code}${errorCode ? ` ${errorCode}` : ''}`);
    tally.check((r.code === 0 && r.stdout.includes('payableFen')) || (r.code === 2 && errorCode !== 'UNPARSEABLE' && errorCode !== ''), `cli run ${i}: exit ${r.code} ${r.signal ?? ''} ${r.stderr.slice(0, 300)}`);
  }
  return tally.result();
}
