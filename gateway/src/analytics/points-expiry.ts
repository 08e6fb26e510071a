// Points expiry by lots: every lot whose expiry day is before the as-of date becomes one ledger
// operation (key `points-expiry:<lotId>`, LedgerService.expirePoints), so a rerun, or a run on
// another gateway instance, never expires a lot twice.
import type { JobDefinition } from '../jobs/job-definition.js';

const LOTS_PER_BATCH = 10_000;
/** Bounds one run: lots beyond this wait for the next run (the next day). */
const MAX_BATCHES_PER_RUN = 100;

export const pointsExpiryJob: JobDefinition = {
  name: 'points-expiry',
  cadence: 'daily',
  description: { zh: '积分按批次过期', en: 'Expire points lots whose day has passed' },
  defaultAsOf: (today) => today,
  async run(ctx) {
    let lots = 0;
    let points = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch += 1) {
      const r = await ctx.ledger.expirePoints(ctx.actor, ctx.asOf, LOTS_PER_BATCH);
      lots += r.lotsExpired;
      points += r.pointsExpired;
      if (r.lotsExpired < LOTS_PER_BATCH) break;
    }
    return { rowsTouched: lots, summary: { lotsExpired: lots, pointsExpired: points } };
  },
};
