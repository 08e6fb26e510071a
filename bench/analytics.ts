// Analytics: the RFM + segment job (gateway/src/analytics/rfm-segments.ts, one INSERT … SELECT with
// window functions) over 1,000,000 members and 10,000,000 sales rows on PostgreSQL, in a dedicated
// database. Seeding is done by the database itself (INSERT … SELECT generate_series, indexes built
// after the load), so the Node process only sends statements and stays small.
//
// Figures: seeding time; the job's wall time through the real JobRunner (a new as-of date per run, so
// every run computes and writes 1M rows) as min/median/max over BENCH_RUNS runs, with sales rows/s
// and members/s. Baseline, in the same run: one plain scan of the same sales rows (count and sum),
// the least any SQL over them can cost; the ratio job/scan says what the scoring and writing add.
// Target: the job under 60 s on this 2-core machine. BENCH_MEMBERS (1,000,000), BENCH_SALES
// (10,000,000), BENCH_RUNS (3).
import pg from 'pg';
import pino from 'pino';
import { systemClock } from '../gateway/src/context.js';
import { openDatabase } from '../gateway/src/db/database.js';
import { createJobRunner } from '../gateway/src/jobs/index.js';
import { createServices } from '../gateway/src/services.js';
import { describeMachine, loadAverage } from './support/machine.js';
import { createPgDatabase } from './support/pg-database.js';
import { formatSummary, summarize } from './stats.js';

