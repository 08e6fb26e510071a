// A member's unredeemed coupons travel to terminals in the member record (snapshot and deltas), so a
// till can present them to the engine offline; a redeemed coupon leaves the record. SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemberRecord } from '@pos/protocol';
import { ChangeFeed } from '../../gateway/src/sync/change-feed.js';
import { SnapshotBuilder } from '../../gateway/src/sync/snapshot-builder.js';
import { SyncEventApplier } from '../../gateway/src/sync/index.js';
import { DIALECTS, openServices, silentLogger, type ServiceFixture } from '../gateway/harness.js';
import { fixedUlid, seedMarketing, type MarketingFixture } from './marketing-fixtures.js';
import { cashSale, type Till } from './sale-events.js';

describe.each(DIALECTS)('member coupons to terminals on %s', (dialect) => {
  let fx: ServiceFixture;
  let f: MarketingFixture;
  let snapshots: SnapshotBuilder;
  let feed: ChangeFeed;
  let till: Till;
  const campaignId = fixedUlid('campaign-tier');

  beforeAll(async () => {
    fx = await openServices(dialect);
    f = await seedMarketing(fx.services, 'TM');
    snapshots = new SnapshotBuilder(fx.gdb, fx.clock);
    feed = new ChangeFeed(fx.gdb, snapshots, fx.clock, { pollMs: 60_000 });
    const t = await fx.services.hierarchy.createTerminal(f.system, { storeId: f.storeA1, name: 'till' });
    till = { merchantId: f.merchantId, storeId: f.storeA1, terminalId: t.id };
  });
  afterAll(async () => {
    feed?.close();
    await fx?.close();
  });

  it('carries issued coupons in the member record, soonest to expire first, and drops a redeemed one', async () => {
    const [gold] = await snapshots.membersByIds(f.merchantId, [f.memberIds[0]!]);
    expect(gold!.coupons).toBeUndefined();
    // The feed reads 5 s back (late commits): keep the seeding out of that window.
    fx.clock.advance(60_000);
    const before = fx.clock.now;
    await fx.services.campaigns.create(f.system, { campaignId, name: '金卡礼', couponDefId: 'C10', target: { kind: 'tier', tierId: 'gold' } });
    await fx.services.campaigns.issue(f.system, campaignId);
    const birthday = await fx.services.coupons.issue(f.system, {
      definitionId: 'C10',
      memberIds: [f.memberIds[0]!],
      idempotencyKey: 'birthday-2026',
      validFrom: Date.parse('2026-03-01T00:00:00+08:00'),
      validUntil: Date.parse('2026-04-01T00:00:00+08:00'),
    });
    const birthdayCode = birthday.coupons[0]!.code;
    // Already run out on the gateway's clock (2026-03-01): not sent.
    await fx.services.coupons.issue(f.system, {
      definitionId: 'C10',
      memberIds: [f.memberIds[0]!],
      idempotencyKey: 'january',
      validFrom: Date.parse('2026-01-01T00:00:00+08:00'),
      validUntil: Date.parse('2026-02-01T00:00:00+08:00'),
    });

    // The change feed names every gold member (their coupons changed) and only them.
    const deltas = await feed.deltasSince(f.merchantId, before, fx.clock.now + 1);
    const changed = (deltas ?? []).flatMap((d) => d.changes).flatMap((c) => (c.op === 'upsert' && c.change.entity === 'members' ? (c.change.items as MemberRecord[]) : []));
    expect(changed.map((m) => m.memberId).sort()).toEqual(f.memberIds.slice(0, 10).sort());

    const [record] = await snapshots.membersByIds(f.merchantId, [f.memberIds[0]!]);
    expect(MemberRecord.parse(record)).toEqual(record);
    expect(record!.coupons).toEqual([
      { code: birthdayCode, couponDefId: 'C10', validFrom: '2026-02-28T16:00:00.000Z', validUntil: '2026-03-31T16:00:00.000Z' },
      { code: `C10:${campaignId.slice(16)}${f.memberIds[0]}`, couponDefId: 'C10', validFrom: '2025-12-31T16:00:00.000Z', validUntil: '2026-12-31T16:00:00.000Z' },
    ]);

    const applier = new SyncEventApplier({ gdb: fx.gdb, clock: fx.clock, ledger: fx.services.ledger, members: fx.services.members, cards: fx.services.cards, logger: silentLogger });
    fx.clock.advance(60_000);
    const sinceRedeem = fx.clock.now;
    await applier.apply(till, 'saleCommitted', cashSale(till, 'gold0', f.memberIds[0]!, 12_000, [birthdayCode]));
    const after = await feed.deltasSince(f.merchantId, sinceRedeem, fx.clock.now + 1);
    const updated = (after ?? []).flatMap((d) => d.changes).flatMap((c) => (c.op === 'upsert' && c.change.entity === 'members' ? (c.change.items as MemberRecord[]) : []));
    expect(updated.find((m) => m.memberId === f.memberIds[0])?.coupons?.map((c) => c.code)).toEqual([`C10:${campaignId.slice(16)}${f.memberIds[0]}`]);
  });
});
