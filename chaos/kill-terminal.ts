// kill -9 of the terminal during 1,000 sales, restarted each time, on SQLite and on PostgreSQL:
// a child process commits stored-value sales while its SyncClient syncs them and is SIGKILLed at
// seeded random points (after 10–50 more reported sales, up to 25 ms later: inside a commit, a send
// or an ack). After a final sync: every reported sale registered, nothing registered twice, at most
// one unreported commit per kill, balance and points equal the sales, ledger invariants hold.
// Reuses the kill -9 test's stack (test/sync/sync-stack.ts) and child (test/sync/kill-child.ts).
import { join } from 'node:path';
import { checkLedger } from '../gateway/src/ledger/ledger-check.js';
import { LocalStore } from '../terminal/src/store/index.js';
import { SyncClient } from '../terminal/src/sync/index.js';
import { seededRandom } from '../test/support/fault-proxy.js';
import { runAndKill } from '../test/sync/kill-child.js';
import { openSyncStack, waitFor } from '../test/sync/sync-stack.js';
import { invariant, scenario } from './support.js';

const SALES = Number(process.env.CHAOS_SALES ?? 1_000);
const SALE_FEN = 300;
const POINTS_PER_SALE = 3;

await scenario(`kill -9 of the terminal during ${SALES} sales (SQLite and PostgreSQL)`, 9 * 60_000, async () => {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const stack = await openSyncStack({ dialect, code: `CK${dialect === 'sqlite' ? 'L' : 'P'}`, rechargeFen: 10_000_000 });
    try {
      const balanceBefore = await stack.balanceFen();
      const pointsBefore = await stack.points();
      const { terminalId, secret } = await stack.enrol('till-k9');
      const file = join(stack.dir, 'till-k9.db');
      const random = seededRandom(dialect === 'sqlite' ? 0xc4a05 : 0xc4a06);
      const reported = new Set<string>();
      let kills = 0;
      const start = Date.now();
      for (let first = 0; reported.size < SALES; first += 100_000) {
        const killAfter = Math.min(SALES - reported.size, 10 + Math.floor(random() * 40));
        const run = await runAndKill(
          [file, `${stack.origin}/v1/sync`, terminalId, secret, stack.merchant.storeA1, stack.memberId, stack.cardNo, String(first)],
          killAfter,
          Math.floor(random() * 25),
        );
        kills += 1;
        for (const id of run.reported) reported.add(id);
      }
      const syncedBeforeFinal = (await stack.syncedSaleEventIds()).length;
      const store = LocalStore.open(file);
      const client = new SyncClient({ url: `${stack.origin}/v1/sync`, terminalId, secret, store, softwareVersion: 'final', ackTimeoutMs: 400, initialReconnectDelayMs: 20, maxReconnectDelayMs: 200 });
      try {
        const journaled: string[] = [];
        for (let page = store.journal.journalAfter(0, 1000); page.length > 0; page = store.journal.journalAfter(page.at(-1)!.journalSeq, 1000)) {
          journaled.push(...page.filter((e) => e.type === 'saleCommitted').map((e) => e.eventId));
        }
        client.start();
        await waitFor('the outbox to drain', () => store.journal.outboxSize() === 0, 120_000);
        const synced = await stack.syncedSaleEventIds();
        const syncedSet = new Set(synced);
        console.log(`  ${dialect}: ${kills} kills, ${reported.size} sales reported, ${journaled.length} journaled, ${syncedBeforeFinal} synced before the final sync, ${((Date.now() - start) / 1000).toFixed(0)} s`);
        invariant(`${dialect}: 0 duplicated (one registration per journaled sale)`, synced.length === journaled.length && syncedSet.size === synced.length, `${synced.length} registered`);
        invariant(`${dialect}: 0 lost (every reported and every journaled sale registered)`, [...reported].every((id) => syncedSet.has(id)) && journaled.every((id) => syncedSet.has(id)));
        invariant(`${dialect}: at most one unreported commit per kill`, journaled.length - reported.size >= 0 && journaled.length - reported.size <= kills, `${journaled.length - reported.size}`);
        invariant(`${dialect}: kills landed while syncing (resends across kills exercised)`, syncedBeforeFinal > 0);
        invariant(`${dialect}: stored value = before − sales`, (await stack.balanceFen()) === balanceBefore - journaled.length * SALE_FEN);
        invariant(`${dialect}: points = before + sales`, (await stack.points()) === pointsBefore + journaled.length * POINTS_PER_SALE);
        invariant(`${dialect}: ledger check`, (await checkLedger(stack.fx.gdb, stack.merchant.merchantId)).ok);
      } finally {
        await client.stop();
        store.close();
      }
    } finally {
      await stack.close();
    }
  }
});
