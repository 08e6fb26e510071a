// Terminal ⇄ gateway sync end to end, on SQLite and on PostgreSQL: real LocalStores, the real
// sync client, the gateway's WebSocket endpoint over loopback, the real ledger.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Frame, encodeFrame, newId, openFrame, signFrame } from '@pos/protocol';
import { checkLedger } from '../../gateway/src/ledger/ledger-check.js';
import { ChangeFeed, SnapshotBuilder, SyncEventApplier, TerminalKeyService, attachSyncEndpoint, type SyncEndpoint } from '../../gateway/src/sync/index.js';
import { LocalStore } from '../../terminal/src/store/index.js';
import { SyncClient } from '../../terminal/src/sync/index.js';
import { DIALECTS, openServices, silentLogger, type ServiceFixture } from '../gateway/harness.js';
import { memberWithCard, seedMerchant, type MerchantFixture } from '../gateway/fixtures.js';
import { saleDraft } from '../terminal/store/fixtures/records.js';

interface Till {
  terminalId: string;
  secret: string;
  store: LocalStore;
  client: SyncClient | null;
}

describe.each(DIALECTS)('sync on %s', (dialect) => {
  let fx: ServiceFixture;
  let merchant: MerchantFixture;
  let server: Server;
  let endpoint: SyncEndpoint;
  let feed: ChangeFeed;
  let keys: TerminalKeyService;
  let url: string;
  let dir: string;
  let memberId: string;
  const cardNo = '8800000000000001';
  const tills: Till[] = [];

  async function enrolTill(name: string): Promise<Till> {
    const terminal = await fx.services.hierarchy.createTerminal(merchant.system, { storeId: merchant.storeA1, name });
    const { code } = await keys.issueEnrolmentCode(merchant.merchantId, terminal.id, null);
    const enrolment = await keys.redeem(code);
    const till: Till = { terminalId: enrolment.terminalId, secret: enrolment.secret, store: LocalStore.open(join(dir, `${name}.db`)), client: null };
    tills.push(till);
    return till;
  }

  function sellOffline(till: Till, count: number, from: number): string[] {
    const ids: string[] = [];
    for (let i = from; i < from + count; i += 1) {
      const draft = saleDraft(i, {
        storeId: merchant.storeA1,
        terminalId: till.terminalId,
        memberId,
        cardNo,
        tenders: [{ kind: 'storedValue', amountFen: 300, principalFen: 300, bonusFen: 0, cardNo }],
      });
      ids.push(till.store.commitSale(draft, `${till.terminalId.slice(-4)}-`).eventId);
    }
    return ids;
  }

  function connect(till: Till): SyncClient {
    till.client = new SyncClient({
      url,
      terminalId: till.terminalId,
      secret: till.secret,
      store: till.store,
      softwareVersion: 'test',
      initialReconnectDelayMs: 20,
      maxReconnectDelayMs: 200,
      random: () => 0.5,
    });
    till.client.start();
    return till.client;
  }

  async function balanceFen(): Promise<number> {
    const b = await fx.services.ledger.balanceOf(merchant.merchantId, cardNo);
    return b.principalFen + b.bonusFen;
  }

  beforeAll(async () => {
    fx = await openServices(dialect);
    merchant = await seedMerchant(fx.services, `SY${dialect === 'sqlite' ? 'L' : 'P'}`);
    const { member } = await memberWithCard(fx.services, merchant, { phone: '13812345678', cardNo });
    memberId = member.id;
    await fx.services.ledger.recharge(merchant.system, { idempotencyKey: 'seed-recharge', cardNo, paidFen: 1_000_000 });
    keys = new TerminalKeyService(fx.gdb, fx.clock);
    const applier = new SyncEventApplier({ gdb: fx.gdb, clock: fx.clock, ledger: fx.services.ledger, members: fx.services.members, cards: fx.services.cards, logger: silentLogger });
    server = createServer((_req, res) => res.writeHead(404).end());
    const snapshots = new SnapshotBuilder(fx.gdb);
    feed = new ChangeFeed(fx.gdb, snapshots, fx.clock, { pollMs: 100 });
    endpoint = attachSyncEndpoint(server, { keys, applier, snapshots, feed, clock: fx.clock, logger: silentLogger });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/sync`;
    dir = mkdtempSync(join(tmpdir(), `pos-sync-${dialect}-`));
  });

  afterAll(async () => {
    for (const till of tills) {
      await till.client?.stop();
      till.store.close();
    }
    feed?.close();
    await endpoint?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await fx?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('3 terminals sell 300 times each while the gateway is unreachable, then connect: exactly 900 sales land', async () => {
    const balanceBefore = await balanceFen();
    const a = await enrolTill('till-a');
    const b = await enrolTill('till-b');
    const c = await enrolTill('till-c');
    const sold = [...sellOffline(a, 300, 0), ...sellOffline(b, 300, 1000), ...sellOffline(c, 300, 2000)];
    await Promise.all([a, b, c].map((till) => connect(till).whenDrained()));
    const applied = await fx.gdb.db
      .selectFrom('sync_events' as never)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('merchant_id' as never, '=', merchant.merchantId as never)
      .executeTakeFirstOrThrow();
    expect(Number(applied.n)).toBe(900);
    expect(new Set(sold).size).toBe(900);
    expect(await balanceFen()).toBe(balanceBefore - 900 * 300);
    expect(await fx.services.ledger.pointsOf(merchant.merchantId, memberId)).toBe(900 * 3);
    for (const till of [a, b, c]) expect(till.store.journal.outboxSize()).toBe(0);
    const report = await checkLedger(fx.gdb, merchant.merchantId);
    expect(report.ok).toBe(true);
    // The member's full view lists the synced sales, newest first, at most 50.
    const view = await fx.services.members.getMember(merchant.system, memberId);
    expect(view.orders).toHaveLength(50);
    expect(view.orders.every((o) => o.type === 'saleCommitted' && o.amountFen === 300 && o.pointsEarned === 3)).toBe(true);
    expect(new Set(view.orders.map((o) => o.saleId)).size).toBe(50);
  }, 120_000);

  it('the snapshot gives each terminal the member, the card and the synced balance', async () => {
    const till = tills[0]!;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const cached = till.store.members.member(memberId);
    expect(cached?.phone).toBe('+8613812345678');
    expect(till.store.members.card(cardNo)?.status).toBe('active');
    expect(till.store.cursor()).not.toBeNull();
  });

  describe('refusals change nothing', () => {
    let socket: WebSocket;
    let till: Till;
    const received: Frame[] = [];
    let seq = 1_000_000;

    function frame(body: unknown, options: { seq?: number; secret?: string; type?: string } = {}): string {
      const now = Date.now();
      return encodeFrame(
        signFrame(
          { type: (options.type ?? 'saleCommitted') as 'saleCommitted', id: newId(now), terminalId: till.terminalId, seq: options.seq ?? ++seq, sentAt: new Date(now).toISOString(), body: body as never },
          options.secret ?? till.secret,
        ),
      );
    }

    async function nextError(): Promise<{ code: string; field?: string; eventId?: string }> {
      await expect.poll(() => received.some((f) => f.type === 'error'), { timeout: 5000 }).toBe(true);
      const index = received.findIndex((f) => f.type === 'error');
      const [error] = received.splice(index, 1);
      return error!.body as { code: string; field?: string };
    }

    beforeAll(async () => {
      till = await enrolTill('till-raw');
      socket = new WebSocket(url);
      let peerSeq = 0;
      socket.on('message', (data) => {
        const opened = openFrame(data.toString(), 'gateway', () => ({ secret: till.secret, lastSeq: peerSeq }));
        if (opened.ok) {
          peerSeq = opened.value.seq;
          received.push(opened.value);
        }
      });
      await new Promise((resolve) => socket.once('open', resolve));
      socket.send(frame({ softwareVersion: 'raw', cursor: null, ruleSetVersion: null, pendingEvents: 0 }, { type: 'hello' }));
      for (let waited = 0; !received.some((f) => f.type === 'welcome'); waited += 10) {
        if (waited > 5000) throw new Error('no welcome');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    });

    afterAll(() => socket?.terminate());

    function sale(i: number) {
      return { ...saleDraft(i, { storeId: merchant.storeA1, terminalId: till.terminalId, memberId, cardNo, tenders: [{ kind: 'storedValue', amountFen: 500, cardNo }] }), receiptNo: `RAW-${i}` };
    }

    it('a duplicate event is acked as duplicate and applied once', async () => {
      const body = sale(5000);
      const before = await balanceFen();
      socket.send(frame(body));
      socket.send(frame(body));
      const outcomes = () => received.filter((f) => f.type === 'ack').flatMap((f) => (f as Frame<'ack'>).body.acks.map((a) => a.outcome));
      await expect.poll(() => outcomes().length).toBe(2);
      expect(outcomes()).toEqual(['applied', 'duplicate']);
      expect(await balanceFen()).toBe(before - 500);
    });

    it('a bad signature, a replayed seq and a malformed body are refused with their codes', async () => {
      const before = await balanceFen();
      socket.send(frame(sale(5001), { secret: 'not-the-key' }));
      expect((await nextError()).code).toBe('BAD_SIGNATURE');
      socket.send(frame(sale(5002), { seq: 5 }));
      expect((await nextError()).code).toBe('REPLAYED_SEQ');
      socket.send(frame({ ...sale(5003), lines: [{ ...sale(5003).lines[0]!, quantityMilli: -1 }] }));
      const schema = await nextError();
      expect([schema.code, schema.field]).toEqual(['SCHEMA_VIOLATION', 'body.lines.0.quantityMilli']);
      expect(await balanceFen()).toBe(before);
    });

    it('an event that fails half-way is rejected and leaves nothing behind', async () => {
      const before = await balanceFen();
      const postingsBefore = (await checkLedger(fx.gdb, merchant.merchantId)).postings;
      // The first stored-value tender is on a real card, the second on a card the gateway does not know.
      const body = { ...sale(5005), tenders: [{ kind: 'storedValue', amountFen: 500, cardNo }, { kind: 'storedValue', amountFen: 200, cardNo: '9999000000000009' }] };
      socket.send(frame(body));
      const error = await nextError();
      expect([error.code, error.eventId]).toEqual(['EVENT_REJECTED', body.eventId]);
      expect(await balanceFen()).toBe(before);
      expect((await checkLedger(fx.gdb, merchant.merchantId)).postings).toBe(postingsBefore);
    });

    it('a revoked terminal is refused at its next frame and its socket closed', async () => {
      const before = await balanceFen();
      await keys.revoke(merchant.merchantId, till.terminalId);
      const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
      socket.send(frame(sale(5004)));
      expect((await nextError()).code).toBe('TERMINAL_REVOKED');
      expect(await closed).toBe(1008);
      expect(await balanceFen()).toBe(before);
    });
  });
});
