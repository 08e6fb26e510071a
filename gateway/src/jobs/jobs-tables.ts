// Row types of the job and analytics tables (jobs-migration.ts, migration 0006): the runs of each
// job, the RFM results, the churn wake-up list, reminders, behaviours scored for growth, settings.
// Kept free of imports beyond the schema types: the migration's file imports nothing from services.
import type { Kysely } from 'kysely';
import type { GatewayDb } from '../db/database.js';
import type { SalesDatabase } from '../sales/sales-tables.js';

type Int = number;

export type JobOutcome = 'running' | 'succeeded' | 'failed';

export interface JobRunTable {
  merchant_id: string;
  id: string;
  job: string;
  /** The as-of date the run covers (YYYY-MM-DD): one successful run per (merchant, job, period). */
  period_key: string;
  trigger: string;
  staff_id: string | null;
  started_at: Int;
  finished_at: Int | null;
  outcome: JobOutcome;
  rows_touched: Int;
  /** JSON: what the job reports besides the row count (lots expired, segments, …). */
  summary: string | null;
  error: string | null;
}

export interface MemberRfmTable {
  merchant_id: string;
  /** The as-of date of the evaluation (YYYY-MM-DD). */
  period: string;
  member_id: string;
  recency_days: Int;
  frequency: Int;
  monetary_fen: Int;
  r_score: Int;
  f_score: Int;
  m_score: Int;
  /** A key of the engine's RFM_SEGMENTS. */
  segment: string;
  frequency_this_period: Int;
  frequency_previous_period: Int;
  computed_at: Int;
}

export interface ChurnSignalTable {
  merchant_id: string;
  period: string;
  member_id: string;
  previous_frequency: Int;
  frequency: Int;
  last_purchase_date: string | null;
  created_at: Int;
}

export interface MemberReminderTable {
  merchant_id: string;
  /** The day the reminder is for (the run's as-of date). */
  date: string;
  member_id: string;
  kind: 'birthday' | 'anniversary';
  /** The birthday or anniversary day being celebrated (YYYY-MM-DD, this year). */
  event_date: string;
  coupon_id: string | null;
  created_at: Int;
}

export interface MemberBehaviourTable {
  merchant_id: string;
  id: string;
  member_id: string;
  kind: 'signIn' | 'review';
  business_date: string;
  order_paid_fen: Int;
  idempotency_key: string;
  created_at: Int;
}

export interface JobSettingsTable {
  merchant_id: string;
  /** JSON of JobSettings (job-settings.ts). */
  content: string;
  updated_at: Int;
}

export interface JobsDatabase extends SalesDatabase {
  job_runs: JobRunTable;
  member_rfm: MemberRfmTable;
  churn_signals: ChurnSignalTable;
  member_reminders: MemberReminderTable;
  member_behaviours: MemberBehaviourTable;
  job_settings: JobSettingsTable;
}

/** The gateway database seen with the job, analytics and sales tables typed. */
export function jobsDb(gdb: GatewayDb): Kysely<JobsDatabase> {
  return gdb.db as unknown as Kysely<JobsDatabase>;
}
