// RFM segment sizes of one evaluation (the RFM job's member_rfm): members per segment of the
// engine's eight, in RFM_SEGMENTS order, with their average recency, frequency and monetary value.
// Scoped by the member's store. Without any RFM run the rows are zeros and meta.period is null.
import { z } from '@hono/zod-openapi';
import { RFM_SEGMENTS } from '@pos/engine';
import { sql } from 'kysely';
import { jobsDb } from '../jobs/jobs-tables.js';
import { col, divRoundHalfUp, pct, type ReportDefinition } from './report-definition.js';
import { requirePeriod, rfmPeriod } from './rfm-periods.js';
import { whereStores } from './report-scope.js';

export const SEGMENT_KEYS = Object.keys(RFM_SEGMENTS) as (keyof typeof RFM_SEGMENTS)[];
export const segmentLabel = (key: string) => {
  const s = RFM_SEGMENTS[key as keyof typeof RFM_SEGMENTS];
  return s ? `${s.zh} / ${s.en}` : key;
};

const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const rfmSegmentSizes: ReportDefinition = {
  name: 'rfm-segments',
  title: { zh: 'RFM 客群规模', en: 'RFM segment sizes' },
  summary: 'Members per RFM segment in one evaluation of the RFM job (period = its as-of date, default the latest), with average R, F, M',
  range: 'none',
  extraQuery: { period: IsoDay.optional().openapi({ description: "the RFM job's as-of date; default the latest evaluation" }) },
  columns: [
    col('segment', 'text', '客群', 'Segment'),
    col('segmentName', 'text', '客群名称', 'Segment name'),
    col('members', 'int', '会员数', 'Members'),
    col('sharePct', 'pct', '占比(%)', 'Share (%)'),
    col('averageRecencyDays', 'int', '平均未购天数', 'Average recency (days)'),
    col('averageFrequency', 'decimal', '平均购买次数', 'Average frequency'),
    col('averageMonetaryFen', 'fen', '平均消费(分)', 'Average monetary (fen)'),
    col('monetaryFen', 'fen', '消费合计(分)', 'Monetary total (fen)'),
  ],
  chart: { kind: 'bar', category: 'segmentName', series: ['members'] },
  async run(ctx, query) {
    const merchantId = ctx.actor.merchantId;
    const asked = query.period as string | undefined;
    if (asked !== undefined) await requirePeriod(ctx.gdb, merchantId, asked, 'query.period');
    const period = asked ?? (await rfmPeriod(ctx.gdb, merchantId));
    const found = new Map<string, { n: number; r: number; f: number; m: number }>();
    if (period !== null) {
      let q = jobsDb(ctx.gdb)
        .selectFrom('member_rfm as x')
        .innerJoin('members as mb', (j) => j.onRef('mb.merchant_id', '=', 'x.merchant_id').onRef('mb.id', '=', 'x.member_id'))
        .select(['x.segment', sql<string>`count(*)`.as('n'), sql<string>`sum(x.recency_days)`.as('r'), sql<string>`sum(x.frequency)`.as('f'), sql<string>`sum(x.monetary_fen)`.as('m')])
        .where('x.merchant_id', '=', merchantId)
        .where('x.period', '=', period);
      q = whereStores(q, 'mb.store_id', ctx.stores);
      for (const r of await q.groupBy('x.segment').execute()) found.set(r.segment, { n: Number(r.n), r: Number(r.r), f: Number(r.f), m: Number(r.m) });
    }
    const total = [...found.values()].reduce((s, x) => s + x.n, 0);
    const rows = SEGMENT_KEYS.map((key) => {
      const x = found.get(key) ?? { n: 0, r: 0, f: 0, m: 0 };
      return {
        segment: key,
        segmentName: segmentLabel(key),
        members: x.n,
        sharePct: pct(x.n, total),
        averageRecencyDays: divRoundHalfUp(x.r, x.n),
        averageFrequency: x.n ? Math.round((x.f * 100) / x.n) / 100 : 0,
        averageMonetaryFen: divRoundHalfUp(x.m, x.n),
        monetaryFen: x.m,
      };
    });
    const monetary = [...found.values()].reduce((s, x) => s + x.m, 0);
    return {
      rows,
      totals: { segment: null, segmentName: '合计 / Total', members: total, sharePct: total ? 100 : 0, averageRecencyDays: null, averageFrequency: null, averageMonetaryFen: divRoundHalfUp(monetary, total), monetaryFen: monetary },
      meta: { period },
    };
  },
};
