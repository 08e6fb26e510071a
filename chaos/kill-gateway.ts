// kill -9 of the gateway during 1,000 sales, restarted each time on the same port and database, on
// SQLite and on PostgreSQL. The gateway is a child process (bench/support/gateway-child.ts); three
// tills (real LocalStore + SyncClient each) keep selling stored-value sales to their members while
// the gateway is SIGKILLed at seeded random moments (mid-transaction, mid-ack). After the last
// restart and the outboxes drain: each till's journal equals what the gateway registered for it
// (0 lost, 0 duplicated), balances and points equal the sales, the ledger invariants hold.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../gateway/src/db/database.js';
import { LocalStore } from '../terminal/src/store/index.js';
import { SyncClient } from '../terminal/src/sync/index.js';
import { seedFleet } from '../bench/support/fleet.js';
import { createPgDatabase } from '../bench/support/pg-database.js';
import { type GatewayProcess, startGatewayProcess } from '../bench/support/processes.js';
import { seededRandom } from '../test/support/fault-proxy.js';
import { waitFor } from '../test/sync/sync-stack.js';
import { saleDraft } from '../test/terminal/store/fixtures/records.js';
import { checkFleetExactlyOnce, closeTills, invariant, scenario, sleep } from './support.js';

const SALES = Number(process.env.CHAOS_SALES ?? 1_000);
const TILLS = 3;
const SALE_FEN = 300;
const POINTS_PER_SALE = 3;
const RECHARGE_FEN = 10_000_000;
const KILLS = Number(process.env.CHAOS_KILLS ?? 8);

await scenario(`kill -9 of the gateway during ${SALES} sales (gateway child process on SQLite and PostgreSQL)`, 9 * 60_000, async () => {
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const dir = mkdtempSync(join(tmpdir(), `pos-chaos-killgw-${dialect}-`));
    const pgDb = dialect === 'postgres' ? await createPgDatabase('chaos_killgw') : null;
    if (dialect === 'postgres' && !pgDb) throw new Error('PostgreSQL at 127.0.0.1:5432 is not reachable');
    const url = pgDb ? pgDb.url : join(dir, 'gateway.db');
    const gdb = await openDatabase(url);
    const fleet = await seedFleet(gdb, { code: `CG${dialect === 'sqlite' ? 'L' : 'P'}`, terminals: TILLS, rechargeFen: RECHARGE_FEN });
    let gateway: GatewayProcess = await startGatewayProcess(url);
    const port = Number(new URL(gateway.url).port);
    const random = seededRandom(dialect === 'sqlite' ? 0x6a7e1 : 0x6a7e2);
    const tills = fleet.terminals.map((t, i) => {
      const store = LocalStore.open(join(dir, `till-${i}.db`));
      const client = new SyncClient({ url: gateway.syncUrl, terminalId: t.terminalId, secret: t.secret, store, softwareVersion: 'chaos', ackTimeoutMs: 1_000, handshakeTimeoutMs: 2_000, initialReconnectDelayMs: 50, maxReconnectDelayMs: 500, random: seededRandom(i + 1) });
      client.start();
      return { t, store, client };
    });
    try {
      // The sales go in KILLS chunks; during each chunk the gateway is SIGKILLed at a random moment
      // (mid-transaction, mid-ack), stays down up to 0.5 s and is restarted on the same port while
      // the tills go on selling.
      let kills = 0;
      const chunk = Math.ceil(SALES / KILLS);
      const start = Date.now();
      for (let k = 0; k * chunk < SALES; k += 1) {
        const selling = (async () => {
          for (let i = k * chunk; i < Math.min(SALES, (k + 1) * chunk); i += 1) {
            const till = tills[i % TILLS]!;
            const draft = saleDraft(i, { storeId: till.t.storeId, terminalId: till.t.terminalId, memberId: till.t.memberId, cardNo: till.t.cardNo, tenders: [{ kind: 'storedValue', amountFen: SALE_FEN, principalFen: SALE_FEN, bonusFen: 0, cardNo: till.t.cardNo }] });
            till.store.commitSale(draft, `G${i % TILLS}-`);
            till.client.notifyOutbox();
            if (i % 10 === 9) await sleep(200);
          }
        })();
        await sleep(200 + Math.floor(random() * 2_000));
        gateway.proc.kill('SIGKILL');
        await gateway.exited;
        kills += 1;
        await sleep(Math.floor(random() * 500));
        gateway = await startGatewayProcess(url, port);
        await selling;
      }
      await waitFor('every outbox to drain', () => tills.every((t) => t.store.journal.outboxSize() === 0), 180_000);
      console.log(`  ${dialect}: ${SALES} sales over ${((Date.now() - start) / 1000).toFixed(0)} s, gateway killed ${kills} times`);
      invariant(`${dialect}: the gateway was killed during the sales (${KILLS} times)`, kills === KILLS, `${kills}`);
      await checkFleetExactlyOnce(gdb, fleet, tills, { sales: SALES, rechargeFen: RECHARGE_FEN, saleFen: SALE_FEN, pointsPerSale: POINTS_PER_SALE, label: dialect });
    } finally {
      await closeTills(tills);
      await gateway.stop();
      await gdb.close();
      await pgDb?.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
});
