// A terminal worker for the ingest benchmark: many lightweight terminals in one process, each a
// real LocalStore (SQLite, WAL, synchronous=FULL; the files live on tmpfs so the terminals' own
// fsyncs do not compete with the gateway's database for the disk) and a real SyncClient sending
// signed frames over its own WebSocket. Driven by the parent over IPC (see WorkerIn / WorkerOut).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LocalStore } from '../../terminal/src/store/index.js';
import { SyncClient } from '../../terminal/src/sync/index.js';
import { saleDraft } from '../../test/terminal/store/fixtures/records.js';
import type { FleetTerminal } from './fleet.js';

export type WorkerIn =
  | { type: 'init'; syncUrl: string; dir: string; terminals: FleetTerminal[] }
  | { type: 'sell'; salesPerTerminal: number; firstIndex: number; saleFen: number }
  | { type: 'drain'; timeoutMs: number }
  | { type: 'journal' }
  | { type: 'stop' };

export type WorkerOut =
  | { type: 'online'; ms: number }
  | { type: 'sold'; count: number; ms: number }
  | { type: 'drained'; ms: number; pending: number }
  | { type: 'journal'; sales: Record<string, string[]> }
  | { type: 'stopped'; maxRssKb: number };

interface Running {
  t: FleetTerminal;
  store: LocalStore;
  client: SyncClient;
}

const send = (m: WorkerOut) => process.send!(m);
const tick = () => new Promise((resolve) => setImmediate(resolve));
let running: Running[] = [];

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

process.on('message', (raw: unknown) => {
  void handle(raw as WorkerIn).catch((error: unknown) => {
    console.error('terminal worker failed:', error);
    process.exit(1);
  });
});

async function handle(m: WorkerIn): Promise<void> {
  if (m.type === 'init') {
    const start = Date.now();
    mkdirSync(m.dir, { recursive: true });
    running = m.terminals.map((t) => {
      const store = LocalStore.open(join(m.dir, `${t.terminalId}.db`));
      // The terminal's own defaults (in-flight limit, ack timeout, backoff): what a till in a shop runs.
      const client = new SyncClient({ url: m.syncUrl, terminalId: t.terminalId, secret: t.secret, store, softwareVersion: 'bench' });
      return { t, store, client };
    });
    for (const r of running) r.client.start();
    const ok = await waitUntil(() => running.every((r) => r.client.status$.value.state === 'online' && r.store.cursor() !== null), 120_000);
    if (!ok) throw new Error(`${running.filter((r) => r.client.status$.value.state !== 'online').length} terminals not online after 120 s`);
    send({ type: 'online', ms: Date.now() - start });
  } else if (m.type === 'sell') {
    const start = Date.now();
    let count = 0;
    // Round robin, as tills in many shops sell at the same time; the event loop runs between
    // batches so the clients send while the others commit.
    for (let i = 0; i < m.salesPerTerminal; i += 1) {
      for (const r of running) {
        const draft = saleDraft(m.firstIndex + i, {
          storeId: r.t.storeId,
          terminalId: r.t.terminalId,
          memberId: r.t.memberId,
          cardNo: r.t.cardNo,
          offline: false,
          tenders: [{ kind: 'storedValue', amountFen: m.saleFen, principalFen: m.saleFen, bonusFen: 0, cardNo: r.t.cardNo }],
        });
        r.store.commitSale(draft, 'B-');
        r.client.notifyOutbox();
        count += 1;
        if (count % 25 === 0) await tick();
      }
    }
    send({ type: 'sold', count, ms: Date.now() - start });
  } else if (m.type === 'drain') {
    const start = Date.now();
    await waitUntil(() => running.every((r) => r.store.journal.outboxSize() === 0), m.timeoutMs);
    send({ type: 'drained', ms: Date.now() - start, pending: running.reduce((n, r) => n + r.store.journal.outboxSize(), 0) });
  } else if (m.type === 'journal') {
    const sales: Record<string, string[]> = {};
    for (const r of running) {
      const ids: string[] = [];
      for (let page = r.store.journal.journalAfter(0, 1000); page.length > 0; page = r.store.journal.journalAfter(page.at(-1)!.journalSeq, 1000)) {
        ids.push(...page.filter((e) => e.type === 'saleCommitted').map((e) => e.eventId));
      }
      sales[r.t.terminalId] = ids;
    }
    send({ type: 'journal', sales });
  } else if (m.type === 'stop') {
    for (const r of running) {
      await r.client.stop();
      r.store.close();
    }
    send({ type: 'stopped', maxRssKb: process.resourceUsage().maxRSS });
    process.disconnect();
  }
}
