// Two offline tills spend the same stored-value card. Both synced the card (balance and offline
// limit known), the gateway goes away (its socket refuses), each till's checkout lets the card
// spend as much as its offline rule allows, then the gateway comes back: the overspend at the
// gateway is at most the card type's offline limit, the member is flagged 'overdraft', and each
// till has the flag in its member record after it resyncs. Real checkout machines on real SQLite
// stores, the real sync client, the gateway on SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedger } from '../../gateway/src/ledger/ledger-check.js';
import { syncDb } from '../../gateway/src/sync/sync-tables.js';
import { DIALECTS } from '../gateway/harness.js';
import { ITEM_FEN, closeCheckoutTills, newTillClient, openCheckoutTills, spendOnce, type Till } from './checkout-tills.js';
import { openSyncStack, waitFor, type SyncStack } from './sync-stack.js';

/** The balance equals the limit: the case where two tills can overspend the most. */
const BALANCE_FEN = 5_000;


const CASES = DIALECTS.flatMap((dialect) => (['snapshot', 'live'] as const).map((push) => ({ dialect, push })));

// 'snapshot': the gateway sends a full snapshot on every connect, so the flag reaches a till at its
// next session; 'live': with the change feed, the flag is pushed to the connected tills.
describe.each(CASES)('two offline tills spend the same card on $dialect, $push', ({ dialect, push }) => {
  let stack: SyncStack;
  const tills: Till[] = [];

  beforeAll(async () => {
    stack = await openSyncStack({ dialect, code: `OD${dialect === 'sqlite' ? 'L' : 'P'}${push === 'live' ? 'V' : 'S'}`, rechargeFen: BALANCE_FEN, liveFeed: push === 'live' });
    tills.push(...(await openCheckoutTills(stack, ['till-a', 'till-b'])));
  }, 60_000);

  afterAll(async () => {
    await closeCheckoutTills(tills);
    await stack?.close();
  });

  it('overspend ≤ the offline limit, the member flagged, and every till sees the flag after resync', async () => {
    const limitRow = await syncDb(stack.fx.gdb)
      .selectFrom('card_types')
      .select('offline_limit_fen')
      .where('id', '=', stack.merchant.personalType)
      .executeTakeFirstOrThrow();
    const offlineLimitFen = Number(limitRow.offline_limit_fen);
    expect(offlineLimitFen).toBe(5_000);

    // Both tills sync the card: balance and offline limit known.
    for (const till of tills) till.client.start();
    await waitFor('both snapshots', () => tills.every((t) => t.store.cursor() !== null && t.store.members.card(stack.cardNo) !== null && t.client.status$.value.state === 'online'), 20_000);
    for (const till of tills) {
      expect(till.store.members.card(stack.cardNo)?.offlineLimitFen).toBe(offlineLimitFen);
      expect(till.store.members.member(stack.memberId)?.storedValue).toEqual({ principalFen: BALANCE_FEN, bonusFen: 0 });
      expect(till.store.members.member(stack.memberId)?.flags).toEqual([]);
    }

    // The gateway goes away; the tills keep selling.
    const port = Number(new URL(stack.origin).port);
    await stack.stopGateway();
    await waitFor('both tills offline', () => tills.every((t) => t.client.status$.value.state !== 'online'), 10_000);

    const spentFen = new Map<string, number>();
    for (const till of tills) {
      let spent = 0;
      let refusal: string | null = null;
      for (let i = 0; i < 20 && refusal === null; i += 1) {
        refusal = spendOnce(stack, till);
        if (refusal === null) spent += ITEM_FEN;
      }
      expect(refusal).toBe('INSUFFICIENT_STORED_VALUE');
      spentFen.set(till.name, spent);
    }
    // Each till alone stays within what it knew (balance 5,000, limit 5,000): 5 sales each.
    expect([...spentFen.values()]).toEqual([5_000, 5_000]);
    const totalSpentFen = 10_000;

    // The gateway is back on the same address: both tills drain.
    await stack.startGateway(port);
    await waitFor('both outboxes drained', () => tills.every((t) => t.store.journal.outboxSize() === 0), 30_000);

    const overspendFen = totalSpentFen - BALANCE_FEN;
    expect(overspendFen).toBeLessThanOrEqual(offlineLimitFen);
    expect(await stack.balanceFen()).toBe(0);
    const flags = await syncDb(stack.fx.gdb)
      .selectFrom('member_flags')
      .select(['flag', 'card_no', 'amount', 'cleared_at'])
      .where('merchant_id', '=', stack.merchant.merchantId)
      .where('member_id', '=', stack.memberId)
      .execute();
    expect(flags.length).toBeGreaterThan(0);
    expect(flags.every((f) => f.flag === 'overdraft' && f.card_no === stack.cardNo && f.cleared_at === null)).toBe(true);
    // The shortfalls the gateway posted add up to exactly the overspend.
    expect(flags.reduce((sum, f) => sum + Number(f.amount), 0)).toBe(overspendFen);
    expect((await checkLedger(stack.fx.gdb, stack.merchant.merchantId)).ok).toBe(true);

    if (push === 'live') {
      // Pushed to both connected tills, without a new session.
      await waitFor('the flag on both tills', () => tills.every((t) => t.store.members.member(stack.memberId)?.flags.includes('overdraft') === true), 3_000);
      for (const till of tills) {
        expect(till.store.members.member(stack.memberId)?.flags).toEqual(['overdraft']);
        expect(till.store.members.member(stack.memberId)?.storedValue).toEqual({ principalFen: 0, bonusFen: 0 });
      }
      return;
    }
    // Each till resyncs (a new session gets a fresh snapshot) and sees the flag.
    for (const till of tills) {
      await till.client.stop();
      const cursorBefore = till.store.cursor();
      till.client = newTillClient(till);
      till.client.start();
      await waitFor(`${till.name} to resync`, () => till.store.cursor() !== cursorBefore && till.client.status$.value.state === 'online', 20_000);
      expect(till.store.members.member(stack.memberId)?.flags).toEqual(['overdraft']);
      expect(till.store.members.member(stack.memberId)?.storedValue).toEqual({ principalFen: 0, bonusFen: 0 });
    }
  }, 110_000);
});
