// When an acked spend moves into the cached balance, against a scripted gateway over a real
// WebSocket: after the ack the till's known balance (cached record + unacked events) is exactly
// the gateway's, whether the member record the spend caused arrives before the ack, after it, or
// not at all; a duplicate ack (applied in an earlier session, so in this session's snapshot)
// moves nothing. The peer is a test double of the gateway endpoint that signs and verifies
// frames with the protocol's own functions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { type BodyOf, type Frame, type MemberRecord, type MessageType, encodeFrame, newId, openFrame, signFrame } from '@pos/protocol';
import { LocalStore } from '../../terminal/src/store/index.js';
import { SyncClient } from '../../terminal/src/sync/index.js';
import { STORE_ID, TERMINAL_ID, member, memberIdOf, saleDraft } from '../terminal/store/fixtures/records.js';
import { waitFor } from './sync-stack.js';

const SECRET = 'acked-fold-secret';
const M1 = memberIdOf(1);
const BEFORE: MemberRecord = member(1, { storedValue: { principalFen: 10_000, bonusFen: 0 }, pointsBalance: 0, pointsLots: [] });
const AFTER: MemberRecord = { ...BEFORE, storedValue: { principalFen: 9_700, bonusFen: 0 }, pointsBalance: 3 };

type Script = 'ack-only' | 'delta-then-ack' | 'ack-then-delta' | 'duplicate';

function startPeer(script: Script): Promise<{ server: WebSocketServer; url: string; acked: () => number }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  let mySeq = 0;
  let lastSeq = 0;
  let acks = 0;
  const send = <T extends MessageType>(socket: WebSocket, type: T, body: BodyOf<T>) => {
    mySeq += 1;
    const now = Date.now();
    socket.send(encodeFrame(signFrame({ type, id: newId(now), terminalId: TERMINAL_ID, seq: mySeq, sentAt: new Date(now).toISOString(), body }, SECRET) as Frame));
  };
  server.on('connection', (socket) => {
    socket.on('message', (data) => {
      const opened = openFrame(data.toString(), 'terminal', () => ({ secret: SECRET, lastSeq }));
      if (!opened.ok) throw new Error(opened.error.code);
      const frame = opened.value;
      lastSeq = frame.seq;
      if (frame.type === 'hello') {
        send(socket, 'welcome', { merchantId: '01JMERCHANT000000000000001', storeId: STORE_ID, terminalId: TERMINAL_ID, serverTime: new Date().toISOString(), mode: 'delta', heartbeatIntervalMs: 1000, maxEventsInFlight: 20 });
        return;
      }
      if (frame.type !== 'saleCommitted') return;
      const ack = () => {
        acks += 1;
        send(socket, 'ack', { acks: [{ eventId: frame.body.eventId, outcome: script === 'duplicate' ? 'duplicate' : 'applied' }] });
      };
      const delta = () => send(socket, 'delta', { cursor: 'c-2', changes: [{ op: 'upsert', change: { entity: 'members', items: [AFTER] } }] });
      if (script === 'delta-then-ack') delta();
      ack();
      if (script === 'ack-then-delta') delta();
    });
  });
  return new Promise((resolve) =>
    server.once('listening', () => {
      const address = server.address() as { port: number };
      resolve({ server, url: `ws://127.0.0.1:${address.port}/v1/sync`, acked: () => acks });
    }),
  );
}

describe('folding an acked spend into the cached balance', () => {
  let dir: string;
  let store: LocalStore;
  let client: SyncClient | null = null;
  let server: WebSocketServer | null = null;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pos-acked-fold-'));
    store = LocalStore.open(join(dir, 'terminal.db'));
    store.applyDelta({ cursor: 'c-1', changes: [{ op: 'upsert', change: { entity: 'members', items: [BEFORE] } }] });
  });

  afterEach(async () => {
    await client?.stop();
    for (const c of server?.clients ?? []) c.terminate();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    { script: 'ack-only', cached: 9_700, points: 3 },
    { script: 'delta-then-ack', cached: 9_700, points: 3 },
    { script: 'ack-then-delta', cached: 9_700, points: 3 },
    // Applied in an earlier session: this session's snapshot has it, so the record stays as it is.
    { script: 'duplicate', cached: 10_000, points: 0 },
  ] as const)('$script', async ({ script, cached, points }) => {
    const peer = await startPeer(script);
    server = peer.server;
    const sale = saleDraft(1, { memberId: M1, tenders: [{ kind: 'storedValue', amountFen: 300, principalFen: 300, bonusFen: 0, cardNo: '8800000000000001' }] });
    store.commitSale(sale, 'S-');
    expect(store.journal.pendingEffectOf(M1).principalDeltaFen).toBe(-300);
    client = new SyncClient({ url: peer.url, terminalId: TERMINAL_ID, secret: SECRET, store, softwareVersion: 'test', initialReconnectDelayMs: 20 });
    client.start();
    await waitFor('the ack', () => store.journal.outboxSize() === 0, 10_000);
    // Any frame sent after the ack is on the same socket; give it time to land.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(store.journal.pendingEffectOf(M1).principalDeltaFen).toBe(0);
    expect(store.members.member(M1)?.storedValue.principalFen).toBe(cached);
    expect(store.members.member(M1)?.pointsBalance).toBe(points);
    expect(peer.acked()).toBe(1);
  });
});
