// Tier distribution now: members in scope (by the store they joined) per tier of the active rule
// set, in the rule set's order by growth threshold, then members without a tier and any tier id no
// longer in the rule set (so the counts always add up to the member count).
import { sql } from 'kysely';
import { activeRules } from '../rules/active-rule-set.js';
import { col, pct, type ReportDefinition, type ReportRow } from './report-definition.js';
import { whereStores } from './report-scope.js';

export const tierDistribution: ReportDefinition = {
  name: 'tier-distribution',
  title: { zh: '会员等级分布', en: 'Tier distribution' },
  summary: 'Members per tier (and without one) in scope, as of now, with their share (%) and average growth value',
  range: 'none',
  columns: [
    col('tierId', 'text', '等级编号', 'Tier id'),
    col('tierName', 'text', '等级', 'Tier'),
    col('members', 'int', '会员数', 'Members'),
    col('sharePct', 'pct', '占比(%)', 'Share (%)'),
    col('averageGrowth', 'int', '平均成长值', 'Average growth value'),
  ],
  chart: { kind: 'pie', category: 'tierName', series: ['members'] },
  async run(ctx) {
    let q = ctx.gdb.db
      .selectFrom('members')
      .select(['tier_id', sql<string>`count(*)`.as('n'), sql<string>`sum(growth)`.as('growth')])
      .where('merchant_id', '=', ctx.actor.merchantId);
    q = whereStores(q, 'store_id', ctx.stores);
    const counts = new Map((await q.groupBy('tier_id').execute()).map((r) => [r.tier_id, { n: Number(r.n), growth: Number(r.growth) }]));
    const total = [...counts.values()].reduce((s, c) => s + c.n, 0);
    const tiers = [...((await activeRules(ctx.gdb.db, ctx.actor.merchantId))?.tiers ?? [])].sort((a, b) => a.growthThreshold - b.growthThreshold);
    const rowOf = (tierId: string | null, tierName: string): ReportRow => {
      const c = counts.get(tierId) ?? { n: 0, growth: 0 };
      counts.delete(tierId);
      return { tierId, tierName, members: c.n, sharePct: pct(c.n, total), averageGrowth: c.n ? Math.round(c.growth / c.n) : 0 };
    };
    const rows = tiers.map((t) => rowOf(t.tierId, `${t.name.zh} / ${t.name.en}`));
    rows.push(rowOf(null, '无等级 / No tier'));
    for (const tierId of [...counts.keys()].sort()) rows.push(rowOf(tierId, `${tierId} (已不在规则中 / no longer in the rule set)`));
    return { rows, totals: { tierId: null, tierName: '合计 / Total', members: total, sharePct: total ? 100 : 0, averageGrowth: null } };
  },
};
