// Reports: the HQ reports of gateway/src/reports over a year of sales on PostgreSQL, in a dedicated
// database seeded by the database itself (INSERT … SELECT generate_series, indexes built after the
// load). Each report runs through runReport (the same code as GET /v1/reports/<name>) for the whole
// merchant over 365 business days, BENCH_RUNS times: min/median/max per report. Baseline, in the same
// run: one plain scan of the same sales rows (count and sum over the date range), the least any
// report over them can cost. Also the PNG of the year's sales-by-day chart.
// Target: every report over 1,000,000 sales answers within 5 s on this 2-core machine (an HQ user
// waiting on a screen). BENCH_SALES (1,000,000), BENCH_MEMBERS (200,000), BENCH_RUNS (3); BENCH_KEEP=1 keeps
// the database and prints its URL, BENCH_DATABASE_URL=<it> times the reports on it again without seeding.
import pg from 'pg';
import pino from 'pino';
import { systemActor, systemClock } from '../gateway/src/context.js';
import { openDatabase } from '../gateway/src/db/database.js';
import { renderChartPng } from '../gateway/src/reports/report-chart.js';
import { REPORTS } from '../gateway/src/reports/report-registry.js';
import { runReport, type ReportQuery } from '../gateway/src/reports/report-runner.js';
import { describeMachine, loadAverage } from './support/machine.js';
import { createPgDatabase } from './support/pg-database.js';
import { formatSummary, summarize } from './stats.js';

const SALES = Number(process.env.BENCH_SALES ?? 1_000_000);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 200_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const STORES = 20;
const TARGET_MS = 5_000;
const MERCHANT = '01BENCHREPORTSMERCHANT0000';
const FROM = '2026-01-01';
const TO = '2026-12-31';

/** The reports timed, with the query each gets besides the range. */
const TIMED: [name: string, extra: Record<string, unknown>][] = [
  ['sales-by-store', {}],
  ['sales-by-day', {}],
  ['sales-by-hour', {}],
  ['top-products', { by: 'net', limit: 20 }],
  ['member-share', {}],
  ['average-ticket', {}],
  // With the CDNOW parameters given: the generated spends have no between-member spread for Gamma-Gamma to fit.
  ['clv', { unit: 'week', horizonPeriods: 12, periodDays: 30, discountRatePerPeriod: 0.01, limit: 100, r: 0.243, alpha: 4.414, a: 0.793, b: 2.426, p: 6.25, q: 3.74, v: 1544 }],
];

console.log(`reports: ${TIMED.length} reports over ${SALES.toLocaleString('en')} sales (${(2 * SALES).toLocaleString('en')} lines), ${MEMBERS.toLocaleString('en')} members, ${STORES} stores, ${FROM}..${TO}, ${RUNS} runs, PostgreSQL`);
console.log(`machine: ${describeMachine()}; ${loadAverage()}`);
process.on('exit', (code) => {
  if (code === 0 && !finished) console.log('reports bench: the event loop emptied before the bench finished');
});
let finished = false;

const reuse = process.env.BENCH_DATABASE_URL;
const database = reuse ? { url: reuse, name: reuse, drop: async () => undefined } : await createPgDatabase('bench_reports');
if (!database) {
  console.log('PostgreSQL at 127.0.0.1:5432 is not reachable: reports bench not run');
  process.exit(1);
}
const logger = pino({ level: 'warn' });
const gdb = await openDatabase(database.url, { logger });
const pgc = new pg.Client({ connectionString: database.url });
await pgc.connect();
const seconds = (ms: number) => (ms / 1000).toFixed(2);

try {
  if (!reuse) await seed();
  await timeReports();
} finally {
  await pgc.end();
  await gdb.close();
  if (process.env.BENCH_KEEP === '1' || reuse) console.log(`kept ${database.url}`);
  else await database.drop();
}

