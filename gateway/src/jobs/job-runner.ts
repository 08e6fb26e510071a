// Runs a job for one merchant and one as-of date and records it in job_runs. Guarantees, checked in
// this order: (1) an unknown job is NOT_FOUND, a bad or future date VALIDATION; (2) a period that
// already succeeded is not run again: the earlier run is returned with replayed: true; (3) a second
// start while one is running fails on the partial unique index over running rows (409 CONFLICT);
// a run left 'running' by a crash for longer than `staleRunAfterMs` is marked failed and may be
// rerun; (4) a failed run is recorded with its error and may be rerun.
import { newId } from '@pos/protocol';
import type { Logger } from 'pino';
import { systemActor, type Clock } from '../context.js';
import { isUniqueViolation, type GatewayDb } from '../db/database.js';
import { GatewayError } from '../errors.js';
import { activeRules } from '../rules/active-rule-set.js';
import { toPage, type Page } from '../pagination.js';
import { isIsoDay, localDay } from './calendar.js';
import type { JobDefinition, JobDeps, JobName } from './job-definition.js';
import { CHINA_UTC_OFFSET_MINUTES, readJobSettings, type JobSettings } from './job-settings.js';
import { jobsDb, type JobOutcome, type JobRunTable } from './jobs-tables.js';

export type JobTrigger = 'schedule' | 'manual' | 'cli';

export interface JobRun {
  id: string;
  job: string;
  periodKey: string;
  trigger: string;
  staffId: string | null;
  startedAt: number;
  finishedAt: number | null;
  outcome: JobOutcome;
  rowsTouched: number;
  summary: Record<string, unknown> | null;
  error: string | null;
}

export interface RunOutcome {
  run: JobRun;
  /** True when the period had already succeeded and nothing was run. */
  replayed: boolean;
}

export const DEFAULT_STALE_RUN_AFTER_MS = 6 * 3_600_000;
const MAX_ERROR_LENGTH = 2_000;

function toRun(r: JobRunTable): JobRun {
  return {
    id: r.id,
    job: r.job,
    periodKey: r.period_key,
    trigger: r.trigger,
    staffId: r.staff_id,
    startedAt: Number(r.started_at),
    finishedAt: r.finished_at === null ? null : Number(r.finished_at),
    outcome: r.outcome,
    rowsTouched: Number(r.rows_touched),
    summary: r.summary === null ? null : (JSON.parse(r.summary) as Record<string, unknown>),
    error: r.error,
  };
}

export class JobRunner {
  private readonly log: Logger;
  constructor(
    private readonly deps: JobDeps,
    readonly jobs: readonly JobDefinition[],
    private readonly options: { staleRunAfterMs?: number } = {},
  ) {
    this.log = deps.log.child({ module: 'jobs/runner' });
  }

  private get gdb(): GatewayDb {
    return this.deps.gdb;
  }
  private get clock(): Clock {
    return this.deps.clock;
  }

  definition(name: string): JobDefinition {
    const def = this.jobs.find((j) => j.name === name);
    if (!def) throw new GatewayError('NOT_FOUND', `任务不存在：${name} / unknown job ${name}`, 'name');
    return def;
  }

  /** The merchant's settings and today's date on its calendar. */
  async merchantCalendar(merchantId: string): Promise<{ settings: JobSettings; utcOffsetMinutes: number; today: string; nowMs: number }> {
    const settings = await readJobSettings(this.gdb, merchantId);
    const utcOffsetMinutes = settings.utcOffsetMinutes ?? (await activeRules(this.gdb.db, merchantId))?.settings.utcOffsetMinutes ?? CHINA_UTC_OFFSET_MINUTES;
    const nowMs = this.clock.nowMs();
    return { settings, utcOffsetMinutes, today: localDay(nowMs, utcOffsetMinutes), nowMs };
  }

