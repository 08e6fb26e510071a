// Two offline tills spend the same card after one of them spent on it online: the online spend was
// acked, so it left the till's outbox, but the till's cached balance predates it until the gateway
// sends the member again (a delta or the next snapshot). The offline rule must still keep the
// combined overspend within the card type's offline limit. Real checkouts, stores, sync client;
// the gateway on SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedger } from '../../gateway/src/ledger/ledger-check.js';
import { syncDb } from '../../gateway/src/sync/sync-tables.js';
import { DIALECTS } from '../gateway/harness.js';
import { ITEM_FEN, closeCheckoutTills, openCheckoutTills, spendOnce, type Till } from './checkout-tills.js';
import { openSyncStack, waitFor, type SyncStack } from './sync-stack.js';

/** The balance equals the limit: the case where two tills can overspend the most. */
const BALANCE_FEN = 5_000;


describe.each(DIALECTS)('an online spend, then two offline tills spend the same card on %s', (dialect) => {
  let stack: SyncStack;
  const tills: Till[] = [];

  beforeAll(async () => {
    stack = await openSyncStack({ dialect, code: `OA${dialect === 'sqlite' ? 'L' : 'P'}`, rechargeFen: BALANCE_FEN });
    tills.push(...(await openCheckoutTills(stack, ['till-a', 'till-b'])));
  }, 60_000);

  afterAll(async () => {
    await closeCheckoutTills(tills);
    await stack?.close();
  });

  it('overspend stays within the offline limit when an acked online spend is not yet in the cached balance', async () => {
    const offlineLimitFen = 5_000;
    for (const till of tills) till.client.start();
    await waitFor('both snapshots', () => tills.every((t) => t.store.cursor() !== null && t.store.members.card(stack.cardNo) !== null && t.client.status$.value.state === 'online'), 20_000);
    const [a, b] = tills as [Till, Till];
    // Online, till A spends 3,000 of the 5,000; the gateway applies and acks it.
    for (let i = 0; i < 3; i += 1) expect(spendOnce(stack, a, false)).toBeNull();
    await waitFor('the online spends acked', () => a.store.journal.outboxSize() === 0, 20_000);
    expect(await stack.balanceFen()).toBe(BALANCE_FEN - 3_000);
    // The acked spends are now in A's cached balance; B has not heard of them (no live push yet).
    expect(a.store.members.member(stack.memberId)?.storedValue).toEqual({ principalFen: 2_000, bonusFen: 0 });
    expect(b.store.members.member(stack.memberId)?.storedValue).toEqual({ principalFen: 5_000, bonusFen: 0 });

    const port = Number(new URL(stack.origin).port);
    await stack.stopGateway();
    await waitFor('both tills offline', () => tills.every((t) => t.client.status$.value.state !== 'online'), 10_000);
    const spentFen: number[] = [];
    for (const till of tills) {
      let spent = 0;
      let refusal: string | null = null;
      for (let i = 0; i < 20 && refusal === null; i += 1) {
        refusal = spendOnce(stack, till);
        if (refusal === null) spent += ITEM_FEN;
      }
      expect(refusal).toBe('INSUFFICIENT_STORED_VALUE');
      spentFen.push(spent);
    }
    // A may spend what it knows is left (2,000); B what it knew (5,000, within the limit).
    expect(spentFen).toEqual([2_000, 5_000]);
    const offlineSpentFen = 7_000;
    await stack.startGateway(port);
    await waitFor('both outboxes drained', () => tills.every((t) => t.store.journal.outboxSize() === 0), 30_000);
    const overspendFen = 3_000 + offlineSpentFen - BALANCE_FEN;
    expect(overspendFen).toBeLessThanOrEqual(offlineLimitFen);
    expect(await stack.balanceFen()).toBe(0);
    const flagged = await syncDb(stack.fx.gdb)
      .selectFrom('member_flags')
      .select('amount')
      .where('merchant_id', '=', stack.merchant.merchantId)
      .where('member_id', '=', stack.memberId)
      .where('flag', '=', 'overdraft')
      .execute();
    expect(flagged.reduce((sum, f) => sum + Number(f.amount), 0)).toBe(overspendFen);
    expect((await checkLedger(stack.fx.gdb, stack.merchant.merchantId)).ok).toBe(true);
  }, 110_000);
});
