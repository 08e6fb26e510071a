// Two offline tills spend the same card after one of them spent on it online: the online spend was
// acked, so it left the till's outbox, but the till's cached balance predates it until the gateway
// sends the member again (a delta or the next snapshot). The offline rule must still keep the
// combined overspend within the card type's offline limit. Real checkouts, stores, sync client;
// the gateway on SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogueService } from '../../gateway/src/catalogue/catalogue-service.js';
import { checkLedger } from '../../gateway/src/ledger/ledger-check.js';
import { syncDb } from '../../gateway/src/sync/sync-tables.js';
import { CheckoutMachine } from '../../terminal/src/checkout/index.js';
import type { LocalStore } from '../../terminal/src/store/index.js';
import { SyncClient } from '../../terminal/src/sync/index.js';
import { DIALECTS } from '../gateway/harness.js';
import { openSyncStack, waitFor, type SyncStack } from './sync-stack.js';

const ITEM_FEN = 1_000;
/** The balance equals the limit: the case where two tills can overspend the most. */
const BALANCE_FEN = 5_000;

interface Till {
  name: string;
  store: LocalStore;
  machine: CheckoutMachine;
  client: SyncClient;
  url: string;
  terminalId: string;
  secret: string;
}

describe.each(DIALECTS)('an online spend, then two offline tills spend the same card on %s', (dialect) => {
  let stack: SyncStack;
  const tills: Till[] = [];

  function newClient(till: Omit<Till, 'client' | 'machine'>): SyncClient {
    return new SyncClient({
      url: till.url,
      terminalId: till.terminalId,
      secret: till.secret,
      store: till.store,
      softwareVersion: 'test',
      ackTimeoutMs: 400,
      initialReconnectDelayMs: 20,
      maxReconnectDelayMs: 100,
    });
  }

  beforeAll(async () => {
    stack = await openSyncStack({ dialect, code: `OA${dialect === 'sqlite' ? 'L' : 'P'}`, rechargeFen: BALANCE_FEN });
    await new CatalogueService(stack.fx.gdb, stack.fx.clock).upsert(stack.merchant.system, [
      {
        sku: 'TEA',
        barcodes: ['6900000000017'],
        name: { zh: '茶叶礼盒', en: 'Tea gift box' },
        unitPriceFen: ITEM_FEN,
        unit: 'piece',
        category: 'gifts',
        noDiscount: true,
        noPoints: false,
        pointsMultiplierPerMille: 1000,
      },
    ]);
    for (const name of ['till-a', 'till-b']) {
      const { terminalId, secret } = await stack.enrol(name);
      const base = { name, store: stack.openStore(name), url: `${stack.origin}/v1/sync`, terminalId, secret };
      const client = newClient(base);
      const till: Till = {
        ...base,
        client,
        machine: new CheckoutMachine({
          store: base.store,
          clock: { nowMs: () => Date.now() },
          identity: { storeId: stack.merchant.storeA1, terminalId, receiptPrefix: `${name.slice(-1).toUpperCase()}-` },
          verifyManagerPin: async () => null,
          isOnline: () => till.client.status$.value.state === 'online',
        }),
      };
      tills.push(till);
    }
  }, 60_000);

  afterAll(async () => {
    for (const till of tills) {
      till.machine.close();
      await till.client.stop();
      till.store.close();
    }
    await stack?.close();
  });

  /** Sells one TEA paid wholly by the card; the checkout's refusal code when it will not. */
  function spendOnce(till: Till, offline = true): string | null {
    const m = till.machine;
    expect(m.identifyByCard({ cardNo: stack.cardNo })).toEqual({ ok: true });
    expect(m.addSku('TEA')).toEqual({ ok: true });
    expect(m.startTendering()).toEqual({ ok: true });
    const r = m.addTender({ kind: 'storedValue', amountFen: ITEM_FEN });
    if (!r.ok) {
      expect(m.cancelTendering()).toEqual({ ok: true });
      expect(m.voidSale()).toEqual({ ok: true });
      return (r.error as { causeCode?: string }).causeCode ?? r.error.code;
    }
    expect(m.state.committed?.offline).toBe(offline);
    expect(m.markPrinted()).toEqual({ ok: true });
    till.client.notifyOutbox(); // as the terminal runtime does after each commit
    return null;
  }

  it('overspend stays within the offline limit when an acked online spend is not yet in the cached balance', async () => {
    const offlineLimitFen = 5_000;
    for (const till of tills) till.client.start();
    await waitFor('both snapshots', () => tills.every((t) => t.store.cursor() !== null && t.store.members.card(stack.cardNo) !== null && t.client.status$.value.state === 'online'), 20_000);
    const [a, b] = tills as [Till, Till];
    // Online, till A spends 3,000 of the 5,000; the gateway applies and acks it.
    for (let i = 0; i < 3; i += 1) expect(spendOnce(a, false)).toBeNull();
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
        refusal = spendOnce(till);
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
