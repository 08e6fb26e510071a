// The batch path of the sync endpoint and the event applier, on SQLite and PostgreSQL: events waiting
// in a session are applied in one transaction, and a batch that fails is applied again one event at
// a time, so acks, refusals and the ledger come out exactly as with one-at-a-time handling.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type BodyOf, type EventMessageType, type Frame, encodeFrame, newId, openFrame, signFrame } from '@pos/protocol';
import { checkLedger } from '../../gateway/src/ledger/ledger-check.js';
import {
  type ApplyOutcome,
  SnapshotBuilder,
  type SyncEvent,
  SyncEventApplier,
  TerminalKeyService,
  type TerminalIdentity,
  attachSyncEndpoint,
  type SyncEndpoint,
} from '../../gateway/src/sync/index.js';
import { DIALECTS, openServices, silentLogger, type ServiceFixture } from '../gateway/harness.js';
import { memberWithCard, seedMerchant, type MerchantFixture } from '../gateway/fixtures.js';
import { saleDraft } from '../terminal/store/fixtures/records.js';

/** Records batches and can hold the next apply (alone or batch), so frames sent meanwhile wait in the session's queue. */
class WatchedApplier extends SyncEventApplier {
  readonly batches: Array<{ size: number; failed: boolean }> = [];
  private gate: { opened: Promise<void>; open: () => void; entered: () => void } | null = null;

  /** Resolves when the next apply has started; that apply waits until `open` is called. */
  holdNextApply(): { entered: Promise<void>; open: () => void } {
    let open!: () => void;
    let entered!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    const enteredPromise = new Promise<void>((resolve) => (entered = resolve));
    this.gate = { opened, open, entered };
    return { entered: enteredPromise, open };
  }

  private async passGate(): Promise<void> {
    const gate = this.gate;
    if (gate) {
      this.gate = null;
      gate.entered();
      await gate.opened;
    }
  }

  override async apply<T extends EventMessageType>(terminal: TerminalIdentity, type: T, body: BodyOf<T>): Promise<ApplyOutcome> {
    await this.passGate();
    return super.apply(terminal, type, body);
  }

  // Sessions submit their batches to the endpoint's group commit, which applies them as groups.
  override async applyGroup(parts: ReadonlyArray<{ terminal: TerminalIdentity; events: readonly SyncEvent[] }>): Promise<ApplyOutcome[][]> {
    await this.passGate();
    const size = parts.reduce((n, part) => n + part.events.length, 0);
    try {
      const outcomes = await super.applyGroup(parts);
      this.batches.push({ size, failed: false });
      return outcomes;
    } catch (error) {
      this.batches.push({ size, failed: true });
      throw error;
    }
  }
}

