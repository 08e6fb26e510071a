// The terminal's sync client: keeps one signed WebSocket session with the gateway, sends the
// outbox in commit order and deletes an entry only after its ack, and applies snapshots and
// deltas to the local store.
//
// Guarantees: an event leaves the outbox only when the gateway acked it (applied or duplicate);
// a lost frame, a lost ack or a dropped connection only causes a resend of the same eventId,
// which the gateway applies at most once. When an event leaves the outbox its balance effect moves
// into the cached member record (see acked-effect.ts), so the till's known balance never forgets
// a spend the gateway applied but has not yet sent back. Limits: at most `maxEventsInFlight` unacked frames,
// resent after `ackTimeoutMs`; reconnects back off exponentially with full jitter up to
// `maxReconnectDelayMs`; a peer silent for `deadPeerFactor` heartbeats is dropped.
import { BehaviorSubject } from 'rxjs';
import WebSocket, { type ClientOptions } from 'ws';
import pino, { type Logger } from 'pino';
import {
  type BodyOf,
  type Frame,
  type MessageType,
  newId,
  openFrame,
  signAndEncodeFrame,
} from '@pos/protocol';
import { type MemberEffect, effectOf } from '../store/index.js';
import { effectsByMember, withAckedEffect } from './acked-effect.js';
import type { SyncStore } from './sync-store.js';

export type SyncState = 'stopped' | 'connecting' | 'online' | 'offline' | 'revoked';

export interface SyncStatus {
  state: SyncState;
  /** Events waiting in the outbox. */
  pending: number;
  /** Gateway clock minus terminal clock at the last welcome, in ms. */
  clockSkewMs: number | null;
  lastError: string | null;
  /** Terminal time of the last ack, ISO. */
  lastAckAt: string | null;
}

export interface SyncClientOptions {
  /** ws:// or wss:// URL of the gateway's sync endpoint, e.g. ws://127.0.0.1:8080/v1/sync. */
  url: string;
  terminalId: string;
  secret: string;
  store: SyncStore;
  softwareVersion: string;
  clock?: () => number;
  logger?: Logger;
  /** Upper bound on unacked frames; the gateway's welcome may lower it. */
  maxEventsInFlight?: number;
  ackTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  initialReconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  deadPeerFactor?: number;
  /** TLS options for wss:// (e.g. `ca` for a private certificate). */
  webSocketOptions?: ClientOptions;
  /** Source of jitter in [0, 1); injectable so tests are repeatable. */
  random?: () => number;
}

/** Frame seqs reserved per durable write. */
const SEQ_BLOCK = 1000;

const DEFAULTS = {
  // The gateway's welcome may lower it; see DEFAULT_EVENTS_IN_FLIGHT in the gateway's sync endpoint.
  maxEventsInFlight: 500,
  ackTimeoutMs: 10_000,
  handshakeTimeoutMs: 10_000,
  initialReconnectDelayMs: 250,
  maxReconnectDelayMs: 30_000,
  deadPeerFactor: 3,
};

/** Full-jitter exponential backoff: a random delay in [0, min(max, initial × 2^attempt)). */
export function reconnectDelayMs(attempt: number, initialMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}

export class SyncClient {
  readonly status$: BehaviorSubject<SyncStatus>;
  private readonly options: Required<Omit<SyncClientOptions, 'logger' | 'webSocketOptions' | 'clock' | 'random'>> & {
    webSocketOptions: ClientOptions;
  };
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly log: Logger;
  private socket: WebSocket | null = null;
  private welcomed = false;
  private running = false;
  private reconnectAttempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private handshakeTimer: NodeJS.Timeout | null = null;
  private lastReceivedAt = 0;
  private heartbeatIntervalMs = 15_000;
  private inFlightLimit: number;
  /** eventId → terminal time it was last sent on this connection. */
  private readonly inFlight = new Map<string, number>();
  /** Events sent on this connection, not yet acked → their effect on their member (folded at the ack). */
  private readonly sentEffects = new Map<string, MemberEffect>();
  /**
   * Outbox position of the newest event sent on this connection: the next pump reads only after it.
   * Reset whenever sent events leave `inFlight` unacked (new connection, ack timeout), so they go again.
   * (Reading the whole in-flight window again at every ack cost a catching-up till ~20 outbox rows
   * parsed per event.)
   */
  private sentThrough = 0;
  /** Sent events whose member's record arrived after they were sent: it may already include them. */
  private readonly maybeInRecord = new Set<string>();
  /** Events the gateway refused on this connection; retried on the next one, never dropped. */
  private readonly parked = new Set<string>();
  /** Highest seq accepted from the gateway in this process. */
  private peerSeq = 0;
  private pumping = false;
  /** Frame seqs reserved in the store and not yet used: [nextSeq, seqLimit). */
  private nextSeq = 0;
  private seqLimit = 0;
  private readonly idleWaiters: Array<() => void> = [];

