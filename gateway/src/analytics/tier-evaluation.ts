// Periodic tier evaluation: upgrades happen at once when growth is added (GrowthService, mode
// 'upgrade'); this job moves every member to the tier their growth reaches now, which may be lower
// (the engine's evaluateTier in 'periodic' mode). Each move is a growth_history row with delta 0,
// source 'evaluation', key `tier-evaluation:<asOf>:<memberId>`, so a rerun moves no one twice.
import { evaluateTier } from '@pos/engine';
import { activeRules } from '../rules/active-rule-set.js';
import { endOfPreviousMonth } from '../jobs/calendar.js';
import type { JobDefinition } from '../jobs/job-definition.js';

const MEMBERS_PER_PAGE = 1_000;

export const tierEvaluationJob: JobDefinition = {
  name: 'tier-evaluation',
  cadence: 'monthly',
  description: { zh: '定期等级评定（可降级）', en: 'Periodic tier evaluation (may downgrade)' },
  defaultAsOf: endOfPreviousMonth,
  async run(ctx) {
    const tiers = (await activeRules(ctx.gdb.db, ctx.merchantId))?.tiers ?? [];
    if (tiers.length === 0) return { rowsTouched: 0, summary: { evaluated: 0, upgrades: 0, downgrades: 0 } };
    let after = '';
    let evaluated = 0;
    const moved = { upgrade: 0, downgrade: 0 };
    for (;;) {
      const members = await ctx.gdb.db
        .selectFrom('members')
        .select(['id', 'growth', 'tier_id'])
        .where('merchant_id', '=', ctx.merchantId)
        .where('id', '>', after)
        .orderBy('id')
        .limit(MEMBERS_PER_PAGE)
        .execute();
      if (members.length === 0) break;
      for (const m of members) {
        evaluated += 1;
        const known = m.tier_id === null || tiers.some((t) => t.tierId === m.tier_id);
        const e = evaluateTier({ growth: Number(m.growth), currentTierId: known ? m.tier_id : null, tiers, mode: 'periodic' });
        if (e.tierId === m.tier_id) continue;
        const change = await ctx.growth.addGrowth(ctx.actor, { idempotencyKey: `tier-evaluation:${ctx.asOf}:${m.id}`, memberId: m.id, delta: 0, source: 'evaluation', mode: 'periodic' });
        if (!change.replayed && change.change !== 'none') moved[change.change] += 1;
      }
      after = members[members.length - 1]!.id;
    }
    return { rowsTouched: moved.upgrade + moved.downgrade, summary: { evaluated, upgrades: moved.upgrade, downgrades: moved.downgrade } };
  },
};
