// PostgreSQL restarted under load: the gateway (child process) ingests 1,000 sales from three tills
// while its database server is restarted twice (`pg_ctlcluster … restart -m fast`: every
// connection cut, in-flight transactions rolled back). The gateway must survive, reconnect, and
// lose nothing: each till's journal equals what the gateway registered, balances and points
// match, the ledger invariants hold.
// Only a PRIVATE cluster is restarted (CHAOS_PG_CLUSTER, default 15/chaos on port 55433, created
// with trust auth on first use), never the machine's main cluster that tests share.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openDatabase } from '../gateway/src/db/database.js';
import { LocalStore } from '../terminal/src/store/index.js';
import { SyncClient } from '../terminal/src/sync/index.js';
import { seedFleet } from '../bench/support/fleet.js';
import { createPgDatabase } from '../bench/support/pg-database.js';
import { startGatewayProcess } from '../bench/support/processes.js';
import { seededRandom } from '../test/support/fault-proxy.js';
import { waitFor } from '../test/sync/sync-stack.js';
import { saleDraft } from '../test/terminal/store/fixtures/records.js';
import { checkFleetExactlyOnce, closeTills, invariant, scenario, sleep } from './support.js';

const [VERSION, CLUSTER] = (process.env.CHAOS_PG_CLUSTER ?? '15/chaos').split('/') as [string, string];
const PORT = Number(process.env.CHAOS_PG_PORT ?? 55433);
const SALES = Number(process.env.CHAOS_SALES ?? 1_000);
const RESTARTS = 2;
const TILLS = 3;
const SALE_FEN = 300;
const POINTS_PER_SALE = 3;
const RECHARGE_FEN = 10_000_000;

/** Creates (once) and starts the private cluster; throws with what to do when it cannot. */
function ensurePrivateCluster(): void {
  const list = execFileSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' });
  const line = list.split('\n').find((l) => l.split(/\s+/)[0] === VERSION && l.split(/\s+/)[1] === CLUSTER);
  if (!line) {
    execFileSync('pg_createcluster', [VERSION, CLUSTER, '--port', String(PORT), '--', '--auth=trust'], { stdio: 'ignore' });
  } else if (Number(line.split(/\s+/)[2]) !== PORT) {
    throw new Error(`cluster ${VERSION}/${CLUSTER} listens on ${line.split(/\s+/)[2]}, not ${PORT}`);
  }
  if (!/online/.test(execFileSync('pg_lsclusters', ['--no-header', VERSION, CLUSTER], { encoding: 'utf8' }))) execFileSync('pg_ctlcluster', [VERSION, CLUSTER, 'start']);
}

await scenario(`PostgreSQL restarted ${RESTARTS}× under load (${SALES} sales, private cluster ${VERSION}/${CLUSTER} on port ${PORT})`, 9 * 60_000, async () => {
  ensurePrivateCluster();
  const db = await createPgDatabase('chaos_pgrestart', `postgres://postgres@127.0.0.1:${PORT}/postgres`);
  if (!db) throw new Error(`the private cluster on port ${PORT} is not reachable`);
  const dir = mkdtempSync(join(tmpdir(), 'pos-chaos-pgrestart-'));
  const gdb = await openDatabase(db.url, { logger: pino({ level: 'silent' }) });
  const fleet = await seedFleet(gdb, { code: 'CPR', terminals: TILLS, rechargeFen: RECHARGE_FEN });
  const gateway = await startGatewayProcess(db.url);
  const random = seededRandom(0x9e57a);
  const tills = fleet.terminals.map((t, i) => {
    const store = LocalStore.open(join(dir, `till-${i}.db`));
    const client = new SyncClient({ url: gateway.syncUrl, terminalId: t.terminalId, secret: t.secret, store, softwareVersion: 'chaos', ackTimeoutMs: 1_000, initialReconnectDelayMs: 50, maxReconnectDelayMs: 1_000, random: seededRandom(i + 7) });
    client.start();
    return { t, store, client };
  });
  try {
    const restartAt = new Set(Array.from({ length: RESTARTS }, (_, k) => Math.floor(((k + 0.3 + random() * 0.4) * SALES) / RESTARTS)));
    const restarts: number[] = [];
    const start = Date.now();
    for (let i = 0; i < SALES; i += 1) {
      const till = tills[i % TILLS]!;
      const draft = saleDraft(i, { storeId: till.t.storeId, terminalId: till.t.terminalId, memberId: till.t.memberId, cardNo: till.t.cardNo, tenders: [{ kind: 'storedValue', amountFen: SALE_FEN, principalFen: SALE_FEN, bonusFen: 0, cardNo: till.t.cardNo }] });
      till.store.commitSale(draft, `P${i % TILLS}-`);
      till.client.notifyOutbox();
      if (restartAt.has(i)) {
        const t0 = Date.now();
        execFileSync('pg_ctlcluster', [VERSION, CLUSTER, 'restart', '-m', 'fast']);
        restarts.push(Date.now() - t0);
      }
      if (i % 10 === 9) await sleep(100);
    }
    await waitFor('every outbox to drain', () => tills.every((t) => t.store.journal.outboxSize() === 0), 240_000).catch((error: unknown) => {
      if (gateway.proc.exitCode !== null || gateway.proc.signalCode !== null) console.log(`  the gateway exited (${gateway.proc.exitCode ?? gateway.proc.signalCode}): ${gateway.stderr()}`);
      for (const t of tills) console.log(`  till ${t.t.terminalId.slice(-6)}: outbox ${t.store.journal.outboxSize()}, ${JSON.stringify(t.client.status$.value)}`);
      throw error;
    });
    console.log(`  ${SALES} sales in ${((Date.now() - start) / 1000).toFixed(0)} s; PostgreSQL restarted ${restarts.length}× (${restarts.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')} each)`);
    invariant('the gateway process survived the restarts', gateway.proc.exitCode === null && gateway.proc.signalCode === null);
    invariant(`the database was restarted ${RESTARTS}× during the sales`, restarts.length === RESTARTS);
    await checkFleetExactlyOnce(gdb, fleet, tills, { sales: SALES, rechargeFen: RECHARGE_FEN, saleFen: SALE_FEN, pointsPerSale: POINTS_PER_SALE });
  } finally {
    await closeTills(tills);
    await gateway.stop();
    await gdb.close();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});