  async run(merchantId: string, name: string, opts: { asOf?: string | undefined; trigger: JobTrigger; staffId?: string | null }): Promise<RunOutcome> {
    const def = this.definition(name);
    const { settings, today } = await this.merchantCalendar(merchantId);
    const asOf = opts.asOf ?? def.defaultAsOf(today);
    if (!isIsoDay(asOf)) throw new GatewayError('VALIDATION', `日期无效：${asOf} / not a day (YYYY-MM-DD): ${asOf}`, 'asOf');
    if (asOf > today) throw new GatewayError('VALIDATION', `日期不能晚于今天 ${today} / the as-of date may not be after today (${today})`, 'asOf');
    const db = jobsDb(this.gdb);

    const done = await this.succeeded(merchantId, def.name, asOf);
    if (done) return { run: done, replayed: true };

    const startedAt = this.clock.nowMs();
    await db
      .updateTable('job_runs')
      .set({ outcome: 'failed', finished_at: startedAt, error: 'abandoned: still running after the stale limit (crashed process?)' })
      .where('merchant_id', '=', merchantId)
      .where('job', '=', def.name)
      .where('period_key', '=', asOf)
      .where('outcome', '=', 'running')
      .where('started_at', '<', startedAt - (this.options.staleRunAfterMs ?? DEFAULT_STALE_RUN_AFTER_MS))
      .execute();

    const id = newId(startedAt);
    try {
      await db
        .insertInto('job_runs')
        .values({ merchant_id: merchantId, id, job: def.name, period_key: asOf, trigger: opts.trigger, staff_id: opts.staffId ?? null, started_at: startedAt, finished_at: null, outcome: 'running', rows_touched: 0, summary: null, error: null })
        .execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new GatewayError('CONFLICT', `任务 ${def.name} 正在运行（${asOf}） / job ${def.name} is already running for ${asOf}`, 'name');
      throw error;
    }
    // Another run may have succeeded between the check above and our insert: then ours never ran.
    const raced = await this.succeeded(merchantId, def.name, asOf);
    if (raced) {
      await db.deleteFrom('job_runs').where('merchant_id', '=', merchantId).where('id', '=', id).execute();
      return { run: raced, replayed: true };
    }

    const log = this.log.child({ merchantId, job: def.name, asOf, runId: id });
    try {
      const result = await def.run({ ...this.deps, merchantId, asOf, settings, actor: systemActor(merchantId), startedAt });
      await db
        .updateTable('job_runs')
        .set({ outcome: 'succeeded', finished_at: this.clock.nowMs(), rows_touched: result.rowsTouched, summary: result.summary ? JSON.stringify(result.summary) : null })
        .where('merchant_id', '=', merchantId)
        .where('id', '=', id)
        .execute();
      log.info({ rowsTouched: result.rowsTouched }, 'job succeeded');
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      await db
        .updateTable('job_runs')
        .set({ outcome: 'failed', finished_at: this.clock.nowMs(), error: message.slice(0, MAX_ERROR_LENGTH) })
        .where('merchant_id', '=', merchantId)
        .where('id', '=', id)
        .execute();
      log.error({ err: error }, 'job failed');
    }
    const row = await db.selectFrom('job_runs').selectAll().where('merchant_id', '=', merchantId).where('id', '=', id).executeTakeFirstOrThrow();
    return { run: toRun(row), replayed: false };
  }

  private async succeeded(merchantId: string, job: string, periodKey: string): Promise<JobRun | null> {
    const row = await jobsDb(this.gdb)
      .selectFrom('job_runs')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('job', '=', job)
      .where('period_key', '=', periodKey)
      .where('outcome', '=', 'succeeded')
      .executeTakeFirst();
    return row ? toRun(row) : null;
  }

  /** Runs newest first; `job` filters by name. */
  async listRuns(merchantId: string, q: { job?: string | undefined; cursor?: string | undefined; limit: number }): Promise<Page<JobRun>> {
    let query = jobsDb(this.gdb).selectFrom('job_runs').selectAll().where('merchant_id', '=', merchantId);
    if (q.job !== undefined) query = query.where('job', '=', q.job);
    if (q.cursor !== undefined) query = query.where('id', '<', q.cursor);
    const rows = await query.orderBy('id', 'desc').limit(q.limit + 1).execute();
    return toPage(rows, q.limit, toRun);
  }

  jobNames(): JobName[] {
    return this.jobs.map((j) => j.name);
  }
}
