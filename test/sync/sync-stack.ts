// A gateway sync endpoint on a real database (SQLite or PostgreSQL) over loopback, with a merchant,
// one member with a funded card, and enrolment of tills: what the resilience tests share.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dialect } from '../../gateway/src/db/database.js';
import { ChangeFeed, SnapshotBuilder, SyncEventApplier, TerminalKeyService, attachSyncEndpoint, type SyncEndpoint } from '../../gateway/src/sync/index.js';
import { syncDb } from '../../gateway/src/sync/sync-tables.js';
import { LocalStore } from '../../terminal/src/store/index.js';
import { openServices, silentLogger, type ServiceFixture } from '../gateway/harness.js';
import { memberWithCard, seedMerchant, type MerchantFixture } from '../gateway/fixtures.js';

export interface Enrolment {
  terminalId: string;
  secret: string;
}

export interface SyncStack {
  fx: ServiceFixture;
  merchant: MerchantFixture;
  keys: TerminalKeyService;
  memberId: string;
  cardNo: string;
  /** Temp directory for terminal stores, removed at close. */
  dir: string;
  /** The sync endpoint's origin, e.g. ws://127.0.0.1:1234 (append /v1/sync). */
  origin: string;
  /** Starts the sync endpoint again after `stopGateway` (same database, new port unless `port` given). */
  startGateway(port?: number): Promise<void>;
  /** Closes the endpoint and its server: terminals see a refused socket until it is started again. */
  stopGateway(): Promise<void>;
  enrol(name: string): Promise<Enrolment>;
  openStore(name: string): LocalStore;
  balanceFen(): Promise<number>;
  points(): Promise<number>;
  /** eventIds of the saleCommitted events the gateway registered for this merchant. */
  syncedSaleEventIds(): Promise<string[]>;
  close(): Promise<void>;
}

export interface SyncStackOptions {
  dialect: Dialect;
  code: string;
  rechargeFen: number;
  heartbeatIntervalMs?: number;
  /** Pushes changes live through the gateway's change feed (polled every 100 ms); else snapshot per connect. */
  liveFeed?: boolean;
}

export async function openSyncStack(options: SyncStackOptions): Promise<SyncStack> {
  const fx = await openServices(options.dialect);
  const merchant = await seedMerchant(fx.services, options.code);
  const cardNo = '8800000000000001';
  const { member } = await memberWithCard(fx.services, merchant, { phone: '13812345678', cardNo });
  if (options.rechargeFen > 0) await fx.services.ledger.rechargeExplicit(merchant.system, { idempotencyKey: 'seed-recharge', cardNo, principalFen: options.rechargeFen, bonusFen: 0 });
  const keys = new TerminalKeyService(fx.gdb, fx.clock);
  const applier = new SyncEventApplier({ gdb: fx.gdb, clock: fx.clock, ledger: fx.services.ledger, members: fx.services.members, cards: fx.services.cards, logger: silentLogger });
  const snapshots = new SnapshotBuilder(fx.gdb);
  const feed = options.liveFeed ? new ChangeFeed(fx.gdb, snapshots, fx.clock, { pollMs: 100, logger: silentLogger }) : undefined;
  const dir = mkdtempSync(join(tmpdir(), `pos-sync-res-${options.dialect}-`));
  let server: Server | null = null;
  let endpoint: SyncEndpoint | null = null;

  const stack: SyncStack = {
    fx,
    merchant,
    keys,
    memberId: member.id,
    cardNo,
    dir,
    origin: '',
    async startGateway(port = 0) {
      const s = createServer((_req, res) => res.writeHead(404).end());
      endpoint = attachSyncEndpoint(s, {
        keys,
        applier,
        snapshots,
        ...(feed ? { feed } : {}),
        clock: fx.clock,
        logger: silentLogger,
        heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1_000, // the protocol minimum: resends ride on it
      });
      await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', resolve));
      server = s;
      stack.origin = `ws://127.0.0.1:${(s.address() as AddressInfo).port}`;
    },
    async stopGateway() {
      await endpoint?.close();
      endpoint = null;
      const s = server;
      server = null;
      if (s) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
    async enrol(name) {
      const terminal = await fx.services.hierarchy.createTerminal(merchant.system, { storeId: merchant.storeA1, name });
      const { code } = await keys.issueEnrolmentCode(merchant.merchantId, terminal.id, null);
      const enrolment = await keys.redeem(code);
      return { terminalId: enrolment.terminalId, secret: enrolment.secret };
    },
    openStore: (name) => LocalStore.open(join(dir, `${name}.db`)),
    async balanceFen() {
      const b = await fx.services.ledger.balanceOf(merchant.merchantId, cardNo);
      return b.principalFen + b.bonusFen;
    },
    points: () => fx.services.ledger.pointsOf(merchant.merchantId, member.id),
    async syncedSaleEventIds() {
      const rows = await syncDb(fx.gdb)
        .selectFrom('sync_events')
        .select('event_id')
        .where('merchant_id', '=', merchant.merchantId)
        .where('type', '=', 'saleCommitted')
        .execute();
      return rows.map((r) => r.event_id);
    },
    async close() {
      feed?.close();
      await stack.stopGateway();
      await fx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await stack.startGateway();
  return stack;
}

/** Polls `check` every 20 ms until it holds or `timeoutMs` passes (then throws with `what`). */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
