// `npm run jobs -w @pos/gateway -- <command>`: runs a gateway job by hand on DATABASE_URL (or the
// embedded default), recorded in job_runs like a scheduled or HTTP-triggered run.
//   run <job> [--as-of YYYY-MM-DD] [--merchant CODE]   one run per merchant (all merchants by default)
//   runs [--merchant CODE] [--job NAME] [--limit N]      the latest runs
//   list                                                  the jobs and their cadence
import { parseArgs } from 'node:util';
import pino from 'pino';
import { z } from 'zod';
import { systemClock } from '../context.js';
import { openDatabase } from '../db/database.js';
import { GatewayError } from '../errors.js';
import { createJobRunner, JOBS } from '../jobs/index.js';
import { createServices } from '../services.js';

const USAGE = `usage: jobs run <${JOBS.map((j) => j.name).join('|')}> [--as-of YYYY-MM-DD] [--merchant CODE]
       jobs runs [--merchant CODE] [--job NAME] [--limit N]
       jobs list`;

const Args = z.object({
  'as-of': z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD').optional(),
  merchant: z.string().min(1).max(64).optional(),
  job: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(20),
});

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'as-of': { type: 'string' }, merchant: { type: 'string' }, job: { type: 'string' }, limit: { type: 'string' } },
});
const parsed = Args.safeParse(values);
const [command, jobName] = positionals;
if (!parsed.success || command === undefined || !['run', 'runs', 'list'].includes(command) || (command === 'run' && jobName === undefined)) {
  console.error(parsed.success ? USAGE : `${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}\n${USAGE}`);
  process.exit(2);
}
const args = parsed.data;

if (command === 'list') {
  for (const j of JOBS) console.log(`${j.name.padEnd(16)} ${j.cadence.padEnd(8)} ${j.description.zh} / ${j.description.en}`);
  process.exit(0);
}

const logger = pino({ name: 'jobs', level: process.env.LOG_LEVEL ?? 'warn' });
const gdb = await openDatabase(process.env.DATABASE_URL, { logger });
try {
  const services = createServices(gdb, systemClock, logger);
  const runner = createJobRunner(services);
  let q = gdb.db.selectFrom('merchants').select(['id', 'code']).orderBy('code');
  if (args.merchant !== undefined) q = q.where('code', '=', args.merchant);
  const merchants = await q.execute();
  if (merchants.length === 0) {
    console.error(args.merchant ? `no merchant with code ${args.merchant}` : 'no merchants in this database');
    process.exitCode = 2;
  }
  for (const m of merchants) {
    if (command === 'runs') {
      const page = await runner.listRuns(m.id, { job: args.job, limit: args.limit });
      for (const r of page.items) {
        const ms = r.finishedAt === null ? '' : `${r.finishedAt - r.startedAt} ms`;
        console.log(`${m.code}  ${r.job.padEnd(16)} ${r.periodKey}  ${r.outcome.padEnd(9)} rows ${String(r.rowsTouched).padStart(8)}  ${ms}  ${r.trigger}${r.error ? `  ${r.error}` : ''}`);
      }
      continue;
    }
    try {
      const t0 = performance.now();
      const { run, replayed } = await runner.run(m.id, jobName!, { asOf: args['as-of'], trigger: 'cli' });
      const took = (performance.now() - t0).toFixed(0);
      console.log(
        `${m.code}  ${run.job} ${run.periodKey}: ${replayed ? `already succeeded (run ${run.id}), nothing done` : `${run.outcome}, ${run.rowsTouched} rows in ${took} ms`}` +
          (run.summary ? `\n  ${JSON.stringify(run.summary)}` : '') +
          (run.error ? `\n  error: ${run.error}` : ''),
      );
      if (run.outcome === 'failed') process.exitCode = 1;
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      console.error(`${m.code}  ${error.code}: ${error.message}`);
      process.exitCode = error.code === 'CONFLICT' ? 3 : 2;
    }
  }
} finally {
  await gdb.close();
}
