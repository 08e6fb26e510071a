// HTTP API of the jobs (HQ only): list the jobs, run one by hand for an as-of date, read the runs and
// the schedule settings; read what the analytics jobs wrote (RFM, churn wake-up list, reminders);
// record member behaviours that earn growth.
import { z } from '@hono/zod-openapi';
import { RFM_SEGMENTS } from '@pos/engine';
import { listChurn, listReminders, listRfm } from '../analytics/analytics-lists.js';
import { recordBehaviour } from '../analytics/member-behaviours.js';
import type { Actor } from '../context.js';
import { GatewayError, forbidden } from '../errors.js';
import { addRoute, type GatewayApp } from '../http/route.js';
import { Paging, pageOf } from '../http/schemas.js';
import type { Services } from '../services.js';
import type { JobRunner } from './job-runner.js';
import { JobSettings, readJobSettings, writeJobSettings } from './job-settings.js';

const Day = z.string().max(10).openapi({ example: '2026-11-30', description: 'YYYY-MM-DD on the merchant calendar' });
const JobParams = z.object({ name: z.string().min(1).max(64).openapi({ example: 'rfm-segments' }) });
const RunBody = z
  .object({
    asOf: Day.optional(),
    /** Alias of asOf. */
    period: Day.optional(),
  })
  .openapi('JobRunRequest');
const JobRunSchema = z
  .object({
    id: z.string(),
    job: z.string(),
    periodKey: z.string(),
    trigger: z.enum(['schedule', 'manual', 'cli']),
    staffId: z.string().nullable(),
    startedAt: z.number(),
    finishedAt: z.number().nullable(),
    outcome: z.enum(['running', 'succeeded', 'failed']),
    rowsTouched: z.number(),
    summary: z.record(z.string(), z.unknown()).nullable(),
    error: z.string().nullable(),
  })
  .openapi('JobRun');
const JobInfo = z.object({ name: z.string(), cadence: z.enum(['daily', 'monthly']), description: z.object({ zh: z.string(), en: z.string() }) }).openapi('Job');
const Segment = z.enum(Object.keys(RFM_SEGMENTS) as [keyof typeof RFM_SEGMENTS, ...(keyof typeof RFM_SEGMENTS)[]]);
const memberColumns = { memberId: z.string(), name: z.string(), phoneMasked: z.string().nullable() };
const RfmRow = z
  .object({
    ...memberColumns,
    recencyDays: z.number(),
    frequency: z.number(),
    monetaryFen: z.number(),
    rScore: z.number(),
    fScore: z.number(),
    mScore: z.number(),
    segment: z.string(),
    frequencyThisPeriod: z.number(),
    frequencyPreviousPeriod: z.number(),
  })
  .openapi('MemberRfm');
const ChurnRow = z.object({ ...memberColumns, previousFrequency: z.number(), frequency: z.number(), lastPurchaseDate: z.string().nullable() }).openapi('ChurnSignal');
const ReminderRow = z.object({ ...memberColumns, kind: z.enum(['birthday', 'anniversary']), date: z.string().openapi({ description: 'the day the reminder is on the list' }), eventDate: z.string(), couponId: z.string().nullable() }).openapi('MemberReminder');
const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const MemberId = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'expected a ULID');
const BehaviourBody = z
  .object({
    memberId: z.string().min(1).max(26),
    kind: z.enum(['signIn', 'review']),
    businessDate: IsoDay,
    orderPaidFen: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    idempotencyKey: z.string().min(1).max(100).optional(),
  })
  .openapi('MemberBehaviour');

/** Jobs and their results are HQ's: other roles get 403. */
function hqOnly(actor: Actor): void {
  if (actor.role !== 'hq_admin' && actor.role !== null) throw forbidden();
}

