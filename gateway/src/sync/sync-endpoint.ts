// The gateway's WebSocket sync endpoint (/v1/sync): one signed session per terminal. It
// authenticates every frame, applies upstream events through the event applier and acks them,
// and sends the bootstrap snapshot after hello.
//
// Frames of a session are handled one at a time, in arrival order; at most
// MAX_QUEUED_FRAMES wait, beyond which the terminal is sending faster than it is acked and the
// session is closed. Event frames are verified one at a time too, but the verified events waiting
// are applied together (one database transaction, acked after its commit) before any other frame
// is handled, when nothing else is queued, or at maxEventsInFlight; a batch that fails is applied
// again one event at a time, so refusals and errors are exactly those of one-at-a-time handling.
// A refusal is an `error` frame signed with the terminal's key when the terminal is known, else a
// WebSocket close (code 1008) whose reason carries the error code.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import pino, { type Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  type BodyOf,
  type EventMessageType,
  type Frame,
  type MessageType,
  MESSAGES,
  ProtocolError,
  type PreparedBody,
  newId,
  parseEnvelope,
  signAndEncodeFrame,
  verifyEnvelope,
} from '@pos/protocol';
import type { Clock } from '../context.js';
import { EventRejected, isBatchable, type SyncEvent, type SyncEventApplier } from './event-applier.js';
import { GroupCommit } from './group-commit.js';
import type { SnapshotBuilder } from './snapshot-builder.js';
import { type ChangeFeed, cursorOf, cursorTime } from './change-feed.js';
import type { TerminalKey, TerminalKeyService } from './terminal-keys.js';

export const SYNC_PATH = '/v1/sync';
const MAX_QUEUED_FRAMES = 1000;
/**
 * Unacked events a terminal may have out. A terminal catching up sends this many, the gateway applies
 * what has arrived as one batch and acks it, and the terminal refills: 200 left the gateway idle
 * between batches (10,000 offline sales: 12 s); 500 keeps the next batch arriving while one commits.
 * Stays well below MAX_QUEUED_FRAMES, which also counts pings.
 */
const DEFAULT_EVENTS_IN_FLIGHT = 500;
/** Acks are sent together when the frames waiting are handled, or at this many. */
const MAX_ACKS_PER_FRAME = 100;
/** Another gateway instance may revoke a key: the key is re-read at least this often. */
const KEY_RECHECK_MS = 5_000;
/** A terminal away longer than this bootstraps from a snapshot instead of catching up on deltas. */
const MAX_DELTA_AGE_MS = 7 * 24 * 60 * 60 * 1000;
const POLICY_VIOLATION = 1008;

export interface SyncEndpointOptions {
  keys: TerminalKeyService;
  applier: SyncEventApplier;
  snapshots: SnapshotBuilder;
  /** Deltas on reconnect and live changes; without it every connect bootstraps from a snapshot. */
  feed?: ChangeFeed;
  clock: Clock;
  logger?: Logger;
  heartbeatIntervalMs?: number;
  maxEventsInFlight?: number;
}

export interface SyncEndpoint {
  /** Terminals with an open session. */
  connectedTerminals(): string[];
  /** Closes the session of a terminal whose key was just revoked. */
  disconnect(terminalId: string, code: 'TERMINAL_REVOKED'): void;
  close(): Promise<void>;
}

