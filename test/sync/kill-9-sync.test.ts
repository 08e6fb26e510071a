// kill -9 of a syncing terminal: a child process commits sales and syncs them to the gateway, and
// is SIGKILLed at random points (seeded) until it has reported 200 sales, restarted each time on
// the same store. After a final sync the gateway holds exactly the terminal's journaled sales:
// every sale the child reported, plus at most one per kill that was durably committed in the
// instant between commit and report, and none twice. Real child processes, real SIGKILL, real
// WebSockets over loopback, the gateway on SQLite and on PostgreSQL.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedger } from '../../gateway/src/ledger/ledger-check.js';
import { LocalStore } from '../../terminal/src/store/index.js';
import { SyncClient } from '../../terminal/src/sync/index.js';
import { DIALECTS } from '../gateway/harness.js';
import { seededRandom } from '../support/fault-proxy.js';
import { runAndKill } from './kill-child.js';
import { openSyncStack, waitFor, type SyncStack } from './sync-stack.js';

const SALES = 200;
const SALE_FEN = 300;
const POINTS_PER_SALE = 3;

describe.each(DIALECTS)('kill -9 of a syncing terminal on %s', (dialect) => {
  let stack: SyncStack;

  beforeAll(async () => {
    stack = await openSyncStack({ dialect, code: `K9${dialect === 'sqlite' ? 'L' : 'P'}`, rechargeFen: 1_000_000 });
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('200 sales through random kills and restarts: nothing lost, nothing doubled after the final sync', async () => {
    const balanceBefore = await stack.balanceFen();
    const pointsBefore = await stack.points();
    const { terminalId, secret } = await stack.enrol('till-k9');
    const file = join(stack.dir, 'till-k9.db');
    const random = seededRandom(dialect === 'sqlite' ? 9 : 99);
    const reported = new Set<string>();
    let kills = 0;
    for (let start = 0; reported.size < SALES; start += 100_000) {
      // Kill after 10 to 50 more reports, up to 25 ms later: inside a commit, a send or an ack.
      const killAfter = Math.min(SALES - reported.size, 10 + Math.floor(random() * 40));
      const run = await runAndKill(
        [file, `${stack.origin}/v1/sync`, terminalId, secret, stack.merchant.storeA1, stack.memberId, stack.cardNo, String(start)],
        killAfter,
        Math.floor(random() * 25),
      );
      kills += 1;
      expect(run.reported.length).toBeGreaterThanOrEqual(killAfter);
      for (const id of run.reported) reported.add(id);
    }
    expect(kills).toBeGreaterThanOrEqual(4);
    const syncedBeforeFinal = (await stack.syncedSaleEventIds()).length;

    // The final sync, by a fresh client on the store the child left behind.
    const store = LocalStore.open(file);
    const client = new SyncClient({ url: `${stack.origin}/v1/sync`, terminalId, secret, store, softwareVersion: 'final', ackTimeoutMs: 400, initialReconnectDelayMs: 20, maxReconnectDelayMs: 200 });
    try {
      const journaled: string[] = [];
      for (let page = store.journal.journalAfter(0, 1000); page.length > 0; page = store.journal.journalAfter(page.at(-1)!.journalSeq, 1000)) {
        journaled.push(...page.filter((e) => e.type === 'saleCommitted').map((e) => e.eventId));
      }
      client.start();
      await waitFor('the outbox to drain', () => store.journal.outboxSize() === 0, 30_000);

      const synced = await stack.syncedSaleEventIds();
      // Nothing doubled: one registration per journaled sale, no more.
      expect(synced.length).toBe(journaled.length);
      expect(new Set(synced)).toEqual(new Set(journaled));
      // Nothing lost: every reported sale is there; at most one unreported commit per kill.
      for (const id of reported) expect(synced).toContain(id);
      expect(journaled.length - reported.size).toBeGreaterThanOrEqual(0);
      expect(journaled.length - reported.size).toBeLessThanOrEqual(kills);
      // The children synced part of it themselves, so resends across kills were exercised.
      expect(syncedBeforeFinal).toBeGreaterThan(0);
      expect(await stack.balanceFen()).toBe(balanceBefore - journaled.length * SALE_FEN);
      expect(await stack.points()).toBe(pointsBefore + journaled.length * POINTS_PER_SALE);
      expect((await checkLedger(stack.fx.gdb, stack.merchant.merchantId)).ok).toBe(true);
    } finally {
      await client.stop();
      store.close();
    }
  }, 110_000);
});
