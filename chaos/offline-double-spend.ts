// Two offline tills spend one stored-value card, on SQLite and PostgreSQL. Both tills synced the
// card (balance = offline limit = ¥50), the gateway goes away, each till's real checkout sells until
// it refuses the card, the gateway comes back: the overspend is at most the card type's offline
// limit, posted to overdraft and flagged on the member, the flag reaches both tills (live feed),
// the ledger invariants hold. Reuses test/sync's stack and checkout tills.
import { checkLedger } from '../gateway/src/ledger/ledger-check.js';
import { syncDb } from '../gateway/src/sync/sync-tables.js';
import { ITEM_FEN, closeCheckoutTills, openCheckoutTills, spendOnce } from '../test/sync/checkout-tills.js';
import { openSyncStack, waitFor } from '../test/sync/sync-stack.js';
import { invariant, scenario } from './support.js';

const BALANCE_FEN = 5_000;

await scenario('two offline tills spend one card (SQLite and PostgreSQL)', 5 * 60_000, async () => {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const stack = await openSyncStack({ dialect, code: `CD${dialect === 'sqlite' ? 'L' : 'P'}`, rechargeFen: BALANCE_FEN, liveFeed: true });
    const tills = await openCheckoutTills(stack, ['till-a', 'till-b']);
    try {
      const limitRow = await syncDb(stack.fx.gdb).selectFrom('card_types').select('offline_limit_fen').where('id', '=', stack.merchant.personalType).executeTakeFirstOrThrow();
      const offlineLimitFen = Number(limitRow.offline_limit_fen);
      for (const till of tills) till.client.start();
      await waitFor('both tills synced the card', () => tills.every((t) => t.store.members.card(stack.cardNo) !== null && t.client.status$.value.state === 'online'), 60_000);
      const port = Number(new URL(stack.origin).port);
      await stack.stopGateway();
      await waitFor('both tills offline', () => tills.every((t) => t.client.status$.value.state !== 'online'), 30_000);
      let spent = 0;
      const refusals: string[] = [];
      for (const till of tills) {
        let refusal: string | null = null;
        for (let i = 0; i < 20 && refusal === null; i += 1) {
          refusal = spendOnce(stack, till);
          if (refusal === null) spent += ITEM_FEN;
        }
        refusals.push(refusal ?? 'none');
      }
      await stack.startGateway(port);
      await waitFor('both outboxes drained', () => tills.every((t) => t.store.journal.outboxSize() === 0), 120_000);
      const overspend = spent - BALANCE_FEN;
      const flags = await syncDb(stack.fx.gdb).selectFrom('member_flags').select(['flag', 'amount']).where('merchant_id', '=', stack.merchant.merchantId).where('member_id', '=', stack.memberId).execute();
      console.log(`  ${dialect}: offline the two tills sold ${spent / ITEM_FEN} × ¥${ITEM_FEN / 100} on a ¥${BALANCE_FEN / 100} card (offline limit ¥${offlineLimitFen / 100}); refusals ${refusals.join(', ')}; overspend ¥${overspend / 100}`);
      invariant(`${dialect}: each till stopped at its own offline rule`, refusals.every((r) => r === 'INSUFFICIENT_STORED_VALUE'));
      invariant(`${dialect}: overspend ≤ the offline limit`, overspend <= offlineLimitFen, `${overspend} ≤ ${offlineLimitFen}`);
      invariant(`${dialect}: card balance 0, the shortfall posted as overdraft flags`, (await stack.balanceFen()) === 0 && flags.every((f) => f.flag === 'overdraft') && flags.reduce((s, f) => s + Number(f.amount), 0) === overspend);
      await waitFor('the flag on both tills', () => tills.every((t) => t.store.members.member(stack.memberId)?.flags.includes('overdraft') === true), 30_000).catch(() => undefined);
      invariant(`${dialect}: both tills see the overdraft flag (live feed)`, tills.every((t) => t.store.members.member(stack.memberId)?.flags.includes('overdraft') === true));
      invariant(`${dialect}: ledger check`, (await checkLedger(stack.fx.gdb, stack.merchant.merchantId)).ok);
    } finally {
      await closeCheckoutTills(tills);
      await stack.close();
    }
  }
});
