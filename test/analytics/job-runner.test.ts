// The job runner and its HTTP API, schedule and CLI on SQLite and PostgreSQL: one successful run per
// (merchant, job, period), a second run is a no-op reporting the first, a running period refuses a
// second start (409), a failed or abandoned run can be rerun; 404 unknown job, 400 bad period, 403
// for roles other than HQ; the scheduler runs each job once for its period; the CLI records its run.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../gateway/src/context.js';
import { JobRunner } from '../../gateway/src/jobs/job-runner.js';
import { jobsDb } from '../../gateway/src/jobs/jobs-tables.js';
import type { JobDefinition } from '../../gateway/src/jobs/job-definition.js';
import { DIALECTS, silentLogger } from '../gateway/harness.js';
import { login, startTestGateway, type Client, type TestGateway } from '../gateway/http-harness.js';

const run = promisify(execFile);
// ManualClock starts at 2026-03-01T02:00Z: 10:00 on 1 March in the merchant's +08:00.
const TODAY = '2026-03-01';
const END_OF_FEBRUARY = '2026-02-28';

describe.each(DIALECTS)('job runner on %s', (dialect) => {
  let t: TestGateway;
  let hq: Client;
  let manager: Client;
  let merchantId: string;

  beforeAll(async () => {
    t = await startTestGateway(dialect);
    const s = t.gw.services;
    const m = await s.hierarchy.createMerchant({ code: 'jobs', name: '任务' });
    merchantId = m.id;
    const sys = systemActor(m.id);
    const region = await s.hierarchy.createRegion(sys, { name: 'r' });
    const store = await s.hierarchy.createStore(sys, { regionId: region.id, code: 'J1', name: 'j1' });
    await s.hierarchy.createStaff(sys, { username: 'hq', displayName: 'hq', password: 'password-hq', role: 'hq_admin' });
    await s.hierarchy.createStaff(sys, { username: 'sm', displayName: 'sm', password: 'password-sm', role: 'store_manager', storeId: store.id });
    hq = await login(t.client, 'jobs', 'hq', 'password-hq');
    manager = await login(t.client, 'jobs', 'sm', 'password-sm');
  });
  afterAll(async () => t?.close());

  it('the schedule waits for runAt, then runs every job once for its period; a second pass runs nothing', async () => {
    expect((await hq.put('/v1/jobs/settings', { runAt: '10:30' })).status).toBe(200);
    expect(await t.gw.jobs.scheduler.tick()).toEqual([]);
    expect((await hq.put('/v1/jobs/settings', { runAt: '02:00' })).body.runAt).toBe('02:00');
    const ran = await t.gw.jobs.scheduler.tick();
    expect(ran.map((r) => [r.job, r.periodKey, r.outcome, r.trigger])).toEqual([
      ['points-expiry', TODAY, 'succeeded', 'schedule'],
      ['reminders', TODAY, 'succeeded', 'schedule'],
      ['rfm-segments', END_OF_FEBRUARY, 'succeeded', 'schedule'],
      ['churn', END_OF_FEBRUARY, 'succeeded', 'schedule'],
      ['growth-from-rfm', END_OF_FEBRUARY, 'succeeded', 'schedule'],
      ['tier-evaluation', END_OF_FEBRUARY, 'succeeded', 'schedule'],
    ]);
    expect(await t.gw.jobs.scheduler.tick()).toEqual([]);
  });

  it('lists the jobs; 404 for an unknown job, 400 for a bad or future date, 403 for a store manager', async () => {
    const jobs = await hq.get('/v1/jobs');
    expect(jobs.body.items.map((j: { name: string; cadence: string }) => `${j.name}:${j.cadence}`)).toEqual([
      'points-expiry:daily', 'reminders:daily', 'rfm-segments:monthly', 'churn:monthly', 'growth-from-rfm:monthly', 'tier-evaluation:monthly',
    ]);
    const unknown = await hq.post('/v1/jobs/no-such-job/run', {});
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const bad = await hq.post('/v1/jobs/rfm-segments/run', { asOf: '2026-02-30' });
    expect([bad.status, bad.body.error.code, bad.body.error.field]).toEqual([400, 'VALIDATION', 'asOf']);
    const future = await hq.post('/v1/jobs/rfm-segments/run', { period: '2026-03-02' });
    expect([future.status, future.body.error.field]).toEqual([400, 'asOf']);
    expect((await manager.post('/v1/jobs/rfm-segments/run', {})).status).toBe(403);
    expect((await manager.get('/v1/jobs/runs')).status).toBe(403);
    const openapi = await t.client.get('/openapi.json');
    expect(Object.keys(openapi.body.paths).filter((p) => /^\/v1\/(jobs|analytics)/.test(p))).toEqual([
      '/v1/jobs', '/v1/jobs/{name}/run', '/v1/jobs/runs', '/v1/jobs/settings', '/v1/analytics/rfm', '/v1/analytics/churn', '/v1/analytics/reminders', '/v1/analytics/behaviours',
    ]);
  });

  it('a second run of a succeeded period is a no-op that reports the first run', async () => {
    const first = await hq.post('/v1/jobs/rfm-segments/run', { asOf: '2026-01-31' });
    expect([first.status, first.body.replayed, first.body.run.outcome, first.body.run.trigger, first.body.run.periodKey]).toEqual([200, false, 'succeeded', 'manual', '2026-01-31']);
    const second = await hq.post('/v1/jobs/rfm-segments/run', { asOf: '2026-01-31' });
    expect([second.status, second.body.replayed, second.body.run.id]).toEqual([200, true, first.body.run.id]);
    const runs = await hq.get('/v1/jobs/runs?job=rfm-segments');
    expect(runs.body.items.map((r: { periodKey: string }) => r.periodKey)).toEqual(['2026-01-31', END_OF_FEBRUARY]);
  });

  it('a failed run is recorded with its error and can be rerun', async () => {
    const failed = await hq.post('/v1/jobs/growth-from-rfm/run', { asOf: '2025-12-31' });
    expect([failed.status, failed.body.run.outcome, failed.body.run.error]).toEqual([200, 'failed', 'Error: rfm-segments has not succeeded for 2025-12-31: run it first']);
    expect((await hq.post('/v1/jobs/rfm-segments/run', { asOf: '2025-12-31' })).body.run.outcome).toBe('succeeded');
    const rerun = await hq.post('/v1/jobs/growth-from-rfm/run', { asOf: '2025-12-31' });
    expect([rerun.body.run.outcome, rerun.body.replayed]).toEqual(['succeeded', false]);
    const runs = await hq.get('/v1/jobs/runs?job=growth-from-rfm&limit=2');
    expect(runs.body.items.map((r: { outcome: string }) => r.outcome)).toEqual(['succeeded', 'failed']);
  });

  it('a period that is running refuses a second start (409); a run abandoned past the stale limit is failed and rerun', async () => {
    const db = jobsDb(t.gw.services.gdb);
    const startedAt = t.clock.now;
    await db.insertInto('job_runs').values({ merchant_id: merchantId, id: '01JOBSRUNNINGROW000000000A', job: 'churn', period_key: '2026-01-31', trigger: 'manual', staff_id: null, started_at: startedAt, finished_at: null, outcome: 'running', rows_touched: 0, summary: null, error: null }).execute();
    const refused = await hq.post('/v1/jobs/churn/run', { asOf: '2026-01-31' });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'CONFLICT']);
    t.clock.advance(6 * 3_600_000 + 1);
    const rerun = await hq.post('/v1/jobs/churn/run', { asOf: '2026-01-31' });
    expect([rerun.status, rerun.body.run.outcome]).toEqual([200, 'succeeded']);
    const crashed = await db.selectFrom('job_runs').select(['outcome', 'error']).where('id', '=', '01JOBSRUNNINGROW000000000A').executeTakeFirstOrThrow();
    expect(crashed).toEqual({ outcome: 'failed', error: 'abandoned: still running after the stale limit (crashed process?)' });
  });

  it('two starts at once: the second is refused while the first runs, then sees its success', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const isRunning = new Promise<void>((resolve) => (started = resolve));
    const slow: JobDefinition = {
      name: 'churn',
      cadence: 'daily',
      description: { zh: '慢', en: 'slow' },
      defaultAsOf: (today) => today,
      run: async () => {
        started();
        await gate;
        return { rowsTouched: 7 };
      },
    };
    const s = t.gw.services;
    const runner = new JobRunner({ gdb: s.gdb, clock: s.clock, log: silentLogger, ledger: s.ledger, growth: s.growth }, [slow]);
    const first = runner.run(merchantId, 'churn', { asOf: '2025-11-30', trigger: 'manual' });
    await isRunning;
    await expect(runner.run(merchantId, 'churn', { asOf: '2025-11-30', trigger: 'manual' })).rejects.toMatchObject({ code: 'CONFLICT' });
    release();
    expect((await first).run).toMatchObject({ outcome: 'succeeded', rowsTouched: 7 });
    expect(await runner.run(merchantId, 'churn', { asOf: '2025-11-30', trigger: 'manual' })).toMatchObject({ replayed: true, run: { rowsTouched: 7 } });
  });

  it('the CLI runs a job, reports a second run as already done, and exits 2 for an unknown job', async () => {
    const env = { ...process.env, DATABASE_URL: t.db.url, LOG_LEVEL: 'silent' };
    const cli = ['tsx', 'gateway/src/cli/jobs.ts'];
    const first = await run('npx', [...cli, 'run', 'churn', '--as-of', '2025-10-31', '--merchant', 'jobs'], { env });
    expect(first.stdout).toMatch(/^jobs {2}churn 2025-10-31: succeeded, 0 rows in \d+ ms\n/);
    const second = await run('npx', [...cli, 'run', 'churn', '--as-of', '2025-10-31', '--merchant', 'jobs'], { env });
    expect(second.stdout).toMatch(/^jobs {2}churn 2025-10-31: already succeeded \(run [0-9A-Z]{26}\), nothing done\n/);
    await expect(run('npx', [...cli, 'run', 'nope', '--merchant', 'jobs'], { env })).rejects.toMatchObject({ code: 2 });
    const runs = await hq.get('/v1/jobs/runs?job=churn&limit=1');
    expect([runs.body.items[0].periodKey, runs.body.items[0].trigger]).toEqual(['2025-10-31', 'cli']);
  });
});
