// Gateway ingest: 500 simulated terminals, each enrolled with its own key and running the real
// SyncClient on its own SQLite store, send signed sale frames over real WebSockets to the gateway
// (a child process) on PostgreSQL in a dedicated database. Every sale spends stored value on the
// terminal's member card and earns points, so each one goes through the ledger.
//
// Figure: sustained sales/s applied to the ledger (the slope between 10% and 90% of a run's sales,
// so connection ramp and tail do not count). Baseline, in the same run: the rows that run wrote to
// the gateway's tables (same tables, same number of rows, same content), inserted raw from one
// process with multi-row INSERTs of 1,000 rows into LIKE-copies of those tables (indexes included).
// Target: sustained ≥ 50% of the baseline. Exactly once: each terminal's journaled sales equal the
// sales the gateway registered for it, balances and points equal the sales, ledger check passes.
// BENCH_TERMINALS (500), BENCH_SALES (sales per terminal per run, 6), BENCH_RUNS (3), BENCH_WORKERS (2).
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase } from '../gateway/src/db/database.js';
import { checkLedger } from '../gateway/src/ledger/ledger-check.js';
import { seedFleet } from './support/fleet.js';
import { cpuSnapshot, formatCpuPerSale } from './support/cpu-usage.js';
import { describeMachine, loadAverage } from './support/machine.js';
import { createPgDatabase } from './support/pg-database.js';
import { forkWorker, startGatewayProcess, type Worker } from './support/processes.js';
import type { WorkerIn, WorkerOut } from './support/terminal-worker.js';
import { formatSummary, summarize } from './stats.js';

const TERMINALS = Number(process.env.BENCH_TERMINALS ?? 500);
const SALES = Number(process.env.BENCH_SALES ?? 6);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const SALE_FEN = 300;
const POINTS_PER_SALE = 3; // saleDraft earns 3 points
const RECHARGE_FEN = 10_000_000;
const TARGET_RATIO = 0.5;
const RUN_TIMEOUT_MS = 300_000;
const BASELINE_BATCH_ROWS = 1_000;

console.log(`ingest: ${TERMINALS} terminals × ${SALES} sales per run, ${RUNS} runs, ${WORKERS} terminal worker processes; gateway child process on PostgreSQL`);
console.log(`machine: ${describeMachine()}; ${loadAverage()}`);

const database = await createPgDatabase('bench_ingest');
if (!database) {
  console.log('PostgreSQL at 127.0.0.1:5432 is not reachable: ingest bench not run');
  process.exit(1);
}
const dir = mkdtempSync(join('/dev/shm', 'pos-bench-ingest-'));
const workers: Array<Worker<WorkerIn, WorkerOut>> = [];
let failed = false;
const gdb = await openDatabase(database.url);
const pgc = new pg.Client({ connectionString: database.url });
await pgc.connect();
let gateway: Awaited<ReturnType<typeof startGatewayProcess>> | null = null;

async function tableCounts(): Promise<Map<string, number>> {
  const tables = await pgc.query<{ tablename: string }>(`select tablename from pg_tables where schemaname = 'public' and tablename not like 'kysely_%' and tablename not like 'bench_copy_%'`);
  const counts = new Map<string, number>();
  for (const { tablename } of tables.rows) {
    const r = await pgc.query<{ n: string }>(`select count(*) as n from "${tablename}"`);
    counts.set(tablename, Number(r.rows[0]!.n));
  }
  return counts;
}

async function salesRegistered(): Promise<number> {
  const r = await pgc.query<{ n: string }>(`select count(*) as n from sync_events where type = 'saleCommitted'`);
  return Number(r.rows[0]!.n);
}

/** Inserts the rows the run added (newest `added` rows of each table that grew) into LIKE-copies; ms taken. */
async function baselineInsertMs(before: Map<string, number>, after: Map<string, number>): Promise<{ ms: number; rows: number; tables: string[] }> {
  const batches: Array<{ copy: string; json: string }> = [];
  const tables: string[] = [];
  let rows = 0;
  for (const [table, n] of after) {
    const added = n - (before.get(table) ?? 0);
    if (added <= 0) continue;
    tables.push(`${table} ${added}`);
    const copy = `bench_copy_${table}`;
    await pgc.query(`create table if not exists "${copy}" (like "${table}" including all)`);
    await pgc.query(`truncate "${copy}"`);
    const r = await pgc.query<{ rows: unknown[] }>(`select coalesce(json_agg(x), '[]'::json) as rows from (select * from "${table}" order by ctid desc limit ${added}) x`);
    const all = r.rows[0]!.rows;
    rows += all.length;
    for (let i = 0; i < all.length; i += BASELINE_BATCH_ROWS) batches.push({ copy, json: JSON.stringify(all.slice(i, i + BASELINE_BATCH_ROWS)) });
  }
  const start = process.hrtime.bigint();
  for (const b of batches) await pgc.query(`insert into "${b.copy}" select * from json_populate_recordset(null::"${b.copy}", $1::json)`, [b.json]);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, rows, tables };
}

