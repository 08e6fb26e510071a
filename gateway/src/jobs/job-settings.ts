// Per-merchant settings of the scheduled jobs: when they run on the merchant's clock, the RFM
// scoring and churn threshold (the engine's RfmConfig), and the reminders' look-ahead and coupon.
import { RfmConfig } from '@pos/engine';
import { z } from 'zod';
import type { GatewayDb } from '../db/database.js';
import { jobsDb } from './jobs-tables.js';

export const JobSettings = z.object({
  /** Local time of day (HH:MM) after which the day's scheduled runs start. */
  runAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM').default('02:00'),
  /** The merchant's UTC offset; absent: the active rule set's settings.utcOffsetMinutes, else +08:00. */
  utcOffsetMinutes: z.number().int().min(-14 * 60).max(14 * 60).optional(),
  /** Jobs left out of the schedule (still runnable by hand). */
  disabled: z.array(z.string().max(64)).max(20).default([]),
  rfm: RfmConfig.prefault({ scoring: { mode: 'quintile' } }),
  reminders: z
    .object({
      /** Remind this many days before the birthday or anniversary (0: on the day). */
      daysAhead: z.number().int().min(0).max(60).default(0),
      /** When set, each reminded member gets a coupon of this definition through the coupon issuer. */
      couponDefinitionId: z.string().min(1).max(64).nullable().default(null),
    })
    .prefault({}),
});
export type JobSettings = z.infer<typeof JobSettings>;
export type JobSettingsInput = z.input<typeof JobSettings>;

export const CHINA_UTC_OFFSET_MINUTES = 8 * 60;

export async function readJobSettings(gdb: GatewayDb, merchantId: string): Promise<JobSettings> {
  const row = await jobsDb(gdb).selectFrom('job_settings').select('content').where('merchant_id', '=', merchantId).executeTakeFirst();
  return JobSettings.parse(row ? JSON.parse(row.content) : {});
}

export async function writeJobSettings(gdb: GatewayDb, merchantId: string, input: JobSettingsInput, nowMs: number): Promise<JobSettings> {
  const settings = JobSettings.parse(input);
  const db = jobsDb(gdb);
  const content = JSON.stringify(settings);
  await db
    .insertInto('job_settings')
    .values({ merchant_id: merchantId, content, updated_at: nowMs })
    .onConflict((oc) => oc.columns(['merchant_id']).doUpdateSet({ content, updated_at: nowMs }))
    .execute();
  return settings;
}
