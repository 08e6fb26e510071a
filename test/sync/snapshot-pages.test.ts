// The bootstrap snapshot read in keyset pages: every member's cards, stored value (a linked card
// draws on its main card), points lots, flags and coupons are read for the page's id range, and
// must come out as the lookups by id (used for deltas) give them, whichever page a member falls
// in. Each chunk's prepared text must be the canonical JSON of its body (it is signed as is).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CardRecord, type MemberRecord, canonicalJson } from '@pos/protocol';
import { SnapshotBuilder } from '../../gateway/src/sync/index.js';
import { syncDb } from '../../gateway/src/sync/sync-tables.js';
import { marketingDb } from '../../gateway/src/marketing/marketing-tables.js';
import { DIALECTS, openServices, type ServiceFixture } from '../gateway/harness.js';
import { memberWithCard, seedMerchant, type MerchantFixture } from '../gateway/fixtures.js';

describe.each(DIALECTS)('snapshot pages on %s', (dialect) => {
  let fx: ServiceFixture;
  let merchant: MerchantFixture;
  const ids: string[] = [];
  const cardNos: string[] = [];

  beforeAll(async () => {
    fx = await openServices(dialect);
    merchant = await seedMerchant(fx.services, 'SP');
    for (let i = 0; i < 7; i += 1) {
      const { member, card } = await memberWithCard(fx.services, merchant, { phone: `1390000000${i}`, cardNo: `880000000000010${i}`, name: `会员${i}` });
      ids.push(member.id);
      cardNos.push(card.cardNo);
    }
    // Member 3 holds a linked card on member 2's card: both see member 2's stored value.
    const linked = await fx.services.cards.issueCard(merchant.system, { memberId: ids[3]!, cardTypeId: merchant.linkedType, cardNo: '8800000000000200', mainCardNo: cardNos[2]! });
    cardNos.push(linked.cardNo);
    await fx.services.ledger.rechargeExplicit(merchant.system, { idempotencyKey: 'sp-recharge-2', cardNo: cardNos[2]!, principalFen: 10_000, bonusFen: 500 });
    const m = merchant.merchantId;
    const db = syncDb(fx.gdb);
    await db
      .insertInto('points_lots')
      .values([
        { merchant_id: m, id: 'lot-b', member_id: ids[1]!, points_earned: 50, points_remaining: 40, expires_on: '2027-12-31', transaction_id: 't1', created_at: 1 },
        { merchant_id: m, id: 'lot-a', member_id: ids[1]!, points_earned: 30, points_remaining: 30, expires_on: null, transaction_id: 't2', created_at: 2 },
        { merchant_id: m, id: 'lot-c', member_id: ids[1]!, points_earned: 10, points_remaining: 0, expires_on: null, transaction_id: 't3', created_at: 3 },
        // Same expiry day as lot-b: sent as one lot of 40 + 15, named by the older id.
        { merchant_id: m, id: 'lot-d', member_id: ids[1]!, points_earned: 15, points_remaining: 15, expires_on: '2027-12-31', transaction_id: 't4', created_at: 4 },
        { merchant_id: m, id: 'lot-e', member_id: ids[1]!, points_earned: 5, points_remaining: 5, expires_on: '2027-06-30', transaction_id: 't5', created_at: 5 },
      ])
      .execute();
    await db
      .insertInto('member_flags')
      .values([
        { merchant_id: m, member_id: ids[4]!, flag: 'overdraft', card_no: cardNos[4]!, event_id: 'e1', amount: 300, raised_at: 1, cleared_at: null },
        { merchant_id: m, member_id: ids[4]!, flag: 'blocked', card_no: null, event_id: 'e2', amount: 0, raised_at: 1, cleared_at: 5 },
      ])
      .execute();
    const now = fx.clock.nowMs();
    const coupon = (id: string, status: 'issued' | 'redeemed', validUntil: number) => ({
      merchant_id: m,
      id,
      code: `C-${id}`,
      campaign_id: null,
      definition_id: 'def-1',
      member_id: ids[5]!,
      status,
      issued_at: now,
      valid_from: now - 1000,
      valid_until: validUntil,
      redeemed_sale_id: null,
      redeemed_at: null,
      redeemed_discount_fen: null,
      notified_at: null,
      idempotency_key: `k-${id}`,
      updated_at: now,
    });
    await marketingDb(fx.gdb)
      .insertInto('member_coupons')
      .values([coupon('late', 'issued', now + 86_400_000), coupon('soon', 'issued', now + 3_600_000), coupon('used', 'redeemed', now + 86_400_000), coupon('gone', 'issued', now - 1)])
      .execute();
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('pages of two give the records the lookups by id give, in chunks whose text is their canonical JSON', async () => {
    const builder = new SnapshotBuilder(fx.gdb, fx.clock, 2);
    const members: MemberRecord[] = [];
    const cards: CardRecord[] = [];
    const indexes: number[] = [];
    const lasts: boolean[] = [];
    for await (const prepared of builder.chunks(merchant.merchantId, merchant.storeA1, 'cursor-1', fx.clock.nowMs())) {
      expect(prepared.type).toBe('snapshotChunk');
      expect(prepared.canonical).toBe(canonicalJson(prepared.body));
      indexes.push(prepared.body.index);
      lasts.push(prepared.body.last);
      if (prepared.body.entity === 'members') members.push(...prepared.body.items);
      if (prepared.body.entity === 'cards') cards.push(...prepared.body.items);
    }
    expect(indexes).toEqual(indexes.map((_, i) => i));
    expect(lasts.filter(Boolean)).toHaveLength(1);
    expect(lasts.at(-1)).toBe(true);
    // The template's demo members (if any) come too: compare all against the lookups by id.
    expect(members.map((m) => m.memberId)).toEqual([...members.map((m) => m.memberId)].sort());
    expect(members).toEqual(await builder.membersByIds(merchant.merchantId, members.map((m) => m.memberId)));
    expect(cards).toEqual(await builder.cardsByNumbers(merchant.merchantId, cards.map((c) => c.cardNo)));
    for (const id of ids) expect(members.filter((m) => m.memberId === id)).toHaveLength(1);
    expect(cards.map((c) => c.cardNo).sort()).toEqual(expect.arrayContaining([...cardNos].sort()));

    const byId = new Map(members.map((m) => [m.memberId, m]));
    expect(byId.get(ids[2]!)!.storedValue).toEqual({ principalFen: 10_000, bonusFen: 500 });
    expect(byId.get(ids[3]!)!.storedValue).toEqual({ principalFen: 10_000, bonusFen: 500 });
    expect(byId.get(ids[0]!)!.storedValue).toEqual({ principalFen: 0, bonusFen: 0 });
    expect(byId.get(ids[1]!)!.pointsLots).toEqual([
      { lotId: 'lot-a', points: 30, expiresOn: null },
      { lotId: 'lot-b', points: 55, expiresOn: '2027-12-31' },
      { lotId: 'lot-e', points: 5, expiresOn: '2027-06-30' },
    ]);
    expect(byId.get(ids[4]!)!.flags).toEqual(['overdraft']);
    expect(byId.get(ids[5]!)!.coupons!.map((c) => c.code)).toEqual(['C-soon', 'C-late']);
    expect(byId.get(ids[6]!)!.coupons).toBeUndefined();
    expect(cards.find((c) => c.cardNo === '8800000000000200')!.mainCardNo).toBe(cardNos[2]);
  });

  it('a merchant without members still ends with a last chunk that carries the cursor', async () => {
    const builder = new SnapshotBuilder(fx.gdb, fx.clock, 2);
    const chunks = [];
    for await (const prepared of builder.chunks('no-such-merchant', 'no-store', 'cursor-2', fx.clock.nowMs())) chunks.push(prepared);
    expect(chunks.map((c) => [c.body.entity, c.body.items.length, c.body.last, c.body.cursor])).toEqual([['members', 0, true, 'cursor-2']]);
    expect(chunks[0]!.canonical).toBe(canonicalJson(chunks[0]!.body));
  });
});