async function seed(): Promise<void> {
  const t0 = performance.now();
  const now = Date.now();
  await pgc.query(`insert into merchants (merchant_id, id, code, name, created_at) values ($1, $1, 'bench-reports', '报表基准', $2)`, [MERCHANT, now]);
  await pgc.query(`insert into regions (merchant_id, id, name, created_at) values ($1, 'R1', '全国', $2)`, [MERCHANT, now]);
  await pgc.query(
    `insert into stores (merchant_id, id, region_id, code, name, address, created_at)
     select $1, 'ST' || lpad(g::text, 4, '0'), 'R1', 'S' || lpad(g::text, 2, '0'), '门店' || g, '', $2 from generate_series(1, $3::int) g`,
    [MERCHANT, now, STORES],
  );
  await pgc.query(
    `insert into members (merchant_id, id, name, name_lower, phone, gender, birthday, anniversary, address, store_id, referrer_id, attributes, tier_id, growth, status, created_at, updated_at)
     select $1, 'M' || lpad(g::text, 9, '0'), '会员' || g, '会员' || g, null, null, null, null, null, 'ST' || lpad((1 + g % $3::int)::text, 4, '0'), null, '{}', null, 0, 'active', $2, $2
     from generate_series(1, $4::int) g`,
    [MERCHANT, now, STORES, MEMBERS],
  );
  const indexes = await pgc.query<{ indexname: string; indexdef: string; tablename: string }>(
    `select indexname, indexdef, tablename from pg_indexes where tablename in ('sales', 'sale_lines') and indexname not in ('sales_pk', 'sale_lines_pk')`,
  );
  for (const ix of indexes.rows) await pgc.query(`drop index ${ix.indexname}`);
  await pgc.query('alter table sales drop constraint sales_pk');
  await pgc.query('alter table sale_lines drop constraint sale_lines_pk');
  await pgc.query('set synchronous_commit = off');
  await pgc.query('select setseed(0.17)');
  // 30 % without a member; members skewed (a few often, many rarely); 4 % refunds; hours weighted to the day.
  await pgc.query(
    `insert into sales (merchant_id, id, kind, event_id, store_id, terminal_id, member_id, receipt_no, refunded_sale_id, occurred_at, business_date, local_hour,
       gross_fen, discount_fen, amount_fen, points_earned, points_spent, coupon_count, offline, pump_transaction_id)
     select $1, s.id, case when g % 25 = 0 then 'refund' else 'sale' end, s.id, s.store, 'T1', s.member, s.id, null,
       extract(epoch from s.day)::bigint * 1000, to_char(s.day, 'YYYY-MM-DD'), s.hour, s.gross, s.gross / 10, s.gross - s.gross / 10, 0, 0, 0, 0, null
     from generate_series(1, $2::int) g,
       lateral (select 'S' || lpad(g::text, 10, '0') as id,
                       'ST' || lpad((1 + floor(random() * $3::int))::int::text, 4, '0') as store,
                       case when random() < 0.3 then null else 'M' || lpad(least($4::int, 1 + floor($4::int * power(random(), 1.6)))::int::text, 9, '0') end as member,
                       date '2026-01-01' + floor(random() * 365)::int as day,
                       8 + floor(random() * 14)::int as hour,
                       200 + floor(random() * 20000)::bigint as gross
                where g is not null) s`,
    [MERCHANT, SALES, STORES, MEMBERS],
  );
  await pgc.query(
    `insert into sale_lines (merchant_id, sale_id, line_no, store_id, business_date, member_id, sku, name, quantity_milli, gross_fen, net_fen)
     select s.merchant_id, s.id, l.n, s.store_id, s.business_date, s.member_id, l.sku, '商品' || l.sku, 1000, s.gross_fen / 2, s.amount_fen / 2
     from sales s, lateral (select n, 'SKU' || lpad((1 + floor(random() * 500))::int::text, 3, '0') as sku from generate_series(1, 2) n where s.id is not null) l
     where s.kind = 'sale'`,
  );
  const tLoaded = performance.now();
  await pgc.query('alter table sales add constraint sales_pk primary key (merchant_id, id)');
  await pgc.query('alter table sale_lines add constraint sale_lines_pk primary key (merchant_id, sale_id, line_no)');
  for (const ix of indexes.rows) await pgc.query(ix.indexdef);
  await pgc.query('vacuum analyze sales');
  await pgc.query('vacuum analyze sale_lines');
  await pgc.query('vacuum analyze members');
  const lines = Number((await pgc.query('select count(*) as n from sale_lines')).rows[0].n);
  console.log(`seeding: ${seconds(performance.now() - t0)} s (rows ${seconds(tLoaded - t0)} s, indexes + analyze ${seconds(performance.now() - tLoaded)} s); ${lines.toLocaleString('en')} lines`);
}

async function timeReports(): Promise<void> {

  const actor = systemActor(MERCHANT);
  const scanMs: number[] = [];
  const times = new Map<string, number[]>(TIMED.map(([name]) => [name, []]));
  const pngMs: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const s0 = performance.now();
    await pgc.query(`select count(*), sum(amount_fen) from sales where merchant_id = $1 and business_date between $2 and $3`, [MERCHANT, FROM, TO]);
    scanMs.push(performance.now() - s0);
    for (const [name, extra] of TIMED) {
      const definition = REPORTS.find((r) => r.name === name)!;
      const q: ReportQuery = { from: FROM, to: TO, ...extra };
      const r0 = performance.now();
      const result = await runReport(gdb, systemClock, actor, definition, q);
      times.get(name)!.push(performance.now() - r0);
      if (name === 'sales-by-day') {
        const p0 = performance.now();
        await renderChartPng({ definition, rows: result.rows, from: FROM, to: TO });
        pngMs.push(performance.now() - p0);
      }
      if (i === 0 && name === 'sales-by-store') console.log(`  totals: ${JSON.stringify(result.totals)}`);
      if (i === 0 && name === 'clv') console.log(`  clv: ${String(result.meta.members)} members scored, ${String(result.meta.repeatMembers)} with repeat purchases`);
    }
    console.log(`  run ${i + 1} done; ${loadAverage()}`);
  }
  const scan = summarize(scanMs);
  const asSeconds = (s: { min: number; median: number; max: number }) => ({ min: s.min / 1000, median: s.median / 1000, max: s.max / 1000 });
  console.log(`baseline scan of the year's sales rows: ${formatSummary(asSeconds(scan), 's', 3)}`);
  let worst = 0;
  for (const [name] of TIMED) {
    const s = summarize(times.get(name)!);
    worst = Math.max(worst, s.median);
    console.log(`${name.padEnd(15)} ${formatSummary(asSeconds(s), 's', 3)}  ratio to the scan (median) ${(s.median / scan.median).toFixed(1)}×  ${s.median < TARGET_MS ? 'PASS' : 'MISS'}`);
  }
  console.log(`sales-by-day chart PNG (365 points, 800×450): ${formatSummary(summarize(pngMs), 'ms', 0)}`);
  finished = true;
  console.log(`target: every report within ${TARGET_MS / 1000} s → ${worst < TARGET_MS ? 'PASS' : 'MISS'} (slowest median ${seconds(worst)} s)`);
}
