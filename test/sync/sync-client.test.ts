// The terminal's sync client against a scripted gateway peer over a real WebSocket on loopback:
// outbox draining with acks, resends after lost acks and dropped connections, downstream
// snapshots, revocation, forged frames. The peer is a test double of the gateway's sync
// endpoint (which is exercised end to end in the gateway sync suites); it verifies every frame
// with the protocol's own checks, so the client cannot pass with frames the gateway would refuse.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { type BodyOf, type Frame, type MessageType, encodeFrame, newId, openFrame, signFrame } from '@pos/protocol';
import { LocalStore } from '../../terminal/src/store/index.js';
import { SyncClient } from '../../terminal/src/sync/index.js';
import { STORE_ID, TERMINAL_ID, member, saleDraft } from '../terminal/store/fixtures/records.js';

const SECRET = 'sync-client-test-secret';
const MERCHANT_ID = '01JMERCHANT000000000000001';

interface PeerOptions {
  /** Decide per received event whether to ack it; default: ack. */
  ackEvent?: (eventId: string, received: number) => boolean;
  onHello?: (peer: ScriptedGateway, socket: WebSocket) => void;
}

/** A minimal gateway: verifies frames, records events, acks them (or not), sends what a test says. */
class ScriptedGateway {
  readonly server: WebSocketServer;
  readonly received: string[] = [];
  readonly applied = new Set<string>();
  readonly seqs: number[] = [];
  readonly refusals: string[] = [];
  connections = 0;
  private lastSeq = 0;
  private mySeq = 0;
  current: WebSocket | null = null;

  constructor(private readonly options: PeerOptions = {}) {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    this.server.on('connection', (socket) => {
      this.connections += 1;
      this.current = socket;
      socket.on('message', (data) => this.onFrame(socket, data.toString()));
    });
  }

  get url(): string {
    const address = this.server.address();
    if (typeof address === 'string' || address === null) throw new Error('not listening');
    return `ws://127.0.0.1:${address.port}/v1/sync`;
  }

  send<T extends MessageType>(socket: WebSocket, type: T, body: BodyOf<T>, secret = SECRET): void {
    this.mySeq += 1;
    const now = Date.now();
    const frame = signFrame({ type, id: newId(now), terminalId: TERMINAL_ID, seq: this.mySeq, sentAt: new Date(now).toISOString(), body }, secret);
    socket.send(encodeFrame(frame as Frame));
  }

  welcome(socket: WebSocket, mode: 'snapshot' | 'delta' = 'delta'): void {
    this.send(socket, 'welcome', {
      merchantId: MERCHANT_ID,
      storeId: STORE_ID,
      terminalId: TERMINAL_ID,
      serverTime: new Date().toISOString(),
      mode,
      heartbeatIntervalMs: 1000,
      maxEventsInFlight: 20,
    });
  }

  private onFrame(socket: WebSocket, text: string): void {
    const opened = openFrame(text, 'terminal', () => ({ secret: SECRET, lastSeq: this.lastSeq }));
    if (!opened.ok) {
      this.refusals.push(opened.error.code);
      return;
    }
    const frame = opened.value;
    this.lastSeq = frame.seq;
    this.seqs.push(frame.seq);
    if (frame.type === 'hello') {
      if (this.options.onHello) this.options.onHello(this, socket);
      else this.welcome(socket);
      return;
    }
    if (frame.type === 'saleCommitted') {
      const { eventId } = frame.body;
      this.received.push(eventId);
      const duplicate = this.applied.has(eventId);
      this.applied.add(eventId);
      if (this.options.ackEvent && !this.options.ackEvent(eventId, this.received.length)) return;
      this.send(socket, 'ack', { acks: [{ eventId, outcome: duplicate ? 'duplicate' : 'applied' }] });
    }
  }

  async listeningUrl(): Promise<string> {
    if (!this.server.address()) await new Promise((resolve) => this.server.once('listening', resolve));
    return this.url;
  }

  close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let dir: string;
let store: LocalStore;
let client: SyncClient | null = null;
let peer: ScriptedGateway | null = null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pos-sync-client-'));
  store = LocalStore.open(join(dir, 'terminal.db'));
});

