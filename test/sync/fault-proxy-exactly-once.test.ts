// Exactly once through a hostile network: three tills sell 1,000 times in all while a seeded fault
// proxy drops, duplicates, delays and reorders frames both ways and cuts connections; after the
// faults stop and the outboxes drain, the ledger holds exactly those 1,000 sales. Real WebSockets
// over loopback, real SQLite / PostgreSQL. The seed fixes the fault decisions, not the timing, so
// a run is repeatable in kind (same rates) rather than frame for frame.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedger } from '../../gateway/src/ledger/ledger-check.js';
import type { LocalStore } from '../../terminal/src/store/index.js';
import { SyncClient } from '../../terminal/src/sync/index.js';
import { DIALECTS } from '../gateway/harness.js';
import { saleDraft } from '../terminal/store/fixtures/records.js';
import { type FaultProxy, type FaultRates, seededRandom, startFaultProxy } from '../support/fault-proxy.js';
import { openSyncStack, waitFor, type SyncStack } from './sync-stack.js';

const SALES = 1_000;
const TILLS = 3;
const SALE_FEN = 300;
const POINTS_PER_SALE = 3;
const RATES: FaultRates = { drop: 0.04, duplicate: 0.04, reorder: 0.04, delay: 0.06, cut: 0.004, maxDelayMs: 40 };
const SEED = 0x5eed_0007;

describe.each(DIALECTS)('exactly once through the fault proxy on %s', (dialect) => {
  let stack: SyncStack;
  let proxy: FaultProxy;
  const tills: Array<{ terminalId: string; store: LocalStore; client: SyncClient }> = [];

  beforeAll(async () => {
    stack = await openSyncStack({ dialect, code: `FP${dialect === 'sqlite' ? 'L' : 'P'}`, rechargeFen: 1_000_000 });
    proxy = await startFaultProxy(stack.origin, RATES, seededRandom(SEED));
    for (let t = 0; t < TILLS; t += 1) {
      const { terminalId, secret } = await stack.enrol(`till-${t}`);
      const store = stack.openStore(`till-${t}`);
      const client = new SyncClient({
        url: proxy.url('/v1/sync'),
        terminalId,
        secret,
        store,
        softwareVersion: 'test',
        // Short timers so lost frames are resent within the test's time budget.
        ackTimeoutMs: 400,
        handshakeTimeoutMs: 1_000,
        initialReconnectDelayMs: 20,
        maxReconnectDelayMs: 200,
        maxEventsInFlight: 50,
        random: seededRandom(SEED + t + 1),
      });
      tills.push({ terminalId, store, client });
    }
  }, 60_000);

  afterAll(async () => {
    for (const till of tills) {
      await till.client.stop();
      till.store.close();
    }
    await proxy?.close();
    await stack?.close();
  });

  it('1,000 sales across 3 tills land exactly once: count, stored value, points, ledger check, empty outboxes', async () => {
    const balanceBefore = await stack.balanceFen();
    const pointsBefore = await stack.points();
    for (const till of tills) till.client.start();
    const sold: string[] = [];
    // Sales are committed while the clients sync, a few at a time, as tills do.
    for (let i = 0; i < SALES; i += 1) {
      const till = tills[i % TILLS]!;
      const draft = saleDraft(i, {
        storeId: stack.merchant.storeA1,
        terminalId: till.terminalId,
        memberId: stack.memberId,
        cardNo: stack.cardNo,
        tenders: [{ kind: 'storedValue', amountFen: SALE_FEN, principalFen: SALE_FEN, bonusFen: 0, cardNo: stack.cardNo }],
      });
      sold.push(till.store.commitSale(draft, `F${i % TILLS}-`).eventId);
      till.client.notifyOutbox();
      if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // The faults go on until every outbox is empty: recovery must not need a quiet network.
    await waitFor('every outbox to drain', () => tills.every((t) => t.store.journal.outboxSize() === 0), 60_000);

    // The faults really happened (otherwise this test proves nothing).
    expect(proxy.counts.dropped).toBeGreaterThan(10);
    expect(proxy.counts.duplicated).toBeGreaterThan(10);
    expect(proxy.counts.reordered).toBeGreaterThan(10);
    expect(proxy.counts.delayed).toBeGreaterThan(10);
    expect(proxy.counts.cuts).toBeGreaterThan(0);

    const synced = await stack.syncedSaleEventIds();
    expect(synced.length).toBe(SALES);
    expect(new Set(synced)).toEqual(new Set(sold));
    expect(await stack.balanceFen()).toBe(balanceBefore - SALES * SALE_FEN);
    expect(await stack.points()).toBe(pointsBefore + SALES * POINTS_PER_SALE);
    const report = await checkLedger(stack.fx.gdb, stack.merchant.merchantId);
    expect(report.ok).toBe(true);
    for (const till of tills) expect(till.store.journal.outboxSize()).toBe(0);
  }, 110_000);
});
