// `npm run chaos`: runs every chaos/<scenario>.ts in its own process, one after another, each
// bounded in time (killed after SCENARIO_TIMEOUT_MS); exits non-zero when any scenario breaks an
// invariant. `npm run chaos -- kill-gateway` runs one. Traffic stays on loopback.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCENARIO_TIMEOUT_MS = 10 * 60_000;
const dir = fileURLToPath(new URL('.', import.meta.url));
const helpers = new Set(['run-all.ts', 'support.ts']);
const wanted = process.argv.slice(2);
const scenarios = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !helpers.has(f))
  .map((f) => f.replace(/\.ts$/, ''))
  .filter((s) => wanted.length === 0 || wanted.includes(s))
  .sort();

const results: string[] = [];
for (const s of scenarios) {
  console.log(`\n=== chaos/${s}.ts`);
  const start = Date.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', `${dir}${s}.ts`], { stdio: 'inherit', timeout: SCENARIO_TIMEOUT_MS, killSignal: 'SIGKILL' });
  const ok = run.status === 0;
  results.push(`${ok ? 'PASS' : 'FAIL'} ${s} (${((Date.now() - start) / 1000).toFixed(0)} s${run.signal ? `, killed by ${run.signal}` : ''})`);
}
if (scenarios.length === 0) console.log('no chaos scenario matched');
console.log(`\n${results.join('\n')}`);
process.exitCode = results.every((r) => r.startsWith('PASS')) ? 0 : 1;
