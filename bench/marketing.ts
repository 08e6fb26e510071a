// Batch coupon issuance on PostgreSQL: a campaign targeting every member (a tag all of them carry),
// 100‰ holdout, issued by CampaignService.issue (target evaluated into campaign_members, then coupons,
// both INSERT … SELECT in chunks of 5,000 with ON CONFLICT DO NOTHING). Baseline, measured in the
// same run: one unchunked INSERT … SELECT writing the same number of coupon rows straight from
// `members` (no target table, no holdout, no resumability) — the floor for doing it in SQL at all.
// Target: the whole issue (target table with holdout flags, then coupons, chunked and resumable)
// within 3× the baseline's time. The time for 1,000,000 members is printed as an extrapolation with
// the machine's load average, since absolute times on a shared 2-core machine move with its load.
// MARKETING_BENCH_MEMBERS sets the member count (default 200,000).
import { newId } from '@pos/protocol';
import pino from 'pino';
import { loadavg } from 'node:os';
import pg from 'pg';
import { openDatabase } from '../gateway/src/db/database.js';
import { systemActor, systemClock } from '../gateway/src/context.js';
import { createServices } from '../gateway/src/services.js';
import { formatSummary, summarize } from './stats.js';
import { createPgDatabase } from './support/pg-database.js';

const MEMBERS = Number(process.env.MARKETING_BENCH_MEMBERS ?? 200_000);
const RUNS = 3;
const INSERT_ROWS = 2_000;
const TARGET_RATIO = 3;

const bench = await createPgDatabase('bench_marketing');
if (!bench) {
  console.log('PostgreSQL not reachable at 127.0.0.1:5432: bench/marketing skipped');
  process.exit(0);
}
const log = pino({ level: 'silent' });
const gdb = await openDatabase(bench.url, { logger: log });
// Raw statements (the tag set-up and the baseline) over their own connection.
const raw = new pg.Client({ connectionString: bench.url });
await raw.connect();
try {
  const s = createServices(gdb, systemClock, log, { dataDir: '/tmp' });
  const merchant = await s.hierarchy.createMerchant({ code: 'BENCH', name: '压测' });
  const system = systemActor(merchant.id);
  const region = await s.hierarchy.createRegion(system, { name: '华东' });
  const store = await s.hierarchy.createStore(system, { regionId: region.id, code: 'B1', name: '一店' });
  const draft = await s.ruleSets.createDraft(system, {
    name: 'bench',
    content: { coupons: [{ couponDefId: 'C10', name: { zh: '减10', en: '10 off' }, kind: 'amountOff', offFen: 1000, validFrom: '2026-01-01T00:00:00+08:00', validTo: '2027-01-01T00:00:00+08:00' }] },
  });
  await s.ruleSets.publish(system, draft.id);

  const seedStart = Date.now();
  const db = gdb.db;
  for (let i = 0; i < MEMBERS; i += INSERT_ROWS) {
    const rows = [];
    for (let j = i; j < Math.min(MEMBERS, i + INSERT_ROWS); j += 1) {
      const now = Date.now();
      rows.push({ merchant_id: merchant.id, id: newId(now), name: `会员${j}`, name_lower: `会员${j}`, phone: null, gender: null, birthday: null, anniversary: null, address: null, store_id: store.id, referrer_id: null, attributes: '{}', tier_id: null, growth: 0, status: 'active', created_at: now, updated_at: now });
    }
    await db.insertInto('members').values(rows).execute();
  }
  await raw.query(`insert into member_tags (merchant_id, member_id, tag) select merchant_id, id, 'bench' from members where merchant_id = $1`, [merchant.id]);
  await raw.query('analyze');
  console.log(`seeded ${MEMBERS.toLocaleString('en')} members in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

  const issueMs: number[] = [];
  const againMs: number[] = [];
  const baselineMs: number[] = [];
  let issued = 0;
  for (let run = 0; run < RUNS; run += 1) {
    const campaign = await s.campaigns.create(system, { name: `bench ${run}`, couponDefId: 'C10', target: { kind: 'tag', tag: 'bench' }, holdoutPerMille: 100 });
    let start = process.hrtime.bigint();
    const result = await s.campaigns.issue(system, campaign.id);
    issueMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    issued = result.issuedCount;
    if (result.targetCount !== MEMBERS || result.newlyIssued !== result.targetCount - result.holdoutCount) throw new Error(`unexpected result ${JSON.stringify(result)}`);
    start = process.hrtime.bigint();
    const again = await s.campaigns.issue(system, campaign.id);
    againMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (again.newlyIssued !== 0) throw new Error('second run issued coupons');

    const prefix = `B${run}`;
    start = process.hrtime.bigint();
    await raw.query(
      `insert into member_coupons (merchant_id, id, code, campaign_id, definition_id, member_id, status, issued_at, valid_from, valid_until, idempotency_key, updated_at)
       select merchant_id, $1 || id, $1 || id, null, 'C10', id, 'issued', 0, 0, 1, $1 || id, 0 from members where merchant_id = $2 limit $3`,
      [prefix, merchant.id, issued],
    );
    baselineMs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const issue = summarize(issueMs);
  const baseline = summarize(baselineMs);
  console.log(`members ${MEMBERS.toLocaleString('en')}, held out ${(MEMBERS - issued).toLocaleString('en')}, coupons ${issued.toLocaleString('en')} per campaign, ${RUNS} campaigns`);
  console.log(`issue (target + coupons, chunked): ${formatSummary(summarize(issueMs.map((x) => x / 1000)), 's')}; median ${Math.round(MEMBERS / (issue.median / 1000)).toLocaleString('en')} members/s`);
  console.log(`issue again (nothing new):         ${formatSummary(summarize(againMs.map((x) => x / 1000)), 's')}`);
  console.log(`baseline (one INSERT … SELECT):    ${formatSummary(summarize(baselineMs.map((x) => x / 1000)), 's')}`);
  const ratio = issue.median / baseline.median;
  console.log(`ratio issue / baseline (median): ${ratio.toFixed(2)} (target ≤ ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? 'MET' : 'MISS'})`);
  const perMillion = (issue.median / MEMBERS) * 1_000_000;
  console.log(`1,000,000 members at this rate: ${(perMillion / 1000).toFixed(1)} s (load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} on ${MEMBERS.toLocaleString('en')}-member runs)`);
} finally {
  await raw.end();
  await gdb.close();
  await bench.drop();
}