try {
  const seedStart = Date.now();
  const fleet = await seedFleet(gdb, { code: 'ING', terminals: TERMINALS, rechargeFen: RECHARGE_FEN });
  console.log(`seeded ${TERMINALS} members, cards and enrolled terminals in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
  gateway = await startGatewayProcess(database.url);
  const workerFile = fileURLToPath(new URL('./support/terminal-worker.ts', import.meta.url));
  for (let w = 0; w < WORKERS; w += 1) {
    const worker = forkWorker<WorkerIn, WorkerOut>(workerFile);
    workers.push(worker);
    worker.send({ type: 'init', syncUrl: gateway.syncUrl, dir: join(dir, `w${w}`), terminals: fleet.terminals.filter((_, i) => i % WORKERS === w) });
  }
  const online = await Promise.all(workers.map((w) => w.next<Extract<WorkerOut, { type: 'online' }>>('online', 150_000)));
  console.log(`all ${TERMINALS} terminals online (enrolled key, hello, snapshot) in ${(Math.max(...online.map((o) => o.ms)) / 1000).toFixed(1)} s`);

  const sustained: number[] = [];
  const baseline: number[] = [];
  const ratios: number[] = [];
  const overall: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const countsBefore = await tableCounts();
    const base = await salesRegistered();
    const total = TERMINALS * SALES;
    const samples: Array<{ ms: number; n: number }> = [];
    const cpuOf = () => cpuSnapshot(gateway?.proc.pid, workers.map((w) => w.proc.pid));
    const cpuBefore = cpuOf();
    const start = Date.now();
    for (const w of workers) w.send({ type: 'sell', salesPerTerminal: SALES, firstIndex: run * SALES, saleFen: SALE_FEN });
    for (;;) {
      const n = (await salesRegistered()) - base;
      samples.push({ ms: Date.now() - start, n });
      if (n >= total) break;
      if (Date.now() - start > RUN_TIMEOUT_MS) throw new Error(`run ${run}: only ${n} of ${total} sales registered after ${RUN_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const at = (fraction: number) => samples.find((s) => s.n >= fraction * total)!;
    const s10 = at(0.1);
    const s90 = at(0.9);
    const rate = ((s90.n - s10.n) / Math.max(1, s90.ms - s10.ms)) * 1000;
    const end = samples.at(-1)!;
    const cpuAfter = cpuOf();
    await Promise.all(workers.map((w) => w.send({ type: 'drain', timeoutMs: 120_000 })));
    const drained = await Promise.all(workers.map((w) => w.next<Extract<WorkerOut, { type: 'drained' }>>('drained', 130_000)));
    const pending = drained.reduce((n, d) => n + d.pending, 0);
    if (pending > 0) throw new Error(`run ${run}: ${pending} events still in the outboxes`);
    const b = await baselineInsertMs(countsBefore, await tableCounts());
    const baseRate = (total / b.ms) * 1000;
    sustained.push(rate);
    overall.push((total / end.ms) * 1000);
    baseline.push(baseRate);
    ratios.push(rate / baseRate);
    console.log(
      `  run ${run + 1}: ${total} sales, all registered in ${(end.ms / 1000).toFixed(1)} s; sustained ${rate.toFixed(0)} sales/s (10%→90%); ` +
        `baseline ${b.rows} rows (${(b.rows / total).toFixed(1)} per sale) in ${(b.ms / 1000).toFixed(2)} s = ${baseRate.toFixed(0)} sales/s; ratio ${(rate / baseRate).toFixed(3)}; ${loadAverage()}`,
    );
    console.log(`    ${formatCpuPerSale(cpuBefore, cpuAfter, total)} (${((cpuAfter.machine - cpuBefore.machine) / (end.ms / 1000)).toFixed(2)} of ${cpus().length} cores busy)`);
    if (run === 0) console.log(`    rows per table: ${b.tables.join(', ')}`);
  }

  // Exactly once, per terminal.
  for (const w of workers) w.send({ type: 'journal' });
  const journals = await Promise.all(workers.map((w) => w.next<Extract<WorkerOut, { type: 'journal' }>>('journal', 60_000)));
  const journaled = new Map<string, string[]>();
  for (const j of journals) for (const [t, ids] of Object.entries(j.sales)) journaled.set(t, ids);
  const rows = await pgc.query<{ terminal_id: string; event_id: string }>(`select terminal_id, event_id from sync_events where type = 'saleCommitted'`);
  const registered = new Map<string, string[]>();
  for (const r of rows.rows) registered.set(r.terminal_id, [...(registered.get(r.terminal_id) ?? []), r.event_id]);
  let mismatched = 0;
  let balanceErrors = 0;
  for (const t of fleet.terminals) {
    const mine = journaled.get(t.terminalId) ?? [];
    const theirs = registered.get(t.terminalId) ?? [];
    const same = mine.length === theirs.length && new Set(theirs).size === theirs.length && theirs.every((id) => mine.includes(id));
    if (!same || mine.length !== RUNS * SALES) mismatched += 1;
    const balance = await fleet.services.ledger.balanceOf(fleet.merchant.merchantId, t.cardNo);
    const points = await fleet.services.ledger.pointsOf(fleet.merchant.merchantId, t.memberId);
    if (balance.principalFen + balance.bonusFen !== RECHARGE_FEN - mine.length * SALE_FEN || points !== mine.length * POINTS_PER_SALE) balanceErrors += 1;
  }
  const ledger = await checkLedger(gdb, fleet.merchant.merchantId);
  console.log(
    `exactly once: ${rows.rowCount} sales registered for ${RUNS * SALES * TERMINALS} journaled; terminals whose journal ≠ gateway register: ${mismatched}; ` +
      `cards whose balance or points ≠ their sales: ${balanceErrors}; ledger check ${ledger.ok ? 'ok' : 'FAILED'} (${ledger.postings} postings)`,
  );
  if (mismatched > 0 || balanceErrors > 0 || !ledger.ok || rows.rowCount !== RUNS * SALES * TERMINALS) failed = true;

  console.log(`sustained ingest           ${formatSummary(summarize(sustained), 'sales/s', 0)}`);
  console.log(`whole run (incl. ramp/tail) ${formatSummary(summarize(overall), 'sales/s', 0)}`);
  console.log(`baseline raw inserts       ${formatSummary(summarize(baseline), 'sales/s', 0)}`);
  const ratio = summarize(ratios).median;
  console.log(`ratio ingest / baseline    ${formatSummary(summarize(ratios), '', 3)}   target ≥ ${TARGET_RATIO} → ${ratio >= TARGET_RATIO ? 'PASS' : `MISS (median ${ratio.toFixed(3)}, ${(TARGET_RATIO / ratio).toFixed(1)}× short)`}`);
  if (process.env.BENCH_TABLE_STATS) {
    // Which tables were scanned rather than probed: a missing index shows as seq_tup_read growing with the run.
    const stats = await pgc.query<{ relname: string; seq_scan: string; seq_tup_read: string; idx_scan: string | null; n_tup_ins: string; n_tup_upd: string }>(
      `select relname, seq_scan, seq_tup_read, idx_scan, n_tup_ins, n_tup_upd from pg_stat_user_tables where relname not like 'bench_copy_%' order by seq_tup_read desc limit 15`,
    );
    for (const r of stats.rows) console.log(`    ${r.relname.padEnd(28)} seq scans ${r.seq_scan.padStart(7)} rows read ${r.seq_tup_read.padStart(10)}  index scans ${(r.idx_scan ?? '0').padStart(8)}  ins ${r.n_tup_ins.padStart(7)} upd ${r.n_tup_upd.padStart(7)}`);
  }
  for (const w of workers) w.send({ type: 'stop' });
  const stopped = await Promise.all(workers.map((w) => w.next<Extract<WorkerOut, { type: 'stopped' }>>('stopped', 60_000)));
  console.log(`terminal workers peak RSS: ${stopped.map((s) => `${(s.maxRssKb / 1024).toFixed(0)} MiB`).join(', ')}; ${loadAverage()}`);
  if (failed) console.log('INVARIANT BROKEN: see above');
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  for (const w of workers) if (w.proc.exitCode === null) w.proc.kill('SIGKILL');
  await gateway?.stop();
  await pgc.end();
  await gdb.close();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