export function jobRoutes(runner: JobRunner) {
  return (app: GatewayApp, s: Services): void => {
    addRoute(app, { method: 'get', path: '/v1/jobs', tag: 'jobs', summary: 'The jobs the gateway runs and their cadence (HQ)', response: z.object({ items: z.array(JobInfo) }) }, async ({ actor }) => {
      hqOnly(actor);
      return { items: runner.jobs.map((j) => ({ name: j.name, cadence: j.cadence, description: j.description })) };
    });
    addRoute(
      app,
      {
        method: 'post',
        path: '/v1/jobs/{name}/run',
        tag: 'jobs',
        summary: 'Run a job now for an as-of date (default: its scheduled period). A period that already succeeded returns the earlier run with replayed: true; 409 CONFLICT while one runs (HQ)',
        params: JobParams,
        body: RunBody,
        response: z.object({ run: JobRunSchema, replayed: z.boolean() }),
      },
      async ({ actor, params, body }) => {
        hqOnly(actor);
        return runner.run(actor.merchantId, params.name, { asOf: body.asOf ?? body.period, trigger: 'manual', staffId: actor.staffId });
      },
    );
    addRoute(
      app,
      { method: 'get', path: '/v1/jobs/runs', tag: 'jobs', summary: 'Job runs, newest first: started, finished, outcome, rows touched (HQ)', query: Paging.extend({ job: z.string().max(64).optional() }), response: pageOf(JobRunSchema) },
      async ({ actor, query }) => {
        hqOnly(actor);
        return runner.listRuns(actor.merchantId, query);
      },
    );
    addRoute(app, { method: 'get', path: '/v1/jobs/settings', tag: 'jobs', summary: 'Schedule and analytics settings: run time, UTC offset, RFM scoring and churn threshold, reminders (HQ)', response: JobSettings }, async ({ actor }) => {
      hqOnly(actor);
      return readJobSettings(s.gdb, actor.merchantId);
    });
    addRoute(app, { method: 'put', path: '/v1/jobs/settings', tag: 'jobs', summary: 'Replace the job settings (HQ)', body: JobSettings, response: JobSettings }, async ({ actor, body }) => {
      hqOnly(actor);
      return writeJobSettings(s.gdb, actor.merchantId, body, s.clock.nowMs());
    });

    addRoute(
      app,
      { method: 'get', path: '/v1/analytics/rfm', tag: 'analytics', summary: "A period's RFM scores and segment per member (rfm-segments job) (HQ)", query: Paging.extend({ period: IsoDay, segment: Segment.optional(), memberId: MemberId.optional() }), response: pageOf(RfmRow) },
      async ({ actor, query }) => {
        hqOnly(actor);
        return listRfm(s.gdb, actor.merchantId, query);
      },
    );
    addRoute(
      app,
      { method: 'get', path: '/v1/analytics/churn', tag: 'analytics', summary: 'Wake-up list: members whose purchase frequency dropped beyond the threshold (churn job) (HQ)', query: Paging.extend({ period: IsoDay }), response: pageOf(ChurnRow) },
      async ({ actor, query }) => {
        hqOnly(actor);
        return listChurn(s.gdb, actor.merchantId, query);
      },
    );
    addRoute(
      app,
      {
        method: 'get',
        path: '/v1/analytics/reminders',
        tag: 'analytics',
        summary: "Birthday and anniversary reminders of a day, or one member's (newest day first, optionally since a day) (reminders job) (HQ)",
        query: Paging.extend({
          date: IsoDay.optional().openapi({ description: 'the day of the list; required without memberId' }),
          memberId: MemberId.optional(),
          since: IsoDay.optional().openapi({ description: 'only days on or after this one' }),
          kind: z.enum(['birthday', 'anniversary']).optional(),
        }),
        response: pageOf(ReminderRow),
      },
      async ({ actor, query }) => {
        hqOnly(actor);
        if (query.date === undefined && query.memberId === undefined) throw new GatewayError('VALIDATION', '需要 date 或 memberId / date or memberId is required', 'date');
        return listReminders(s.gdb, actor.merchantId, query);
      },
    );
    addRoute(
      app,
      {
        method: 'post',
        path: '/v1/analytics/behaviours',
        tag: 'analytics',
        summary: 'Record a sign-in (once per member and day) or a review; the growth-from-rfm job rewards it with behaviourGrowth (HQ)',
        body: BehaviourBody,
        response: BehaviourBody.extend({ id: z.string(), orderPaidFen: z.number(), idempotencyKey: z.string(), replayed: z.boolean() }),
        status: 201,
      },
      async ({ actor, body }) => {
        hqOnly(actor);
        return recordBehaviour(s.gdb, s.clock, actor.merchantId, body);
      },
    );
  };
}