const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1_000_000);
const SALES = Number(process.env.BENCH_SALES ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TARGET_MS = 60_000;
const SALES_PER_STATEMENT = 1_000_000;
const MERCHANT = '01BENCHANALYTICSMERCHANT00';
const STORE = '01BENCHANALYTICSSTORE00000';

console.log(`analytics: RFM + segments over ${MEMBERS.toLocaleString('en')} members and ${SALES.toLocaleString('en')} sales rows, ${RUNS} runs, PostgreSQL`);
console.log(`machine: ${describeMachine()}; ${loadAverage()}`);

const database = await createPgDatabase('bench_analytics');
if (!database) {
  console.log('PostgreSQL at 127.0.0.1:5432 is not reachable: analytics bench not run');
  process.exit(1);
}
const logger = pino({ level: 'warn' });
const gdb = await openDatabase(database.url, { logger });
const pgc = new pg.Client({ connectionString: database.url });
await pgc.connect();
let peakRssMb = 0;
const sampleRss = setInterval(() => (peakRssMb = Math.max(peakRssMb, process.memoryUsage().rss / 2 ** 20)), 200);
const seconds = (ms: number) => (ms / 1000).toFixed(2);

try {
  const t0 = performance.now();
  const now = Date.now();
  await pgc.query(`insert into merchants (merchant_id, id, code, name, created_at) values ($1, $1, 'bench', '基准', $2)`, [MERCHANT, now]);
  // Members: ids M000000001 …, joined over the last three years.
  await pgc.query(
    `insert into members (merchant_id, id, name, name_lower, phone, gender, birthday, anniversary, address, store_id, referrer_id, attributes, tier_id, growth, status, created_at, updated_at)
     select $1, 'M' || lpad(g::text, 9, '0'), '会员' || g, '会员' || g, null, null,
       to_char(date '1970-01-01' + (g::bigint * 7919 % 15000)::int, 'YYYY-MM-DD'), null, null, $2, null, '{}', null, 0, 'active',
       $3::bigint - (g % 1095) * 86400000::bigint, $3::bigint
     from generate_series(1, $4::int) g`,
    [MERCHANT, STORE, now, MEMBERS],
  );
  const tMembers = performance.now();
  // Sales: indexes dropped during the load and rebuilt once after it (what a bulk import does).
  const indexes = await pgc.query<{ indexname: string; indexdef: string }>(`select indexname, indexdef from pg_indexes where tablename = 'sales' and indexname <> 'sales_pk'`);
  for (const ix of indexes.rows) await pgc.query(`drop index ${ix.indexname}`);
  await pgc.query('alter table sales drop constraint sales_pk');
  await pgc.query('set synchronous_commit = off');
  await pgc.query('select setseed(0.42)');
  for (let from = 1; from <= SALES; from += SALES_PER_STATEMENT) {
    const to = Math.min(SALES, from + SALES_PER_STATEMENT - 1);
    // Members skewed (a few buy often, many rarely; some never); 5 % refunds; two years of days.
    await pgc.query(
      `insert into sales (merchant_id, id, kind, event_id, store_id, terminal_id, member_id, receipt_no, refunded_sale_id, occurred_at, business_date, local_hour,
        gross_fen, discount_fen, amount_fen, points_earned, points_spent, coupon_count, offline, pump_transaction_id)
      select $1, s.id, case when g % 20 = 0 then 'refund' else 'sale' end, s.id, $2, 'T1', s.member_id, s.id, null,
        extract(epoch from s.day)::bigint * 1000 + 14400000, to_char(s.day, 'YYYY-MM-DD'), 12, s.amount, 0, s.amount, 0, 0, 0, 0, null
      from generate_series($3::int, $4::int) g,
        lateral (select 'S' || lpad(g::text, 10, '0') as id,
                        'M' || lpad(least($5::int, 1 + floor($5::int * power(random(), 1.6)))::int::text, 9, '0') as member_id,
                        date '2024-12-01' + floor(random() * 730)::int as day,
                        100 + floor(random() * 30000)::bigint as amount
                 where g is not null) s`,
      [MERCHANT, STORE, from, to, MEMBERS],
    );
    process.stdout.write(`\r  seeded ${to.toLocaleString('en')} sales rows`);
  }
  process.stdout.write('\n');
  const tLoaded = performance.now();
  await pgc.query('alter table sales add constraint sales_pk primary key (merchant_id, id)');
  for (const ix of indexes.rows) await pgc.query(ix.indexdef);
  await pgc.query('vacuum analyze sales');
  await pgc.query('vacuum analyze members');
  const tSeeded = performance.now();
  console.log(
    `seeding: ${seconds(tSeeded - t0)} s (members ${seconds(tMembers - t0)} s, sales rows ${seconds(tLoaded - tMembers)} s = ${Math.round(SALES / ((tLoaded - tMembers) / 1000)).toLocaleString('en')} rows/s, indexes + analyze ${seconds(tSeeded - tLoaded)} s)`,
  );

  const scanMs: number[] = [];
  const jobMs: number[] = [];
  const services = createServices(gdb, systemClock, logger);
  const runner = createJobRunner(services);
  let scored = 0;
  let segments: unknown;
  for (let i = 0; i < RUNS; i += 1) {
    const s0 = performance.now();
    await pgc.query('select count(*), sum(amount_fen) from sales where merchant_id = $1', [MERCHANT]);
    scanMs.push(performance.now() - s0);
    // Periods in increasing order, as the monthly schedule writes them (each period's rows append to member_rfm's key).
    const asOf = new Date(Date.parse('2026-10-31T00:00:00Z') + (i - RUNS + 1) * 86_400_000).toISOString().slice(0, 10);
    const j0 = performance.now();
    const { run } = await runner.run(MERCHANT, 'rfm-segments', { asOf, trigger: 'cli' });
    jobMs.push(performance.now() - j0);
    if (run.outcome !== 'succeeded') throw new Error(`rfm-segments failed: ${run.error}`);
    scored = run.rowsTouched;
    segments = run.summary?.segments;
    console.log(`  run ${i + 1}: as of ${asOf}, ${run.rowsTouched.toLocaleString('en')} members scored in ${seconds(jobMs[i]!)} s (scan ${seconds(scanMs[i]!)} s); ${loadAverage()}`);
  }
  const job = summarize(jobMs);
  const scan = summarize(scanMs);
  console.log(`segments: ${JSON.stringify(segments)}`);
  console.log(`baseline scan of ${SALES.toLocaleString('en')} sales rows: ${formatSummary({ min: scan.min / 1000, median: scan.median / 1000, max: scan.max / 1000 }, 's')}`);
  console.log(`rfm-segments job: ${formatSummary({ min: job.min / 1000, median: job.median / 1000, max: job.max / 1000 }, 's')}`);
  console.log(`  = ${Math.round(SALES / (job.median / 1000)).toLocaleString('en')} sales rows/s, ${Math.round(scored / (job.median / 1000)).toLocaleString('en')} members/s (median)`);
  console.log(`ratio job / baseline scan (median): ${(job.median / scan.median).toFixed(1)}×`);
  console.log(`Node process peak RSS: ${peakRssMb.toFixed(0)} MiB`);
  console.log(`target: job under ${TARGET_MS / 1000} s → ${job.max < TARGET_MS ? 'PASS' : job.median < TARGET_MS ? 'PASS (median; max over)' : 'MISS'} (max ${seconds(job.max)} s)`);
} finally {
  clearInterval(sampleRss);
  await pgc.end();
  await gdb.close();
  if (process.env.BENCH_KEEP === '1') console.log(`kept ${database.url}`);
  else await database.drop();
}
