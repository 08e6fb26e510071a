// Movement between two RFM evaluations: for each segment a member was in at the previous period
// (or "new" when not evaluated then), how many are in each segment now (or "left" when not
// evaluated now). A full outer join of two periods of member_rfm, done as a union of the two
// sides so it runs the same on SQLite; scoped by the member's store.
import { z } from '@hono/zod-openapi';
import { sql } from 'kysely';
import { GatewayError } from '../errors.js';
import { jobsDb } from '../jobs/jobs-tables.js';
import { col, type ReportDefinition, type ReportRow } from './report-definition.js';
import { requirePeriod, rfmPeriod } from './rfm-periods.js';
import { SEGMENT_KEYS, segmentLabel } from './rfm-segment-sizes.js';
import { whereStores } from './report-scope.js';

const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const NEW = 'new';
const LEFT = 'left';

export const rfmMovement: ReportDefinition = {
  name: 'rfm-movement',
  title: { zh: 'RFM 客群迁移', en: 'RFM segment movement' },
  summary: 'Members moving between RFM segments from previousPeriod to period (defaults: the latest evaluation and the one before): one row per previous segment (or new), one column per current segment (or left)',
  range: 'none',
  extraQuery: {
    period: IsoDay.optional().openapi({ description: 'the later evaluation; default the latest' }),
    previousPeriod: IsoDay.optional().openapi({ description: 'the earlier evaluation; default the one before period' }),
  },
  columns: [
    col('fromSegment', 'text', '上期客群', 'Previous segment'),
    col('fromSegmentName', 'text', '上期客群名称', 'Previous segment name'),
    ...SEGMENT_KEYS.map((k) => col(k, 'int', `本期${segmentLabel(k).split(' / ')[0]}`, `Now ${segmentLabel(k).split(' / ')[1]}`)),
    col(LEFT, 'int', '本期未评估', 'Not evaluated now'),
    col('members', 'int', '上期人数', 'Members then'),
    col('stayed', 'int', '留在原客群', 'Stayed'),
  ],
  chart: { kind: 'stackedBar', category: 'fromSegmentName', series: [...SEGMENT_KEYS] },
  async run(ctx, query) {
    const merchantId = ctx.actor.merchantId;
    const askedNow = query.period as string | undefined;
    const askedBefore = query.previousPeriod as string | undefined;
    if (askedNow !== undefined) await requirePeriod(ctx.gdb, merchantId, askedNow, 'query.period');
    if (askedBefore !== undefined) await requirePeriod(ctx.gdb, merchantId, askedBefore, 'query.previousPeriod');
    const period = askedNow ?? (await rfmPeriod(ctx.gdb, merchantId));
    const previous = askedBefore ?? (period === null ? null : await rfmPeriod(ctx.gdb, merchantId, period, true));
    if (period !== null && previous !== null && previous >= period) {
      throw new GatewayError('VALIDATION', '上期须早于本期 / previousPeriod must be before period', 'query.previousPeriod');
    }
    const counts = new Map<string, number>();
    if (period !== null && previous !== null) {
      const side = (p: string, role: 'was' | 'now') => {
        const q = jobsDb(ctx.gdb)
          .selectFrom('member_rfm as x')
          .innerJoin('members as mb', (j) => j.onRef('mb.merchant_id', '=', 'x.merchant_id').onRef('mb.id', '=', 'x.member_id'))
          .select([
            'x.member_id',
            (role === 'was' ? sql<string | null>`x.segment` : sql<string | null>`null`).as('was'),
            (role === 'now' ? sql<string | null>`x.segment` : sql<string | null>`null`).as('now'),
          ])
          .where('x.merchant_id', '=', merchantId)
          .where('x.period', '=', p);
        return whereStores(q, 'mb.store_id', ctx.stores);
      };
      // Every member of either period once, with its segment then and now (null when absent).
      const rows = await jobsDb(ctx.gdb)
        .selectFrom(side(previous, 'was').unionAll(side(period, 'now')).as('u'))
        .select([sql<string | null>`max(u.was)`.as('was'), sql<string | null>`max(u.now)`.as('now')])
        .groupBy('u.member_id')
        .execute();
      for (const r of rows) {
        const key = `${r.was ?? NEW}>${r.now ?? LEFT}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    const rowOf = (from: string, label: string): ReportRow => {
      const row: ReportRow = { fromSegment: from, fromSegmentName: label };
      let members = 0;
      for (const to of [...SEGMENT_KEYS, LEFT]) {
        const n = counts.get(`${from}>${to}`) ?? 0;
        row[to] = n;
        members += n;
      }
      row.members = from === NEW ? null : members;
      row.stayed = from === NEW ? null : (row[from] as number);
      return row;
    };
    const rows = [...SEGMENT_KEYS.map((k) => rowOf(k, segmentLabel(k))), rowOf(NEW, '新进入 / New')];
    return { rows, totals: null, meta: { period, previousPeriod: previous } };
  },
};
