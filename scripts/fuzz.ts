// `npm run fuzz [-- <target>…] [--seed N] [--scale F]`: every fuzz target, bounded, printing the
// counts per target and exiting 1 when any invariant broke. Targets: frames (gateway WebSocket),
// devices (serial and HID inputs), escpos (printer over TCP), imports (CSV/XLSX over HTTP),
// engine (price() and the pos-engine CLI). `--scale 0.1` runs a tenth of every count.
import os from 'node:os';
import { fuzzDeviceInputs } from './fuzz/device-inputs.js';
import { fuzzEngineInputs } from './fuzz/engine-inputs.js';
import { fuzzEscPosPrinter } from './fuzz/escpos-printer.js';
import type { FuzzResult } from './fuzz/fuzz-result.js';
import { fuzzGatewayFrames } from './fuzz/gateway-frames.js';
import { fuzzMemberImports } from './fuzz/member-imports.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const seed = flag('seed', 20261125);
const scale = flag('scale', 1);
const n = (count: number) => Math.max(1, Math.round(count * scale));
const progress = (line: string) => console.log(line);

const TARGETS: Record<string, () => Promise<FuzzResult>> = {
  frames: () => fuzzGatewayFrames({ frames: n(100_000), seed, connections: 8, validEvents: 20, semanticEvents: n(1_000), progress }),
  devices: () => fuzzDeviceInputs({ roundsPerDevice: n(1_000), seed, progress }),
  escpos: () => fuzzEscPosPrinter({ streams: n(300), seed, progress }),
  imports: () => fuzzMemberImports({ files: n(500), seed, progress }),
  engine: () => fuzzEngineInputs({ inputs: n(25_000), cliRuns: n(10), seed, progress }),
};

const chosen = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
for (const name of chosen) {
  if (!(name in TARGETS)) {
    console.error(`unknown target ${name}; targets: ${Object.keys(TARGETS).join(', ')}`);
    process.exit(2);
  }
}
const names = chosen.length > 0 ? chosen : Object.keys(TARGETS);
console.log(`fuzz: seed ${seed}, scale ${scale}, targets ${names.join(', ')}`);
// The load average says how much else ran: the figures below are wall-clock times on a shared machine.
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' / ');
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}; load average (1/5/15 min) ${load()}`);
const results: FuzzResult[] = [];
const startedAt = performance.now();
for (const name of names) {
  console.log(`\n== ${name}`);
  const result = await TARGETS[name]!();
  results.push(result);
  console.log(`${result.target}: ${result.cases} cases in ${(result.durationMs / 1000).toFixed(1)} s, ${result.failureCount} invariant failures`);
  for (const [outcome, count] of Object.entries(result.counts)) console.log(`  ${String(count).padStart(7)}  ${outcome}`);
  for (const note of result.notes) console.log(`  note: ${note}`);
  for (const failure of result.failures) console.log(`  FAIL: ${failure}`);
}
console.log('\n== summary');
for (const r of results) console.log(`${r.failureCount === 0 ? 'ok  ' : 'FAIL'}  ${r.target.padEnd(40)} ${String(r.cases).padStart(7)} cases  ${(r.durationMs / 1000).toFixed(1).padStart(6)} s  ${r.failureCount} failures`);
console.log(`total ${((performance.now() - startedAt) / 1000).toFixed(1)} s; load average (1/5/15 min) at the end ${load()}`);
const failed = results.some((r) => r.failureCount > 0);
process.exit(failed ? 1 : 0);
