// The network between tills and gateway misbehaves, on SQLite and PostgreSQL (gateway sync stack
// of test/sync/sync-stack.ts, fault proxy of test/support/fault-proxy.ts):
// 1. a seeded fault proxy drops, duplicates, delays and reorders frames both ways and cuts
//    connections while 3 tills sell 1,000 sales; the faults go on until the outboxes drain;
// 2. a partition: the proxy black-holes every frame (no close, no RST: sockets just go silent) for
//    CHAOS_PARTITION_MS (default 2 minutes) while the tills keep selling, then heals.
// Afterwards the gateway holds exactly the tills' sales, balance and points match, ledger check ok.
import { checkLedger } from '../gateway/src/ledger/ledger-check.js';
import type { LocalStore } from '../terminal/src/store/index.js';
import { SyncClient } from '../terminal/src/sync/index.js';
import { type FaultRates, NO_FAULTS, seededRandom, startFaultProxy } from '../test/support/fault-proxy.js';
import { openSyncStack, waitFor } from '../test/sync/sync-stack.js';
import { saleDraft } from '../test/terminal/store/fixtures/records.js';
import { closeTills, invariant, scenario, sleep } from './support.js';

const SALES = Number(process.env.CHAOS_SALES ?? 1_000);
const PARTITION_MS = Number(process.env.CHAOS_PARTITION_MS ?? 120_000);
const PARTITION_SALES = 300;
const TILLS = 3;
const SALE_FEN = 300;
const POINTS_PER_SALE = 3;
const RATES: FaultRates = { drop: 0.04, duplicate: 0.04, reorder: 0.04, delay: 0.06, cut: 0.004, maxDelayMs: 40 };
const BLACK_HOLE: FaultRates = { ...NO_FAULTS, drop: 1 };

async function run(dialect: 'sqlite' | 'postgres', mode: 'faults' | 'partition'): Promise<void> {
  const stack = await openSyncStack({ dialect, code: `CN${dialect === 'sqlite' ? 'L' : 'P'}${mode === 'faults' ? 'F' : 'P'}`, rechargeFen: 10_000_000 });
  const seed = mode === 'faults' ? 0xfa017 : 0x9a271;
  const proxy = await startFaultProxy(stack.origin, mode === 'faults' ? RATES : NO_FAULTS, seededRandom(seed));
  const tills: Array<{ terminalId: string; store: LocalStore; client: SyncClient }> = [];
  try {
    const balanceBefore = await stack.balanceFen();
    const pointsBefore = await stack.points();
    for (let t = 0; t < TILLS; t += 1) {
      const { terminalId, secret } = await stack.enrol(`till-${t}`);
      const store = stack.openStore(`till-${t}`);
      const client = new SyncClient({
        url: proxy.url('/v1/sync'),
        terminalId,
        secret,
        store,
        softwareVersion: 'chaos',
        ackTimeoutMs: 400,
        handshakeTimeoutMs: 1_000,
        initialReconnectDelayMs: 20,
        maxReconnectDelayMs: mode === 'faults' ? 200 : 5_000,
        maxEventsInFlight: 50,
        random: seededRandom(seed + t + 1),
      });
      client.start();
      tills.push({ terminalId, store, client });
    }
    const sold: string[] = [];
    const sell = async (count: number, pauseMs: number) => {
      for (let k = 0; k < count; k += 1) {
        const i = sold.length;
        const till = tills[i % TILLS]!;
        const draft = saleDraft(i, { storeId: stack.merchant.storeA1, terminalId: till.terminalId, memberId: stack.memberId, cardNo: stack.cardNo, tenders: [{ kind: 'storedValue', amountFen: SALE_FEN, principalFen: SALE_FEN, bonusFen: 0, cardNo: stack.cardNo }] });
        sold.push(till.store.commitSale(draft, `N${i % TILLS}-`).eventId);
        till.client.notifyOutbox();
        if (k % 10 === 9) await sleep(pauseMs);
      }
    };
    const start = Date.now();
    if (mode === 'faults') {
      await sell(SALES, 5);
      await waitFor('every outbox to drain through the faults', () => tills.every((t) => t.store.journal.outboxSize() === 0), 240_000);
      const c = proxy.counts;
      console.log(`  ${dialect}: ${SALES} sales drained through the faults in ${((Date.now() - start) / 1000).toFixed(0)} s; frames dropped ${c.dropped}, duplicated ${c.duplicated}, reordered ${c.reordered}, delayed ${c.delayed}, cuts ${c.cuts}, connections ${c.connections}`);
      invariant(`${dialect}: every kind of fault happened`, c.dropped > 10 && c.duplicated > 10 && c.reordered > 10 && c.delayed > 10 && c.cuts > 0);
    } else {
      await waitFor('tills online', () => tills.every((t) => t.client.status$.value.state === 'online'), 30_000);
      await sell(50, 5);
      proxy.setRates(BLACK_HOLE);
      const cut = Date.now();
      // Sales go on through the partition, spread over it.
      await sell(PARTITION_SALES, Math.floor(PARTITION_MS / (PARTITION_SALES / 10)) - 5);
      await sleep(Math.max(0, PARTITION_MS - (Date.now() - cut)));
      const offline = tills.filter((t) => t.client.status$.value.state !== 'online').length;
      const pendingAtHeal = tills.reduce((n, t) => n + t.store.journal.outboxSize(), 0);
      proxy.setRates(NO_FAULTS);
      const healed = Date.now();
      await waitFor('every outbox to drain after the partition', () => tills.every((t) => t.store.journal.outboxSize() === 0), 240_000);
      console.log(`  ${dialect}: partition of ${((healed - cut) / 1000).toFixed(0)} s with ${PARTITION_SALES} sales; at heal ${offline} of ${TILLS} tills saw themselves offline, ${pendingAtHeal} sales waiting; drained ${((Date.now() - healed) / 1000).toFixed(1)} s after the heal`);
      invariant(`${dialect}: the partition lasted ≥ ${PARTITION_MS / 1000} s`, healed - cut >= PARTITION_MS);
      invariant(`${dialect}: the tills noticed the silent link (dead-peer detection)`, offline === TILLS, `${offline}`);
      invariant(`${dialect}: sales waited during the partition`, pendingAtHeal >= PARTITION_SALES, `${pendingAtHeal}`);
    }
    const synced = await stack.syncedSaleEventIds();
    const syncedSet = new Set(synced);
    invariant(`${dialect}: 0 lost, 0 duplicated (${sold.length} sold)`, synced.length === sold.length && syncedSet.size === synced.length && sold.every((id) => syncedSet.has(id)), `${synced.length} registered`);
    invariant(`${dialect}: stored value and points equal the sales`, (await stack.balanceFen()) === balanceBefore - sold.length * SALE_FEN && (await stack.points()) === pointsBefore + sold.length * POINTS_PER_SALE);
    invariant(`${dialect}: ledger check`, (await checkLedger(stack.fx.gdb, stack.merchant.merchantId)).ok);
  } finally {
    await closeTills(tills);
    await proxy.close();
    await stack.close();
  }
}

await scenario(`fault proxy (drop/dup/delay/reorder/cut, ${SALES} sales) and a ${PARTITION_MS / 1000} s partition`, 9 * 60_000, async () => {
  await run('sqlite', 'faults');
  await run('postgres', 'faults');
  await run('postgres', 'partition');
});