  constructor(options: SyncClientOptions) {
    this.options = { ...DEFAULTS, webSocketOptions: {}, ...options } as SyncClient['options'];
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.log = (options.logger ?? pino({ level: 'silent' })).child({ module: 'terminal/sync' });
    this.inFlightLimit = this.options.maxEventsInFlight;
    this.status$ = new BehaviorSubject<SyncStatus>({
      state: 'stopped',
      pending: options.store.journal.outboxSize(),
      clockSkewMs: null,
      lastError: null,
      lastAckAt: null,
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.terminate();
      });
    }
    this.setStatus({ state: 'stopped' });
  }

  /** Call after committing an event so it is sent without waiting for the next ack or timer. */
  notifyOutbox(): void {
    this.setStatus({ pending: this.options.store.journal.outboxSize() });
    this.pump();
  }

  /** Resolves once the outbox is empty (every event acked). */
  whenDrained(): Promise<void> {
    if (this.options.store.journal.outboxSize() === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private setStatus(patch: Partial<SyncStatus>): void {
    this.status$.next({ ...this.status$.value, ...patch });
  }

  private connect(): void {
    if (!this.running) return;
    this.setStatus({ state: 'connecting' });
    this.welcomed = false;
    this.inFlight.clear();
    this.parked.clear();
    this.sentEffects.clear();
    this.sentThrough = 0;
    this.maybeInRecord.clear();
    const socket = new WebSocket(this.options.url, { ...this.options.webSocketOptions, handshakeTimeout: this.options.handshakeTimeoutMs });
    this.socket = socket;
    socket.on('open', () => {
      this.lastReceivedAt = this.clock();
      this.send('hello', {
        softwareVersion: this.options.softwareVersion,
        cursor: this.options.store.cursor(),
        ruleSetVersion: this.options.store.activeRuleSet()?.version ?? null,
        pendingEvents: this.options.store.journal.outboxSize(),
      });
      this.handshakeTimer = setTimeout(() => {
        this.log.warn('no welcome within the handshake timeout; reconnecting');
        socket.terminate();
      }, this.options.handshakeTimeoutMs);
    });
    socket.on('message', (data) => this.receive(data.toString()));
    socket.on('error', (error) => {
      this.setStatus({ lastError: error.message });
      this.log.debug({ err: error.message }, 'socket error');
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.welcomed = false;
      this.clearTimers();
      if (!this.running) return;
      if (this.status$.value.state === 'revoked') {
        this.running = false;
        return;
      }
      this.setStatus({ state: 'offline' });
      const delayMs = reconnectDelayMs(this.reconnectAttempt, this.options.initialReconnectDelayMs, this.options.maxReconnectDelayMs, this.random);
      this.reconnectAttempt += 1;
      this.reconnectTimer = setTimeout(() => this.connect(), delayMs);
    });
  }

  private clearTimers(): void {
    for (const timer of [this.reconnectTimer, this.heartbeatTimer, this.handshakeTimer]) if (timer) clearTimeout(timer);
    this.reconnectTimer = null;
    this.heartbeatTimer = null;
    this.handshakeTimer = null;
  }

  private send<T extends MessageType>(type: T, body: BodyOf<T>): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    const now = this.clock();
    const header = { type, id: newId(now), terminalId: this.options.terminalId, seq: this.takeSeq(), sentAt: new Date(now).toISOString() };
    socket.send(signAndEncodeFrame(header, body, this.options.secret));
    return true;
  }

  /** One fsync per SEQ_BLOCK frames instead of one per frame. */
  private takeSeq(): number {
    if (this.nextSeq >= this.seqLimit) {
      this.nextSeq = this.options.store.reserveFrameSeqs(SEQ_BLOCK);
      this.seqLimit = this.nextSeq + SEQ_BLOCK;
    }
    const seq = this.nextSeq;
    this.nextSeq += 1;
    return seq;
  }

  private receive(text: string): void {
    this.lastReceivedAt = this.clock();
    const opened = openFrame(text, 'gateway', () => ({ secret: this.options.secret, lastSeq: this.peerSeq }));
    if (!opened.ok) {
      // A frame we cannot trust is dropped; the session goes on (a forged frame must not cut us off).
      this.log.warn({ code: opened.error.code, msg: opened.error.message }, 'refused a gateway frame');
      // Visible in the status, so a gateway that sends frames this version cannot read (e.g. a welcome
      // out of the protocol's bounds, which leaves the client reconnecting forever) is diagnosable.
      this.setStatus({ lastError: `${opened.error.code}: ${opened.error.message}` });
      return;
    }
    const frame = opened.value;
    this.peerSeq = frame.seq;
    try {
      this.handle(frame);
    } catch (error) {
      // A chunk or delta that cannot be applied leaves the cursor where it was; a new session resyncs.
      this.log.error({ err: error instanceof Error ? error.message : String(error), type: frame.type }, 'could not apply a gateway frame; reconnecting');
      this.setStatus({ lastError: error instanceof Error ? error.message : String(error) });
      this.socket?.terminate();
    }
  }

  private handle(frame: Frame): void {
    switch (frame.type) {
      case 'welcome': {
        if (this.handshakeTimer) clearTimeout(this.handshakeTimer);
        this.handshakeTimer = null;
        this.welcomed = true;
        this.reconnectAttempt = 0;
        this.heartbeatIntervalMs = frame.body.heartbeatIntervalMs;
        this.inFlightLimit = Math.min(this.options.maxEventsInFlight, frame.body.maxEventsInFlight);
        this.setStatus({ state: 'online', clockSkewMs: Date.parse(frame.body.serverTime) - this.clock(), lastError: null });
        this.log.info({ mode: frame.body.mode, storeId: frame.body.storeId }, 'sync session open');
        this.scheduleHeartbeat();
        this.pump();
        return;
      }
      case 'snapshotChunk':
        this.options.store.applySnapshotChunk(frame.body);
        if (frame.body.entity === 'members') this.noteMemberRecords(frame.body.items.map((m) => m.memberId));
        return;
      case 'delta': {
        const versionBefore = this.options.store.activeRuleSet()?.version ?? null;
        this.options.store.applyDelta(frame.body);
        // Tell the gateway at once which rule set now runs here (HQ watches a publish reach its tills).
        if ((this.options.store.activeRuleSet()?.version ?? null) !== versionBefore) this.sendPing();
        for (const c of frame.body.changes) {
          if (c.op === 'upsert' && c.change.entity === 'members') this.noteMemberRecords(c.change.items.map((m) => m.memberId));
        }
        return;
      }
      case 'ack': {
        const ids = frame.body.acks.map((a) => a.eventId);
        // Folded before the outbox rows go: a crash in between counts the effect twice until the
        // next snapshot (a lower balance, refused rather than overspent), never zero times.
        this.foldApplied(frame.body.acks.filter((a) => a.outcome === 'applied' && !this.maybeInRecord.has(a.eventId)).map((a) => a.eventId));
        this.options.store.journal.ack(ids);
        for (const id of ids) {
          this.sentEffects.delete(id);
          this.maybeInRecord.delete(id);
        }
        for (const id of ids) this.inFlight.delete(id);
        const pending = this.options.store.journal.outboxSize();
        this.setStatus({ pending, lastAckAt: new Date(this.clock()).toISOString() });
        if (pending === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
        this.pump();
        return;
      }
      case 'error': {
        const { code, message, eventId, fatal } = frame.body;
        this.log.warn({ code, msg: message, eventId }, 'gateway refused');
        this.setStatus({ lastError: `${code}: ${message}` });
        if (code === 'TERMINAL_REVOKED' || code === 'UNKNOWN_TERMINAL') {
          this.setStatus({ state: 'revoked' });
          this.running = false;
          this.socket?.close();
          return;
        }
        if (eventId) {
          this.inFlight.delete(eventId);
          this.parked.add(eventId);
        }
        if (fatal) this.socket?.close();
        return;
      }
      case 'ping':
        this.send('pong', { nonce: frame.body.nonce });
        return;
      case 'pong':
        return;
      default:
        this.log.warn({ type: frame.type }, 'unexpected frame type from the gateway');
    }
  }

  /**
   * A member record that arrives after an event for that member was sent may have been read after
   * the gateway applied the event; then folding the event again would count it twice. Such events
   * are not folded at their ack; if the record predates the event, the change the event itself
   * causes brings a newer record (live push) or the next session's snapshot does.
   */
  private noteMemberRecords(memberIds: readonly string[]): void {
    if (this.sentEffects.size === 0) return;
    const arrived = new Set(memberIds);
    for (const [eventId, { memberId }] of this.sentEffects) if (memberId && arrived.has(memberId)) this.maybeInRecord.add(eventId);
  }

  /** Moves the effect of just-applied events from the outbox sum into the cached member records. */
  private foldApplied(eventIds: readonly string[]): void {
    const store = this.options.store;
    const cursor = store.cursor();
    if (eventIds.length === 0 || cursor === null) return;
    // Effects of events sent on this connection are known; others (sent before a restart) are read back.
    const effects: MemberEffect[] = [];
    const wanted = new Set<string>();
    for (const id of eventIds) {
      const effect = this.sentEffects.get(id);
      if (effect) effects.push(effect);
      else wanted.add(id);
    }
    if (wanted.size > 0) {
      // Acked events are among the oldest in the outbox: the in-flight and parked ones come first.
      const limit = Math.min(store.journal.outboxSize(), this.inFlight.size + this.parked.size + eventIds.length + this.inFlightLimit);
      for (const e of store.journal.pendingOutbox(limit)) if (wanted.has(e.eventId)) effects.push(effectOf(e.type, e.body));
    }
    const updated = [];
    for (const [memberId, effect] of effectsByMember(effects)) {
      const cached = store.members.member(memberId);
      if (cached) updated.push(withAckedEffect(cached, effect));
    }
    if (updated.length > 0) store.applyDelta({ cursor, changes: [{ op: 'upsert', change: { entity: 'members', items: updated } }] });
  }

  private scheduleHeartbeat(): void {
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = setTimeout(() => {
      const silentMs = this.clock() - this.lastReceivedAt;
      if (silentMs > this.heartbeatIntervalMs * this.options.deadPeerFactor) {
        this.log.warn({ silentMs }, 'gateway silent; dropping the connection');
        this.socket?.terminate();
        return;
      }
      this.sendPing();
      this.resendOverdue();
      // A commit nobody announced with notifyOutbox still leaves within one heartbeat.
      this.pump();
      this.scheduleHeartbeat();
    }, this.heartbeatIntervalMs);
  }

  private sendPing(): void {
    this.send('ping', {
      nonce: String(this.clock()),
      ruleSetVersion: this.options.store.activeRuleSet()?.version ?? null,
      pendingEvents: this.options.store.journal.outboxSize(),
    });
  }

  /** Frames unacked for longer than ackTimeoutMs are sent again (same eventId, new frame). */
  private resendOverdue(): void {
    const now = this.clock();
    let overdue = 0;
    for (const [eventId, sentAt] of this.inFlight) {
      if (now - sentAt >= this.options.ackTimeoutMs) {
        this.inFlight.delete(eventId);
        overdue += 1;
      }
    }
    if (overdue > 0) {
      this.sentThrough = 0;
      this.log.info({ overdue }, 'resending unacked events');
      this.pump();
    }
  }

  /** Sends the oldest outbox events that are not in flight, up to the in-flight limit. */
  private pump(): void {
    if (!this.welcomed || this.pumping) return;
    this.pumping = true;
    try {
      const room = this.inFlightLimit - this.inFlight.size;
      if (room <= 0) return;
      // Past sentThrough nothing is in flight or parked, except right after a reset to 0.
      const skip = this.sentThrough === 0 ? this.inFlight.size + this.parked.size : 0;
      const candidates = this.options.store.journal.pendingOutboxAfter(this.sentThrough, skip + room);
      const toSend = candidates.filter((e) => !this.inFlight.has(e.eventId) && !this.parked.has(e.eventId)).slice(0, room);
      if (toSend.length === 0) return;
      const now = this.clock();
      const sent: string[] = [];
      for (const event of toSend) {
        if (!this.send(event.type, event.body as never)) break;
        this.inFlight.set(event.eventId, now);
        this.sentThrough = Math.max(this.sentThrough, event.position);
        if (!this.sentEffects.has(event.eventId)) this.sentEffects.set(event.eventId, effectOf(event.type, event.body));
        sent.push(event.eventId);
      }
      if (sent.length > 0) this.options.store.journal.recordAttempt(sent, new Date(now).toISOString());
    } finally {
      this.pumping = false;
    }
  }
}
