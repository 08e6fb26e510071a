// Birthday and anniversary reminders: members whose birthday (or anniversary, members.anniversary)
// falls on the as-of date plus `daysAhead` go on the day's list in member_reminders (one row per
// member, day and kind; a rerun adds nothing). Members born on 29 February are reminded on the
// 28th in other years. When settings.reminders.couponDefinitionId is set and a coupon issuer is
// wired, each reminded member gets one coupon (idempotency key per day and kind) and the row
// records its id.
import { sql, type Kysely } from 'kysely';
import { addDays } from '../jobs/calendar.js';
import type { JobContext, JobDefinition, JobResult } from '../jobs/job-definition.js';
import { jobsDb, type JobsDatabase } from '../jobs/jobs-tables.js';

const KINDS = ['birthday', 'anniversary'] as const;
/** The coupon issuer's bound on members per call. */
const MAX_COUPONS_PER_ISSUE = 1_000;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** The MM-DD values celebrated on `day`. */
export function monthDaysCelebratedOn(day: string): string[] {
  const md = day.slice(5);
  return md === '02-28' && !isLeapYear(Number(day.slice(0, 4))) ? ['02-28', '02-29'] : [md];
}

export async function computeReminders(ctx: Pick<JobContext, 'gdb' | 'merchantId' | 'asOf' | 'startedAt' | 'settings' | 'couponIssuer' | 'actor'>): Promise<JobResult> {
  const db: Kysely<JobsDatabase> = jobsDb(ctx.gdb);
  const eventDate = addDays(ctx.asOf, ctx.settings.reminders.daysAhead);
  const monthDays = monthDaysCelebratedOn(eventDate);
  const counts: Record<string, number> = {};
  let rowsTouched = 0;
  for (const kind of KINDS) {
    const r = await db
      .insertInto('member_reminders')
      .columns(['merchant_id', 'date', 'member_id', 'kind', 'event_date', 'coupon_id', 'created_at'])
      .expression(
        db
          .selectFrom('members')
          .select([
            'merchant_id',
            sql<string>`${ctx.asOf}`.as('date'),
            'id',
            sql<string>`${kind}`.as('kind'),
            sql<string>`${eventDate}`.as('event_date'),
            sql<null>`null`.as('coupon_id'),
            sql<number>`cast(${ctx.startedAt} as bigint)`.as('created_at'),
          ])
          .where('merchant_id', '=', ctx.merchantId)
          .where('status', '=', 'active')
          .where(sql<string>`substr(${sql.ref(kind)}, 6, 5)`, 'in', monthDays),
      )
      .onConflict((oc) => oc.columns(['merchant_id', 'date', 'member_id', 'kind']).doNothing())
      .executeTakeFirst();
    counts[kind] = Number(r.numInsertedOrUpdatedRows ?? 0n);
    rowsTouched += counts[kind]!;
  }

  let coupons = 0;
  const definitionId = ctx.settings.reminders.couponDefinitionId;
  if (definitionId !== null && ctx.couponIssuer) {
    for (const kind of KINDS) {
      const waiting = await db
        .selectFrom('member_reminders')
        .select('member_id')
        .where('merchant_id', '=', ctx.merchantId)
        .where('date', '=', ctx.asOf)
        .where('kind', '=', kind)
        .where('coupon_id', 'is', null)
        .orderBy('member_id')
        .execute();
      // The issuer keys each coupon `<key>:<memberId>`, so one key for every chunk issues each member one coupon.
      for (let i = 0; i < waiting.length; i += MAX_COUPONS_PER_ISSUE) {
        const issued = (await ctx.couponIssuer.issue(ctx.actor, {
          definitionId,
          memberIds: waiting.slice(i, i + MAX_COUPONS_PER_ISSUE).map((w) => w.member_id),
          idempotencyKey: `reminder:${kind}:${ctx.asOf}`,
        })) as { coupons?: { id: string; memberId: string }[] };
        for (const c of issued.coupons ?? []) {
        await db
          .updateTable('member_reminders')
          .set({ coupon_id: c.id })
          .where('merchant_id', '=', ctx.merchantId)
          .where('date', '=', ctx.asOf)
          .where('kind', '=', kind)
          .where('member_id', '=', c.memberId)
          .execute();
          coupons += 1;
        }
      }
    }
  }
  return { rowsTouched, summary: { eventDate, birthday: counts.birthday ?? 0, anniversary: counts.anniversary ?? 0, coupons } };
}

export const remindersJob: JobDefinition = {
  name: 'reminders',
  cadence: 'daily',
  description: { zh: '生日与纪念日提醒名单', en: 'Birthday and anniversary reminder list' },
  defaultAsOf: (today) => today,
  run: computeReminders,
};
