// `npm run bench`: runs every bench/<area>.ts in its own process, one after another,
// so one benchmark's heap and threads do not disturb the next. `npm run bench -- engine` runs one.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const helpers = new Set(['run-all.ts', 'stats.ts']);
const wanted = process.argv.slice(2);
const areas = readdirSync(benchDir)
  .filter((f) => f.endsWith('.ts') && !helpers.has(f))
  .map((f) => f.replace(/\.ts$/, ''))
  .filter((area) => wanted.length === 0 || wanted.includes(area))
  .sort();

let failed = 0;
for (const area of areas) {
  console.log(`\n=== bench/${area}.ts`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', `${benchDir}${area}.ts`], { stdio: 'inherit' });
  if (run.status !== 0) failed += 1;
}
if (areas.length === 0) console.log('no benchmarks matched');
process.exitCode = failed === 0 ? 0 : 1;