afterEach(async () => {
  await client?.stop();
  await peer?.close();
  client = null;
  peer = null;
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function commitSales(count: number, from = 0): string[] {
  const ids: string[] = [];
  for (let i = from; i < from + count; i += 1) ids.push(store.commitSale(saleDraft(i), 'S-').eventId);
  return ids;
}

function startClient(url: string, extra: Partial<ConstructorParameters<typeof SyncClient>[0]> = {}): SyncClient {
  client = new SyncClient({
    url,
    terminalId: TERMINAL_ID,
    secret: SECRET,
    store,
    softwareVersion: 'test',
    initialReconnectDelayMs: 20,
    maxReconnectDelayMs: 100,
    ackTimeoutMs: 300,
    random: () => 0.5,
    ...extra,
  });
  client.start();
  return client;
}

function waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (predicate()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error('condition not met in time'));
      else setTimeout(tick, 10);
    };
    tick();
  });
}

describe('sync client', () => {
  it('drains an offline backlog in commit order, deleting each entry only on its ack', async () => {
    const ids = commitSales(50);
    peer = new ScriptedGateway();
    startClient(await peer.listeningUrl());
    await client!.whenDrained();
    expect(store.journal.outboxSize()).toBe(0);
    expect(store.journal.journalSize()).toBe(50);
    expect(peer.received).toEqual(ids); // each exactly once, in commit order
    expect(peer.refusals).toEqual([]);
    expect(peer.seqs).toEqual([...peer.seqs].sort((a, b) => a - b));
    expect(new Set(peer.seqs).size).toBe(peer.seqs.length);
    expect(client!.status$.value).toMatchObject({ state: 'online', pending: 0 });
  });

  it('resends events whose acks were lost, and the gateway sees each applied once', async () => {
    const ids = commitSales(30);
    peer = new ScriptedGateway({ ackEvent: (_id, n) => n > 10 }); // the first 10 acks are lost
    startClient(await peer.listeningUrl());
    await client!.whenDrained();
    expect([...peer.applied].sort()).toEqual([...ids].sort());
    expect(peer.received.length).toBeGreaterThan(30); // the 10 unacked were sent again
    expect(store.journal.outboxSize()).toBe(0);
  });

  it('reconnects after the connection drops and finishes the backlog', async () => {
    const ids = commitSales(40);
    let dropped = false;
    peer = new ScriptedGateway({
      ackEvent: (_id, n) => {
        if (n < 15 || dropped) return true;
        dropped = true;
        peer!.current?.terminate(); // the gateway goes away mid-batch, before acking
        return false;
      },
    });
    startClient(await peer.listeningUrl());
    await client!.whenDrained();
    expect(peer.connections).toBeGreaterThanOrEqual(2);
    expect([...peer.applied].sort()).toEqual([...ids].sort());
    expect(store.journal.outboxSize()).toBe(0);
  });

  it('sends events committed while online without waiting for a timer', async () => {
    peer = new ScriptedGateway();
    startClient(await peer.listeningUrl());
    await waitFor(() => client!.status$.value.state === 'online');
    const [id] = commitSales(1, 100);
    client!.notifyOutbox();
    await client!.whenDrained();
    expect(peer.received).toEqual([id]);
  });

  it('applies a snapshot and carries the adopted cursor in its next hello', async () => {
    const cursors: Array<string | null> = [];
    peer = new ScriptedGateway({
      onHello: (p, socket) => {
        cursors.push(store.cursor());
        p.welcome(socket, 'snapshot');
        p.send(socket, 'snapshotChunk', { snapshotId: newId(Date.now()), index: 0, last: true, cursor: '77', entity: 'members', items: [member(1), member(2)] });
      },
    });
    startClient(await peer.listeningUrl());
    await waitFor(() => store.cursor() === '77');
    expect(store.members.member(member(2).memberId)?.name).toBe(member(2).name);
  });

  it('stops for good when the gateway says the terminal is revoked', async () => {
    peer = new ScriptedGateway({
      onHello: (p, socket) => p.send(socket, 'error', { code: 'TERMINAL_REVOKED', message: 'revoked by HQ', fatal: true }),
    });
    startClient(await peer.listeningUrl());
    await waitFor(() => client!.status$.value.state === 'revoked');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(peer.connections).toBe(1);
    expect(client!.status$.value.lastError).toBe('TERMINAL_REVOKED: revoked by HQ');
  });

  it('ignores a frame signed with another key and keeps the session', async () => {
    commitSales(3);
    peer = new ScriptedGateway({
      onHello: (p, socket) => {
        p.send(socket, 'welcome', {
          merchantId: MERCHANT_ID, storeId: STORE_ID, terminalId: TERMINAL_ID, serverTime: new Date().toISOString(),
          mode: 'delta', heartbeatIntervalMs: 1000, maxEventsInFlight: 20,
        }, 'forged-key');
        p.welcome(socket);
      },
    });
    startClient(await peer.listeningUrl());
    await client!.whenDrained();
    expect(peer.connections).toBe(1);
    expect(peer.applied.size).toBe(3);
  });
});