describe.each(DIALECTS)('event batches on %s', (dialect) => {
  let fx: ServiceFixture;
  let merchant: MerchantFixture;
  let server: Server;
  let endpoint: SyncEndpoint;
  let keys: TerminalKeyService;
  let applier: WatchedApplier;
  let url: string;
  let memberId: string;
  let terminal: TerminalIdentity & { secret: string };
  const cardNo = '8800000000000077';
  let socket: WebSocket;
  const received: Frame[] = [];
  let seq = 1_000_000;
  let saleNo = 7000;

  function sale(overrides: Record<string, unknown> = {}): BodyOf<'saleCommitted'> {
    saleNo += 1;
    return {
      ...saleDraft(saleNo, { storeId: merchant.storeA1, terminalId: terminal.terminalId, memberId, cardNo, tenders: [{ kind: 'storedValue', amountFen: 500, cardNo }] }),
      receiptNo: `BATCH-${saleNo}`,
      ...overrides,
    } as BodyOf<'saleCommitted'>;
  }

  /** A sale whose second tender names a card the gateway does not know: refused, leaving nothing. */
  function badSale(): BodyOf<'saleCommitted'> {
    return sale({ tenders: [{ kind: 'storedValue', amountFen: 500, cardNo }, { kind: 'storedValue', amountFen: 200, cardNo: '9999000000000009' }] });
  }

  function frame(body: unknown, type = 'saleCommitted'): string {
    const now = Date.now();
    return encodeFrame(
      signFrame({ type: type as 'saleCommitted', id: newId(now), terminalId: terminal.terminalId, seq: ++seq, sentAt: new Date(now).toISOString(), body: body as never }, terminal.secret),
    );
  }

  async function balanceFen(): Promise<number> {
    const b = await fx.services.ledger.balanceOf(merchant.merchantId, cardNo);
    return b.principalFen + b.bonusFen;
  }

  async function registered(eventIds: string[]): Promise<number> {
    const row = await fx.gdb.db
      .selectFrom('sync_events' as never)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('merchant_id' as never, '=', merchant.merchantId as never)
      .where('event_id' as never, 'in', eventIds as never)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Acks and errors received since the last call, in order: `ack:<eventId>:<outcome>` or `error:<code>:<eventId>`. */
  function drainReplies(): string[] {
    const out: string[] = [];
    for (const f of received.splice(0)) {
      if (f.type === 'ack') for (const a of (f as Frame<'ack'>).body.acks) out.push(`ack:${a.eventId}:${a.outcome}`);
      if (f.type === 'error') {
        const e = (f as Frame<'error'>).body as { code: string; eventId?: string };
        out.push(`error:${e.code}:${e.eventId ?? ''}`);
      }
    }
    return out;
  }

  /** Waits until `count` acks and errors have arrived since the last call, and answers them in order. */
  async function replies(count: number): Promise<string[]> {
    const got: string[] = [];
    for (let waited = 0; got.length < count; waited += 10) {
      if (waited > 15_000) throw new Error(`only ${got.length} of ${count} replies: ${got.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
      got.push(...drainReplies());
    }
    // Nothing more than expected arrives shortly after.
    await new Promise((resolve) => setTimeout(resolve, 100));
    return [...got, ...drainReplies()];
  }

  /** Sends `first` alone and holds its apply while `rest` arrive, so they are handled as one batch. */
  async function sendWhileHeld(first: BodyOf<'saleCommitted'>, rest: BodyOf<'saleCommitted'>[]): Promise<void> {
    const hold = applier.holdNextApply();
    socket.send(frame(first));
    await hold.entered;
    for (const body of rest) socket.send(frame(body));
    // The frames reach the session's queue while the first apply is held.
    await new Promise((resolve) => setTimeout(resolve, 300));
    hold.open();
  }

  beforeAll(async () => {
    fx = await openServices(dialect);
    merchant = await seedMerchant(fx.services, `BT${dialect === 'sqlite' ? 'L' : 'P'}`);
    const { member } = await memberWithCard(fx.services, merchant, { phone: '13812340077', cardNo });
    memberId = member.id;
    await fx.services.ledger.recharge(merchant.system, { idempotencyKey: 'batch-seed-recharge', cardNo, paidFen: 1_000_000 });
    keys = new TerminalKeyService(fx.gdb, fx.clock);
    applier = new WatchedApplier({ gdb: fx.gdb, clock: fx.clock, ledger: fx.services.ledger, members: fx.services.members, cards: fx.services.cards, logger: silentLogger });
    server = createServer((_req, res) => res.writeHead(404).end());
    endpoint = attachSyncEndpoint(server, { keys, applier, snapshots: new SnapshotBuilder(fx.gdb), clock: fx.clock, logger: silentLogger });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/sync`;
    const created = await fx.services.hierarchy.createTerminal(merchant.system, { storeId: merchant.storeA1, name: 'batch-till' });
    const enrolment = await keys.redeem((await keys.issueEnrolmentCode(merchant.merchantId, created.id, null)).code);
    terminal = { merchantId: merchant.merchantId, storeId: merchant.storeA1, terminalId: enrolment.terminalId, secret: enrolment.secret };
    socket = new WebSocket(url);
    let peerSeq = 0;
    socket.on('message', (data) => {
      const opened = openFrame(data.toString(), 'gateway', () => ({ secret: terminal.secret, lastSeq: peerSeq }));
      if (opened.ok) {
        peerSeq = opened.value.seq;
        received.push(opened.value);
      }
    });
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(frame({ softwareVersion: 'batch', cursor: null, ruleSetVersion: null, pendingEvents: 0 }, 'hello'));
    // The snapshot has been sent once the endpoint answers a ping sent after hello.
    socket.send(frame({ nonce: 'n1' }, 'ping'));
    for (let waited = 0; !received.some((f) => f.type === 'pong'); waited += 10) {
      if (waited > 10_000) throw new Error('no pong');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    received.splice(0);
  });

  afterAll(async () => {
    socket?.terminate();
    await endpoint?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await fx?.close();
  });

  it('frames waiting are applied as one batch, acked applied in order, with the exact ledger effect', async () => {
    const before = await balanceFen();
    const pointsBefore = await fx.services.ledger.pointsOf(merchant.merchantId, memberId);
    const batchesBefore = applier.batches.length;
    const first = sale();
    const rest = [sale(), sale(), sale(), sale()];
    await sendWhileHeld(first, rest);
    const ids = [first, ...rest].map((b) => b.eventId);
    expect(await replies(5)).toEqual(ids.map((id) => `ack:${id}:applied`));
    // The first event alone (a batch of one), the four that waited behind it together.
    expect(applier.batches.slice(batchesBefore)).toEqual([{ size: 1, failed: false }, { size: 4, failed: false }]);
    expect(await balanceFen()).toBe(before - 5 * 500);
    expect(await fx.services.ledger.pointsOf(merchant.merchantId, memberId)).toBe(pointsBefore + 5 * 3);
    expect(await registered(ids)).toBe(5);
    expect((await checkLedger(fx.gdb, merchant.merchantId)).ok).toBe(true);
  });

  it('a batch with a refused event in the middle: the same acks and error as one at a time, the others applied once', async () => {
    const before = await balanceFen();
    const postingsBefore = (await checkLedger(fx.gdb, merchant.merchantId)).postings;
    const batchesBefore = applier.batches.length;
    const first = sale();
    const [a, b, bad, c, d] = [sale(), sale(), badSale(), sale(), sale()];
    await sendWhileHeld(first, [a!, b!, bad!, c!, d!]);
    // One at a time, the error goes out when the refused event is handled, the acks once the queue is empty.
    expect(await replies(6)).toEqual([
      `error:EVENT_REJECTED:${bad!.eventId}`,
      ...[first, a!, b!, c!, d!].map((body) => `ack:${body.eventId}:applied`),
    ]);
    expect(applier.batches.slice(batchesBefore)).toEqual([{ size: 1, failed: false }, { size: 5, failed: true }]);
    expect(await balanceFen()).toBe(before - 5 * 500);
    expect(await registered([first, a!, b!, c!, d!].map((x) => x.eventId))).toBe(5);
    expect(await registered([bad!.eventId])).toBe(0);
    const report = await checkLedger(fx.gdb, merchant.merchantId);
    expect(report.ok).toBe(true);
    // Each applied sale: one principal posting (the card holds no bonus) and one points posting.
    expect(report.postings - postingsBefore).toBe(5 * 2);
  });

  it('a batch holding a registered event and the same event twice acks them duplicate, without a fallback', async () => {
    const before = await balanceFen();
    const batchesBefore = applier.batches.length;
    const old = sale();
    socket.send(frame(old));
    expect(await replies(1)).toEqual([`ack:${old.eventId}:applied`]);
    const first = sale();
    const fresh = sale();
    const other = sale();
    await sendWhileHeld(first, [fresh, old, other, fresh]);
    expect(await replies(5)).toEqual([
      `ack:${first.eventId}:applied`,
      `ack:${fresh.eventId}:applied`,
      `ack:${old.eventId}:duplicate`,
      `ack:${other.eventId}:applied`,
      `ack:${fresh.eventId}:duplicate`,
    ]);
    expect(applier.batches.slice(batchesBefore)).toEqual([{ size: 1, failed: false }, { size: 1, failed: false }, { size: 4, failed: false }]);
    expect(await balanceFen()).toBe(before - 4 * 500);
    expect(await registered([old, first, fresh, other].map((x) => x.eventId))).toBe(4);
  });

  it('a batch reads what it wrote itself: points earned then spent, a sale then its refund, growth summed', async () => {
    const before = await balanceFen();
    const pointsBefore = await fx.services.ledger.pointsOf(merchant.merchantId, memberId);
    const growthOf = async () => Number((await fx.gdb.db.selectFrom('members').select('growth').where('merchant_id', '=', merchant.merchantId).where('id', '=', memberId).executeTakeFirstOrThrow()).growth);
    const growthBefore = await growthOf();
    const batchesBefore = applier.batches.length;
    const s1 = sale();
    // Spends every point, including the 3 that s1 earns in this same batch.
    const s2 = sale({ pointsSpent: pointsBefore + 3 });
    const refund: BodyOf<'saleRefunded'> = {
      eventId: newId(Date.now()),
      storeId: merchant.storeA1,
      terminalId: terminal.terminalId,
      occurredAt: s1.occurredAt,
      businessDate: s1.businessDate,
      offline: true,
      refundId: newId(Date.now()),
      saleId: s1.saleId,
      receiptNo: `REFUND-${saleNo}`,
      memberId,
      lines: [{ lineNo: 1, quantityMilli: 2000, refundFen: 500, pointsReversed: 3 }],
      refundFen: 500,
      tenders: [{ kind: 'storedValue', amountFen: 500, principalFen: 500, bonusFen: 0, cardNo }],
      pointsReversed: 3,
      pointsRestored: 0,
      growthReversed: 2,
      approvedBy: 'mgr-01',
      reason: 'batch test',
    };
    const events: SyncEvent[] = [
      { type: 'saleCommitted', body: s1 },
      { type: 'saleCommitted', body: s2 },
      { type: 'saleRefunded', body: refund },
    ];
    expect(await applier.applyBatch(terminal, events)).toEqual(['applied', 'applied', 'applied']);
    expect(applier.batches.slice(batchesBefore)).toEqual([{ size: 3, failed: false }]);
    expect(await balanceFen()).toBe(before - 500);
    // +3 (s1) − (all + 3) (s2 spends) + 3 (s2) − 3 (refund reverses): nothing left, and no overdraft flag.
    expect(await fx.services.ledger.pointsOf(merchant.merchantId, memberId)).toBe(0);
    const flags = await fx.gdb.db
      .selectFrom('member_flags' as never)
      .select('event_id' as never)
      .where('merchant_id' as never, '=', merchant.merchantId as never)
      .where('event_id' as never, 'in', [s1.eventId, s2.eventId, refund.eventId] as never)
      .execute();
    expect(flags).toEqual([]);
    expect(await growthOf()).toBe(growthBefore + s1.growthEarned + s2.growthEarned - 2);
    expect(await registered([s1.eventId, s2.eventId, refund.eventId])).toBe(3);
    expect((await checkLedger(fx.gdb, merchant.merchantId)).ok).toBe(true);
  });

  it('two sessions racing the same batches apply each event exactly once', async () => {
    const before = await balanceFen();
    const pointsBefore = await fx.services.ledger.pointsOf(merchant.merchantId, memberId);
    const events: SyncEvent[] = Array.from({ length: 30 }, () => ({ type: 'saleCommitted', body: sale() }));
    // What the endpoint does: the batch, or on any error each event alone.
    const session = async (mine: SyncEvent[]): Promise<ApplyOutcome[]> => {
      try {
        return await applier.applyBatch(terminal, mine);
      } catch {
        const outcomes: ApplyOutcome[] = [];
        for (const e of mine) outcomes.push(await applier.apply(terminal, e.type, e.body));
        return outcomes;
      }
    };
    // Overlapping halves, one of them in the other order.
    const [x, y] = await Promise.all([session(events.slice(0, 20)), session([...events.slice(10)].reverse())]);
    const appliedTimes = new Map<string, number>();
    events.slice(0, 20).forEach((e, i) => x[i] === 'applied' && appliedTimes.set(e.body.eventId, (appliedTimes.get(e.body.eventId) ?? 0) + 1));
    [...events.slice(10)].reverse().forEach((e, i) => y[i] === 'applied' && appliedTimes.set(e.body.eventId, (appliedTimes.get(e.body.eventId) ?? 0) + 1));
    expect(events.map((e) => appliedTimes.get(e.body.eventId) ?? 0)).toEqual(events.map(() => 1));
    expect(x.length + y.length).toBe(40);
    expect([...x, ...y].filter((o) => o === 'duplicate')).toHaveLength(10);
    expect(await registered(events.map((e) => e.body.eventId))).toBe(30);
    expect(await balanceFen()).toBe(before - 30 * 500);
    expect(await fx.services.ledger.pointsOf(merchant.merchantId, memberId)).toBe(pointsBefore + 30 * 3);
    expect((await checkLedger(fx.gdb, merchant.merchantId)).ok).toBe(true);
  }, 60_000);
});
