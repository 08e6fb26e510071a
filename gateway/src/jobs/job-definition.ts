// What a job is: a name, a cadence, the as-of date it covers by default, and a run over one merchant.
// Jobs are idempotent per (merchant, as-of date) by themselves (ledger and growth idempotency keys,
// delete-and-insert of a period's rows in one transaction); the runner adds the runs table on top.
import type { Logger } from 'pino';
import type { Actor, Clock } from '../context.js';
import type { GatewayDb } from '../db/database.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { GrowthService } from '../members/growth-service.js';
import type { JobSettings } from './job-settings.js';

export const JOB_NAMES = ['points-expiry', 'reminders', 'rfm-segments', 'churn', 'growth-from-rfm', 'tier-evaluation'] as const;
export type JobName = (typeof JOB_NAMES)[number];

/** The marketing engineer's coupon issuer as the reminders job calls it (structural, so jobs do not import marketing). */
export interface CouponIssuerPort {
  issue(
    actor: Actor,
    req: { campaignId?: string; definitionId: string; memberIds: string[]; idempotencyKey: string },
  ): Promise<{ coupons?: { id: string; memberId: string }[] } | unknown>;
}

export interface JobDeps {
  gdb: GatewayDb;
  clock: Clock;
  log: Logger;
  ledger: LedgerService;
  growth: GrowthService;
  couponIssuer?: CouponIssuerPort | undefined;
}

export interface JobContext extends JobDeps {
  merchantId: string;
  /** The day the run covers, YYYY-MM-DD on the merchant's calendar. */
  asOf: string;
  settings: JobSettings;
  /** System actor of the merchant: what the ledger and audit log record for scheduled work. */
  actor: Actor;
  /** The run's start (epoch ms), written as computed_at/created_at of the rows it makes. */
  startedAt: number;
}

export interface JobResult {
  rowsTouched: number;
  summary?: Record<string, unknown>;
}

export interface JobDefinition {
  name: JobName;
  /** daily: covers today; monthly: covers the month that ended (as-of its last day). */
  cadence: 'daily' | 'monthly';
  description: { zh: string; en: string };
  defaultAsOf(localToday: string): string;
  run(ctx: JobContext): Promise<JobResult>;
}
