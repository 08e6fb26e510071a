// Jobs inside the gateway: the runner (runs table, idempotent per period), the schedule, the HTTP
// routes and the job list. `createJobRunner(services)` wires the runner over the gateway's services.
import type { Services } from '../services.js';
import { JOBS } from './job-registry.js';
import { JobRunner } from './job-runner.js';

export { JOBS } from './job-registry.js';
export { JobRunner, type JobRun, type RunOutcome, type JobTrigger, DEFAULT_STALE_RUN_AFTER_MS } from './job-runner.js';
export { JobScheduler, DEFAULT_SCHEDULE_INTERVAL_MS } from './job-scheduler.js';
export { jobRoutes } from './job-routes.js';
export { JobSettings, readJobSettings, writeJobSettings, type JobSettingsInput } from './job-settings.js';
export { JOB_NAMES, type JobName, type JobDefinition, type JobContext, type JobResult, type CouponIssuerPort } from './job-definition.js';
export { jobsDb, type JobsDatabase } from './jobs-tables.js';

export function createJobRunner(s: Services, options: { staleRunAfterMs?: number } = {}): JobRunner {
  // The marketing CouponIssuer issues the reminders' optional coupon.
  return new JobRunner({ gdb: s.gdb, clock: s.clock, log: s.log, ledger: s.ledger, growth: s.growth, couponIssuer: s.coupons }, JOBS, options);
}
