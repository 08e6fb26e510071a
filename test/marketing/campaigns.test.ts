// Coupon campaigns on SQLite and PostgreSQL: targets (segment, tag, tier, list) narrowed to the
// creator's scope, the holdout group (SQL and TypeScript agree, recorded per member), batch issuance
// that is idempotent and resumes after an interruption, and single coupons.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../gateway/src/context.js';
import { holdoutBucket, holdoutBucketSql, isHeldOut, marketingDb } from '../../gateway/src/marketing/index.js';
import { DIALECTS, openServices, type ServiceFixture } from '../gateway/harness.js';
import { COUPON_DEF, fixedUlid, seedMarketing, type MarketingFixture } from './marketing-fixtures.js';

const CAMPAIGN_VIP = fixedUlid('campaign-vip');

describe.each(DIALECTS)('coupon campaigns on %s', (dialect) => {
  let fx: ServiceFixture;
  let f: MarketingFixture;
  let managerA1: Actor;
  let managerB1: Actor;
  let regionA: Actor;

  beforeAll(async () => {
    fx = await openServices(dialect);
    f = await seedMarketing(fx.services, 'MK');
    managerA1 = { merchantId: f.merchantId, staffId: 'staff-a1', role: 'store_manager', regionId: null, storeId: f.storeA1 };
    managerB1 = { merchantId: f.merchantId, staffId: 'staff-b1', role: 'store_manager', regionId: null, storeId: f.storeB1 };
    regionA = { merchantId: f.merchantId, staffId: 'staff-ra', role: 'region_manager', regionId: f.regionA, storeId: null };
  });
  afterAll(async () => fx?.close());

  const campaignMembers = async (campaignId: string) =>
    (await marketingDb(fx.gdb).selectFrom('campaign_members').select(['member_id', 'holdout']).where('campaign_id', '=', campaignId).orderBy('member_id').execute()).map((r) => ({
      memberId: r.member_id,
      holdout: Number(r.holdout),
    }));
  const couponMembers = async (campaignId: string) =>
    (await marketingDb(fx.gdb).selectFrom('member_coupons').select('member_id').where('campaign_id', '=', campaignId).orderBy('member_id').execute()).map((r) => r.member_id);
  const indexes = (ids: string[]) => ids.map((id) => f.memberIds.indexOf(id)).sort((a, b) => a - b);

  it('computes the holdout bucket in SQL exactly as in TypeScript', async () => {
    const rows = await marketingDb(fx.gdb)
      .selectFrom('members as m')
      .select(['m.id', holdoutBucketSql(fx.gdb.dialect, CAMPAIGN_VIP, 'm.id').as('bucket')])
      .where('m.merchant_id', '=', f.merchantId)
      .orderBy('m.id')
      .execute();
    expect(rows).toHaveLength(40);
    for (const r of rows) expect(Number(r.bucket)).toBe(holdoutBucket(CAMPAIGN_VIP, r.id));
    // Spread over 0..999, not a constant.
    expect(new Set(rows.map((r) => Number(r.bucket))).size).toBeGreaterThan(35);
  });

  it('issues a tag campaign with a 300‰ holdout: target frozen, holdout recorded, one coupon per other member', async () => {
    const campaign = await fx.services.campaigns.create(f.system, { campaignId: CAMPAIGN_VIP, name: 'VIP 回馈', couponDefId: 'C10', target: { kind: 'tag', tag: 'vip' }, holdoutPerMille: 300 });
    expect(campaign).toMatchObject({ id: CAMPAIGN_VIP, status: 'created', ruleSetVersion: 2, validFrom: '2025-12-31T16:00:00.000Z', validUntil: '2026-12-31T16:00:00.000Z', regionId: null, storeId: null });
    const result = await fx.services.campaigns.issue(f.system, CAMPAIGN_VIP);
    const vip = f.memberIds.filter((_, i) => i % 3 !== 0);
    const held = vip.filter((id) => isHeldOut(CAMPAIGN_VIP, id, 300));
    expect(held.length).toBe(HELD_VIP);
    expect(result).toEqual({ campaignId: CAMPAIGN_VIP, status: 'issued', targetCount: 26, holdoutCount: HELD_VIP, issuedCount: 26 - HELD_VIP, newlyTargeted: 26, newlyIssued: 26 - HELD_VIP, notified: 0 });
    expect(await campaignMembers(CAMPAIGN_VIP)).toEqual(vip.map((memberId) => ({ memberId, holdout: held.includes(memberId) ? 1 : 0 })).sort((a, b) => a.memberId.localeCompare(b.memberId)));
    expect(await couponMembers(CAMPAIGN_VIP)).toEqual(vip.filter((id) => !held.includes(id)).sort());
    const coupon = await marketingDb(fx.gdb).selectFrom('member_coupons').selectAll().where('campaign_id', '=', CAMPAIGN_VIP).where('member_id', '=', vip.find((id) => !held.includes(id))!).executeTakeFirstOrThrow();
    expect({ ...coupon, valid_from: Number(coupon.valid_from), valid_until: Number(coupon.valid_until) }).toMatchObject({
      code: `C10:${CAMPAIGN_VIP.slice(16)}${coupon.member_id}`,
      id: `${CAMPAIGN_VIP}${coupon.member_id}`,
      definition_id: 'C10',
      status: 'issued',
      valid_from: Date.parse(COUPON_DEF.validFrom),
      valid_until: Date.parse(COUPON_DEF.validTo),
      idempotency_key: `campaign:${CAMPAIGN_VIP}:${coupon.member_id}`,
      redeemed_sale_id: null,
    });
  });

  it('issuing again issues nothing new, even after the tag gained a member', async () => {
    await fx.services.members.setTags(f.system, f.memberIds[0]!, { add: ['vip'] });
    const again = await fx.services.campaigns.issue(f.system, CAMPAIGN_VIP);
    expect(again).toMatchObject({ targetCount: 26, holdoutCount: HELD_VIP, issuedCount: 26 - HELD_VIP, newlyTargeted: 0, newlyIssued: 0 });
    expect(await couponMembers(CAMPAIGN_VIP)).toHaveLength(26 - HELD_VIP);
    await fx.services.members.setTags(f.system, f.memberIds[0]!, { remove: ['vip'] });
  });

  it('resumes a batch interrupted while targeting and while issuing, in chunks of 4', async () => {
    const id = fixedUlid('campaign-chunks');
    await fx.services.campaigns.create(f.system, { campaignId: id, name: '全体A区', couponDefId: 'C10', target: { kind: 'tag', tag: 'vip' }, holdoutPerMille: 0 });
    const crashAt = (phase: 'target' | 'issue', at: number) => ({
      chunkSize: 4,
      afterChunk: (p: string, n: number) => {
        if (p === phase && n === at) throw new Error(`crash in ${p} chunk ${n}`);
      },
    });
    await expect(fx.services.campaigns.issue(f.system, id, crashAt('target', 3))).rejects.toThrow('crash in target chunk 3');
    expect(await campaignMembers(id)).toHaveLength(12);
    expect((await fx.services.campaigns.get(f.system, id)).status).toBe('targeting');
    await expect(fx.services.campaigns.issue(f.system, id, crashAt('issue', 2))).rejects.toThrow('crash in issue chunk 2');
    expect(await campaignMembers(id)).toHaveLength(26);
    expect(await couponMembers(id)).toHaveLength(8);
    const done = await fx.services.campaigns.issue(f.system, id, { chunkSize: 4 });
    expect(done).toMatchObject({ status: 'issued', targetCount: 26, holdoutCount: 0, issuedCount: 26, newlyTargeted: 0, newlyIssued: 18 });
    expect(await couponMembers(id)).toEqual(f.memberIds.filter((_, i) => i % 3 !== 0).sort());
  });

  it('targets a tier, a list, and a segment of the latest or a named RFM period', async () => {
    const run = async (label: string, target: Parameters<typeof fx.services.campaigns.create>[1]['target']) => {
      const c = await fx.services.campaigns.create(f.system, { campaignId: fixedUlid(label), name: label, couponDefId: 'C10', target });
      await fx.services.campaigns.issue(f.system, c.id);
      return { campaign: await fx.services.campaigns.get(f.system, c.id), members: indexes(await couponMembers(c.id)) };
    };
    expect((await run('tier', { kind: 'tier', tierId: 'gold' })).members).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await run('list', { kind: 'list', memberIds: [f.memberIds[31]!, f.memberIds[2]!, f.memberIds[2]!] })).members).toEqual([2, 31]);
    const latest = await run('segment-latest', { kind: 'segment', segment: 'importantValue' });
    expect(latest.campaign.target).toEqual({ kind: 'segment', segment: 'importantValue', period: '2026-03-31' });
    expect(latest.members).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect((await run('segment-feb', { kind: 'segment', segment: 'importantValue', period: '2026-02-28' })).members).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await run('segment-empty', { kind: 'segment', segment: 'generalWinBack' })).campaign).toMatchObject({ status: 'issued', targetCount: 0, issuedCount: 0 });
  });

  it("a store manager's campaign reaches only its store's members and is seen only in its scope", async () => {
    const c = await fx.services.campaigns.create(managerA1, { name: '一店VIP', couponDefId: 'C10', target: { kind: 'tag', tag: 'vip' } });
    expect(c).toMatchObject({ storeId: f.storeA1, regionId: f.regionA });
    const issued = await fx.services.campaigns.issue(managerA1, c.id);
    expect(issued).toMatchObject({ targetCount: 20, issuedCount: 20 });
    expect(indexes(await couponMembers(c.id)).every((i) => i < 30)).toBe(true);
    expect((await fx.services.campaigns.get(regionA, c.id)).id).toBe(c.id);
    await expect(fx.services.campaigns.get(managerB1, c.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(fx.services.campaigns.issue(managerB1, c.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // HQ's campaigns are not the store manager's.
    await expect(fx.services.campaigns.get(managerA1, CAMPAIGN_VIP)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const page = await fx.services.campaigns.list(managerA1, { limit: 50 });
    expect(page.items.map((x) => x.id)).toEqual([c.id]);
    // A list naming a member of another store is refused as not found, naming the entry.
    await expect(
      fx.services.campaigns.create(managerA1, { name: 'x', couponDefId: 'C10', target: { kind: 'list', memberIds: [f.memberIds[1]!, f.memberIds[35]!] } }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'target.memberIds.1' });
    const cashier: Actor = { ...managerA1, role: 'cashier' };
    await expect(fx.services.campaigns.create(cashier, { name: 'x', couponDefId: 'C10', target: { kind: 'tag', tag: 'vip' } })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses a definition that is not in the published rule set, or a window outside it', async () => {
    await expect(fx.services.campaigns.create(f.system, { name: 'x', couponDefId: 'NOPE', target: { kind: 'tag', tag: 'vip' } })).rejects.toMatchObject({ code: 'VALIDATION', field: 'couponDefId' });
    await expect(
      fx.services.campaigns.create(f.system, { name: 'x', couponDefId: 'C10', target: { kind: 'tag', tag: 'vip' }, validUntil: '2027-06-01T00:00:00Z' }),
    ).rejects.toMatchObject({ code: 'VALIDATION', field: 'validFrom' });
    await expect(fx.services.campaigns.create(f.system, { campaignId: CAMPAIGN_VIP, name: 'other', couponDefId: 'C10', target: { kind: 'tag', tag: 'vip' } })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_CONFLICT',
    });
  });

  it('creates a campaign once when the same client id arrives twice at once', async () => {
    const id = fixedUlid('campaign-twice');
    const input = { campaignId: id, name: '重试', couponDefId: 'C10', target: { kind: 'tier', tierId: 'gold' } } as const;
    const [a, b] = await Promise.all([fx.services.campaigns.create(f.system, input), fx.services.campaigns.create(f.system, input)]);
    expect([a.id, b.id]).toEqual([id, id]);
    const rows = await marketingDb(fx.gdb).selectFrom('coupon_campaigns').select('id').where('id', '=', id).execute();
    expect(rows).toHaveLength(1);
  });

  it('issues single coupons once per key and member (the birthday coupon path)', async () => {
    const input = { definitionId: 'C10', memberIds: [f.memberIds[3]!, f.memberIds[4]!], idempotencyKey: 'birthday:2026-03-01', validFrom: Date.parse('2026-03-01T00:00:00+08:00'), validUntil: Date.parse('2026-04-01T00:00:00+08:00') };
    const first = await fx.services.coupons.issue(f.system, input);
    expect(first.newlyIssued).toBe(2);
    expect(first.coupons.map((c) => ({ memberId: c.memberId, status: c.status, validFrom: c.validFrom, validUntil: c.validUntil, campaignId: c.campaignId }))).toEqual(
      [f.memberIds[3]!, f.memberIds[4]!].sort().map((memberId) => ({ memberId, status: 'issued', validFrom: '2026-02-28T16:00:00.000Z', validUntil: '2026-03-31T16:00:00.000Z', campaignId: null })),
    );
    // The till's coupon entry reads the definition id before the colon.
    expect(first.coupons.map((c) => c.code)).toEqual(first.coupons.map((c) => `C10:${c.id}`));
    const again = await fx.services.coupons.issue(f.system, input);
    expect(again.newlyIssued).toBe(0);
    expect(again.coupons.map((c) => c.id)).toEqual(first.coupons.map((c) => c.id));
    const listed = await fx.services.coupons.listForMember(f.system, f.memberIds[3]!);
    expect(listed.map((c) => c.definitionId)).toContain('C10');
    await expect(fx.services.coupons.issue(managerB1, { ...input, idempotencyKey: 'k2' })).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'memberIds.0' });
  });
});

/** How many of the 26 `vip` members hash below 300‰ for CAMPAIGN_VIP (fixed ids: the same on every run). */
const HELD_VIP = 7;