export function attachSyncEndpoint(server: Server, options: SyncEndpointOptions): SyncEndpoint {
  // The welcome frame carries these; values the protocol refuses would make every terminal reconnect forever.
  const heartbeat = options.heartbeatIntervalMs ?? 15_000;
  if (!Number.isInteger(heartbeat) || heartbeat < 1000 || heartbeat > 300_000) throw new RangeError(`heartbeatIntervalMs must be 1000–300000, got ${heartbeat}`);
  const inFlight = options.maxEventsInFlight ?? DEFAULT_EVENTS_IN_FLIGHT;
  if (!Number.isInteger(inFlight) || inFlight < 1 || inFlight > 10_000) throw new RangeError(`maxEventsInFlight must be 1–10000, got ${inFlight}`);
  const log = (options.logger ?? pino({ level: 'silent' })).child({ module: 'gateway/sync' });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
  const sessions = new Map<string, SyncSession>();
  const groups = new GroupCommit(options.applier);

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if ((req.url ?? '').split('?')[0] !== SYNC_PATH) return;
    wss.handleUpgrade(req, socket, head, (ws) => new SyncSession(ws, options, log, sessions, groups));
  };
  server.on('upgrade', onUpgrade);
  const stopListening = options.keys.onRevoked((terminalId) => sessions.get(terminalId)?.markRevoked());

  return {
    connectedTerminals: () => [...sessions.keys()],
    disconnect: (terminalId, code) => sessions.get(terminalId)?.refuseAndClose(new ProtocolError(code, 'the terminal key was revoked')),
    close: async () => {
      stopListening();
      server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

class SyncSession {
  private key: TerminalKey | null = null;
  private keyReadAt = 0;
  private readonly pendingAcks: Array<{ eventId: string; outcome: 'applied' | 'duplicate' }> = [];
  /** Verified events not applied yet, in arrival order. */
  private readonly verifiedEvents: SyncEvent[] = [];
  private unwatch: (() => void) | null = null;
  private lastSeq = 0;
  private mySeq = 0;
  private queue: Promise<void> = Promise.resolve();
  private queued = 0;
  private closed = false;
  private lastHeardAt: number;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly heartbeatIntervalMs: number;

  constructor(
    private readonly ws: WebSocket,
    private readonly options: SyncEndpointOptions,
    private readonly log: Logger,
    private readonly sessions: Map<string, SyncSession>,
    private readonly groups: GroupCommit,
  ) {
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 15_000;
    this.lastHeardAt = options.clock.nowMs();
    ws.on('message', (data) => this.enqueue(data.toString()));
    ws.on('close', () => this.onClose());
    ws.on('error', (error) => this.log.debug({ err: error.message }, 'socket error'));
    this.heartbeat = setInterval(() => this.checkAlive(), this.heartbeatIntervalMs);
  }

  private enqueue(text: string): void {
    this.lastHeardAt = this.options.clock.nowMs();
    if (this.queued >= MAX_QUEUED_FRAMES) {
      this.log.warn({ terminalId: this.key?.terminalId }, 'too many frames waiting; closing');
      this.ws.close(POLICY_VIOLATION, 'TOO_MANY_FRAMES');
      return;
    }
    this.queued += 1;
    this.queue = this.queue
      .then(() => this.handle(text))
      // Whatever the frame was, events waiting are applied and acks go out once nothing else is queued.
      // (Frames that arrived while they were applied flush them later, as they would have without batches.)
      .then(() => (this.queued <= 1 ? this.applyVerifiedEvents().then(() => (this.queued <= 1 ? this.flushAcks() : undefined)) : undefined))
      .catch((error) => {
        this.log.error({ err: error instanceof Error ? error.message : String(error) }, 'frame handling failed');
        this.refuseAndClose(new ProtocolError('INTERNAL', 'the gateway could not handle the frame; reconnect and resend'));
      })
      .finally(() => {
        this.queued -= 1;
      });
  }

  private async handle(text: string): Promise<void> {
    if (this.closed) return;
    const parsed = parseEnvelope(text, 'terminal');
    if (!parsed.ok) return this.refuseAfterEvents(parsed.error, true);
    const { envelope } = parsed.value;
    if (this.key && envelope.terminalId !== this.key.terminalId) {
      return this.refuseAfterEvents(new ProtocolError('SCHEMA_VIOLATION', 'one session speaks for one terminal', { field: 'terminalId' }), true);
    }
    // Revocations through this instance arrive at once (markRevoked); others within KEY_RECHECK_MS.
    const now = this.options.clock.nowMs();
    if (!this.key || now - this.keyReadAt >= KEY_RECHECK_MS) {
      const fresh = await this.options.keys.keyOf(envelope.terminalId);
      if (!fresh) return this.refuseAfterEvents(new ProtocolError('UNKNOWN_TERMINAL', `terminal ${envelope.terminalId} is not enrolled`), true);
      this.key = { ...fresh, revoked: fresh.revoked || (this.key?.revoked ?? false) };
      this.keyReadAt = now;
    }
    const key = this.key;
    if (key.revoked) {
      this.log.warn({ terminalId: key.terminalId }, 'frame from a revoked terminal');
      return this.refuseAfterEvents(new ProtocolError('TERMINAL_REVOKED', 'this terminal has been revoked', { refId: envelope.id }), true);
    }
    const verified = verifyEnvelope(parsed.value, { secret: key.secret, lastSeq: Math.max(this.lastSeq, key.lastSeq) });
    if (!verified.ok) {
      this.log.warn({ terminalId: key.terminalId, code: verified.error.code }, 'refused a terminal frame');
      // A forged or replayed frame changes nothing and does not end the terminal's own session.
      return this.refuseAfterEvents(verified.error, false);
    }
    const frame = verified.value;
    this.lastSeq = frame.seq;
    if (MESSAGES[frame.type].event && this.sessions.get(key.terminalId) === this) {
      this.verifiedEvents.push({ type: frame.type as EventMessageType, body: frame.body as BodyOf<EventMessageType> });
      if (this.verifiedEvents.length >= (this.options.maxEventsInFlight ?? DEFAULT_EVENTS_IN_FLIGHT)) await this.applyVerifiedEvents();
      return;
    }
    // Any other frame is handled after the events before it, as when each was handled on arrival.
    await this.applyVerifiedEvents();
    if (frame.type === 'hello') return this.onHello(frame as Frame<'hello'>);
    if (!this.sessions.has(key.terminalId) || this.sessions.get(key.terminalId) !== this) {
      return this.refuseAfterEvents(new ProtocolError('SCHEMA_VIOLATION', 'say hello first', { field: 'type', refId: frame.id }), true);
    }
    if (frame.type === 'ping') {
      const ping = (frame as Frame<'ping'>).body;
      this.send('pong', { nonce: ping.nonce });
      if (ping.ruleSetVersion !== undefined || ping.pendingEvents !== undefined) {
        await this.options.keys.recordStatus(key.terminalId, { ruleSetVersion: ping.ruleSetVersion, pendingEvents: ping.pendingEvents });
      }
      return;
    }
    if (frame.type === 'error') {
      this.log.warn({ terminalId: key.terminalId, body: (frame as Frame<'error'>).body }, 'terminal reported an error');
    }
  }

  private async onHello(frame: Frame<'hello'>): Promise<void> {
    const key = this.key!;
    const previous = this.sessions.get(key.terminalId);
    if (previous && previous !== this) previous.ws.close(1000, 'replaced by a new session');
    this.sessions.set(key.terminalId, this);
    await this.options.keys.recordSeen(key.terminalId, frame.seq, frame.body);
    const now = this.options.clock.nowMs();
    const since = cursorTime(frame.body.cursor);
    const { feed } = this.options;
    const deltas = feed && since !== null && now - since <= MAX_DELTA_AGE_MS ? await feed.deltasSince(key.merchantId, since, now) : null;
    this.send('welcome', {
      merchantId: key.merchantId,
      storeId: key.storeId,
      terminalId: key.terminalId,
      serverTime: new Date(now).toISOString(),
      mode: deltas ? 'delta' : 'snapshot',
      heartbeatIntervalMs: this.heartbeatIntervalMs,
      maxEventsInFlight: this.options.maxEventsInFlight ?? DEFAULT_EVENTS_IN_FLIGHT,
    });
    this.log.info({ terminalId: key.terminalId, cursor: frame.body.cursor, pending: frame.body.pendingEvents }, 'terminal connected');
    if (deltas) {
      for (const delta of deltas) await this.sendAndDrain('delta', delta);
    } else {
      for await (const chunk of this.options.snapshots.chunks(key.merchantId, key.storeId, cursorOf(now), now)) {
        if (this.closed) return;
        await this.sendAndDrain('snapshotChunk', chunk);
      }
    }
    // From here on, changes reach the terminal as they happen (through any gateway instance).
    this.unwatch?.();
    // Acks go out before any delta, so a terminal never sees a record that reflects an event it has not had acked.
    if (!this.closed && feed) {
      this.unwatch = feed.watch(key.merchantId, (delta) => {
        this.sendPendingAcks();
        this.send('delta', delta);
      });
    }
  }

  private async refuseAfterEvents(error: ProtocolError, close: boolean): Promise<void> {
    await this.applyVerifiedEvents();
    this.refuse(error, close);
  }

  /** Applies the verified events waiting: runs of batchable events as one batch each, the others alone. */
  private async applyVerifiedEvents(): Promise<void> {
    const events = this.verifiedEvents.splice(0);
    for (let i = 0; i < events.length; ) {
      let end = i;
      while (end < events.length && isBatchable(events[end]!.type)) end += 1;
      // A single event goes through the batch path too: it writes its rows in fewer statements.
      if (end > i) {
        await this.applyBatch(events.slice(i, end));
        i = end;
      } else {
        await this.onEvent(events[i]!.type, events[i]!.body);
        i += 1;
      }
    }
  }

  private async applyBatch(events: SyncEvent[]): Promise<void> {
    let outcomes;
    try {
      outcomes = await this.groups.submit(this.key!, events);
    } catch (error) {
      // Rolled back whole: one at a time decides which event is refused and what the others do.
      this.log.debug({ terminalId: this.key?.terminalId, events: events.length, err: error instanceof Error ? error.message : String(error) }, 'batch failed; applying its events one at a time');
      for (const event of events) await this.onEvent(event.type, event.body);
      return;
    }
    for (const [i, event] of events.entries()) {
      this.pendingAcks.push({ eventId: event.body.eventId, outcome: outcomes[i]! });
      if (this.pendingAcks.length >= MAX_ACKS_PER_FRAME) await this.flushAcks();
    }
  }

  private async onEvent(type: EventMessageType, body: BodyOf<EventMessageType>): Promise<void> {
    const key = this.key!;
    try {
      const outcome = await this.options.applier.apply(key, type, body);
      this.pendingAcks.push({ eventId: body.eventId, outcome });
      if (this.pendingAcks.length >= MAX_ACKS_PER_FRAME) await this.flushAcks();
    } catch (error) {
      if (error instanceof EventRejected) {
        this.log.warn({ terminalId: key.terminalId, eventId: error.eventId, msg: error.message }, 'event rejected');
        this.send('error', { code: 'EVENT_REJECTED', message: error.message, eventId: error.eventId, fatal: false });
        return;
      }
      throw error;
    }
  }

  private async flushAcks(): Promise<void> {
    if (!this.sendPendingAcks()) return;
    await this.options.keys.recordSeen(this.key!.terminalId, this.lastSeq);
  }

  /** Sends the acks waiting, if any; true when it sent some. */
  private sendPendingAcks(): boolean {
    if (this.pendingAcks.length === 0 || this.closed) return false;
    this.send('ack', { acks: this.pendingAcks.splice(0) });
    return true;
  }

  markRevoked(): void {
    if (this.key) this.key = { ...this.key, revoked: true };
  }

  private nextSeq(): number {
    // Time-based, so it keeps increasing across gateway restarts without being stored.
    this.mySeq = Math.max(this.mySeq + 1, this.options.clock.nowMs() * 1000);
    return this.mySeq;
  }

  /** A prepared body (a live delta, the same for every terminal) is canonicalised once, signed per terminal. */
  private send<T extends MessageType>(type: T, body: BodyOf<T> | PreparedBody<T>): void {
    if (this.closed || !this.key) return;
    const now = this.options.clock.nowMs();
    const header = { type, id: newId(now), terminalId: this.key.terminalId, seq: this.nextSeq(), sentAt: new Date(now).toISOString() };
    this.ws.send(signAndEncodeFrame(header, body, this.key.secret));
  }

  private sendAndDrain<T extends MessageType>(type: T, body: BodyOf<T> | PreparedBody<T>): Promise<void> {
    this.send(type, body);
    if (this.ws.bufferedAmount < 8 * 1024 * 1024) return Promise.resolve();
    // Back-pressure: wait until the socket has flushed before reading the next page.
    return new Promise((resolve) => {
      const check = () => (this.closed || this.ws.bufferedAmount < 1024 * 1024 ? resolve() : setTimeout(check, 10));
      check();
    });
  }

  /** Sends an error frame when the terminal's key is known; closes the socket when `close`. */
  private refuse(error: ProtocolError, close: boolean): void {
    if (this.key && !this.closed) this.send('error', error.toErrorBody(close));
    if (close) this.closeWith(error);
  }

  refuseAndClose(error: ProtocolError): void {
    this.refuse(error, true);
  }

  private closeWith(error: ProtocolError): void {
    if (this.closed) return;
    this.ws.close(POLICY_VIOLATION, `${error.code}`.slice(0, 120));
    this.closed = true;
  }

  private checkAlive(): void {
    const silentMs = this.options.clock.nowMs() - this.lastHeardAt;
    if (silentMs > this.heartbeatIntervalMs * 3) {
      this.log.info({ terminalId: this.key?.terminalId, silentMs }, 'terminal silent; closing');
      this.ws.terminate();
      return;
    }
    if (this.key && this.sessions.get(this.key.terminalId) === this) this.send('ping', { nonce: String(this.options.clock.nowMs()) });
  }

  private onClose(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.unwatch?.();
    this.unwatch = null;
    if (this.key && this.sessions.get(this.key.terminalId) === this) {
      this.sessions.delete(this.key.terminalId);
      void this.options.keys.recordSeen(this.key.terminalId, this.lastSeq).catch(() => undefined);
    }
  }
}
