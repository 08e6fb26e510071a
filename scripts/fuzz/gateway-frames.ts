// Fuzz target (a): random and mutated protocol frames at a running gateway (its own process) over
// real WebSocket connections. Invariants: every frame gets a signed `error` frame with a protocol
// code or a close with a code, never silence or an accepted frame; the gateway never answers
// INTERNAL or logs an error; it is up afterwards (HTTP and a fresh hello); no table gains or loses
// a row during the fuzz phase; the valid events sent on purpose land exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import WebSocket from 'ws';
import {
  ErrorCode,
  MESSAGES,
  MESSAGE_TYPES,
  encodeFrame,
  newId,
  openFrame,
  signFrame,
  type KeyLookup,
  type MessageType,
  type SaleCommittedBody,
} from '@pos/protocol';
import { checkLedger } from '../../gateway/src/ledger/ledger-check.js';
import { openDatabase } from '../../gateway/src/db/database.js';
import { EXAMPLES } from '../../test/protocol/message-examples.js';
import { saleDraft } from '../../test/terminal/store/fixtures/records.js';
import type { GatewayFixture } from './gateway-child.js';
import { FuzzTally, mutateBytes, oddValue, pathsOf, pickOne, randomBytes, randomInt, seededRandom, setAt, type FuzzResult } from './fuzz-result.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Generous: the machine is shared, and a stall shorter than this is not a lost answer.
const RESPONSE_TIMEOUT_MS = 15_000;
const ERROR_CODES = new Set<string>(ErrorCode.options);
const TERMINAL_TYPES = MESSAGE_TYPES.filter((t) => MESSAGES[t].from !== 'gateway');

export interface GatewayFrameOptions {
  frames: number;
  seed: number;
  /** Parallel connections (one terminal each). */
  connections?: number;
  /** Valid sale events sent on purpose before the fuzz phase (they are the replay pool). */
  validEvents?: number;
  /** Re-signed, schema-valid but mutated sale events on a live session (may apply; counted). */
  semanticEvents?: number;
  progress?: (line: string) => void;
}

type Outcome =
  | { kind: 'error'; code: string; fatal: boolean; signed: boolean; eventId?: string }
  | { kind: 'close'; code: number; reason: string }
  | { kind: 'frame'; type: string; body: unknown }
  | { kind: 'timeout' };

/** One client connection that sends a frame and collects what comes back. */
class FuzzSocket {
  private ws: WebSocket | null = null;
  private inbox: Outcome[] = [];
  private wake: (() => void) | null = null;
  closed = true;

  constructor(
    private readonly url: string,
    private readonly secrets: Map<string, string>,
  ) {}

  private async open(): Promise<void> {
    const ws = new WebSocket(this.url, { maxPayload: 64 * 1024 * 1024 });
    this.ws = ws;
    this.inbox = [];
    this.closed = false;
    ws.on('message', (data) => this.push(this.classify(data.toString())));
    ws.on('close', (code, reason) => {
      this.closed = true;
      this.push({ kind: 'close', code, reason: reason.toString() });
    });
    ws.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
  }

  private classify(text: string): Outcome {
    let frame: { type?: string; terminalId?: string; body?: { code?: string; fatal?: boolean; eventId?: string } };
    try {
      frame = JSON.parse(text);
    } catch {
      return { kind: 'frame', type: 'not-json', body: text.slice(0, 100) };
    }
    if (frame.type !== 'error') return { kind: 'frame', type: String(frame.type), body: frame.body };
    const secret = this.secrets.get(String(frame.terminalId));
    const signed = secret !== undefined && openFrame(text, 'gateway', () => ({ secret, lastSeq: 0 })).ok;
    return { kind: 'error', code: String(frame.body?.code), fatal: frame.body?.fatal === true, signed, ...(frame.body?.eventId ? { eventId: frame.body.eventId } : {}) };
  }

  private push(outcome: Outcome): void {
    this.inbox.push(outcome);
    this.wake?.();
  }

  /** The next outcome that `wanted` accepts (others are dropped), or a timeout. */
  async next(wanted: (o: Outcome) => boolean = () => true, timeoutMs = RESPONSE_TIMEOUT_MS): Promise<Outcome> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.inbox.length > 0) {
        const o = this.inbox.shift()!;
        if (wanted(o)) return o;
      }
      const left = deadline - Date.now();
      if (left <= 0) return { kind: 'timeout' };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  /** Sends one frame and returns the first answer; after a fatal error it also waits for the close. */
  async send(data: string | Uint8Array, wanted?: (o: Outcome) => boolean): Promise<Outcome> {
    if (this.closed || !this.ws) await this.open();
    this.inbox = this.inbox.filter((o) => o.kind === 'close');
    if (this.inbox.length > 0) await this.open();
    this.ws!.send(data);
    const first = await this.next(wanted);
    if (first.kind === 'error' && first.fatal) {
      const close = await this.next((o) => o.kind === 'close');
      if (close.kind === 'timeout') return { kind: 'frame', type: 'fatal error without close', body: first };
    }
    return first;
  }

  terminate(): void {
    this.ws?.terminate();
    this.closed = true;
  }
}

export async function startChild(terminals: number, dir: string): Promise<{ child: ChildProcess; fixture: GatewayFixture }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/fuzz/gateway-child.ts'), String(terminals), dir], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const fixture = await new Promise<GatewayFixture>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`gateway child exited (${code}) before it was ready`)));
    lines.once('line', (line) => resolve(JSON.parse(line) as GatewayFixture));
  });
  return { child, fixture };
}

export function rowCounts(dbPath: string): Record<string, number> {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all() as { name: string }[];
    return Object.fromEntries(tables.map(({ name }) => [name, (db.prepare(`select count(*) as n from "${name}"`).get() as { n: number }).n]));
  } finally {
    db.close();
  }
}

export function diffCounts(before: Record<string, number>, after: Record<string, number>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((n) => before[n] !== after[n]).map((n) => `${n}: ${before[n] ?? 0} → ${after[n] ?? 0}`);
}

/** Ends the gateway child (stdin closed, then SIGKILL after 10 s). */
export async function stopChild(child: ChildProcess): Promise<void> {
  child.stdin?.end();
  await new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

interface Signer {
  terminalId: string;
  secret: string;
}

function signed(type: MessageType, body: unknown, signer: Signer, seq: number, sentAtMs = Date.now()): string {
  return encodeFrame(
    signFrame({ type: type as 'hello', id: newId(sentAtMs), terminalId: signer.terminalId, seq, sentAt: new Date(sentAtMs).toISOString(), body: body as never }, signer.secret),
  );
}

export async function fuzzGatewayFrames(options: GatewayFrameOptions): Promise<FuzzResult> {
  const tally = new FuzzTally('gateway frames');
  const connections = options.connections ?? 4;
  const validEvents = options.validEvents ?? 20;
  const semanticEvents = options.semanticEvents ?? 200;
  const random = seededRandom(options.seed);
  const dir = mkdtempSync(join(tmpdir(), 'pos-fuzz-gw-'));
  const { child, fixture } = await startChild(connections, dir);
  let childExit: number | null | 'running' = 'running';
  child.once('exit', (code) => {
    childExit = code;
  });
  const secrets = new Map<string, string>([...fixture.terminals, fixture.revoked].map((t) => [t.terminalId, t.secret]));
  const wsUrl = fixture.url.replace(/^http/, 'ws') + '/v1/sync';
  const lastSeq = new Map<string, number>();
  const keyFor = (id: string): KeyLookup => {
    if (id === fixture.revoked.terminalId) return { revoked: true };
    const secret = secrets.get(id);
    return secret === undefined ? null : { secret, lastSeq: lastSeq.get(id) ?? 0 };
  };
  const stillValid = (text: string) => openFrame(text, 'terminal', keyFor).ok;
  const t0 = fixture.terminals[0]!;
  const sale = (i: number, terminalId: string): SaleCommittedBody => ({
    ...saleDraft(i, {
      storeId: fixture.storeId,
      terminalId,
      memberId: fixture.memberId,
      cardNo: fixture.cardNo,
      tenders: [{ kind: 'storedValue', amountFen: 300, principalFen: 300, bonusFen: 0, cardNo: fixture.cardNo }],
    }),
    receiptNo: `FUZZ-${i}`,
  });

  try {
    // Phase 1: a live session sends valid events on purpose (applied once, then acked duplicate),
    // and schema-valid mutated events, each applied or rejected; sync_events grows by the applied.
    const before = rowCounts(fixture.dbPath);
    const session = new FuzzSocket(wsUrl, secrets);
    let seq = 1;
    const hello = await session.send(signed('hello', { softwareVersion: 'fuzz', cursor: null, ruleSetVersion: null, pendingEvents: 0 }, t0, seq), (o) => o.kind !== 'frame' || o.type === 'welcome');
    tally.check(hello.kind === 'frame' && hello.type === 'welcome', `hello was not welcomed: ${JSON.stringify(hello)}`);
    lastSeq.set(t0.terminalId, seq);
    const replayPool: string[] = [];
    const applied = new Set<string>();
    // Live deltas (the member's balance after an applied event) are not answers to a frame.
    const notLive = (o: Outcome) => !(o.kind === 'frame' && (o.type === 'delta' || o.type === 'snapshotChunk'));
    const ackOf = (eventId: string) => (o: Outcome) =>
      o.kind === 'close' || (o.kind === 'error' && (o.eventId === undefined || o.eventId === eventId)) || (o.kind === 'frame' && o.type === 'ack' && (o.body as { acks: { eventId: string }[] }).acks.some((a) => a.eventId === eventId));
    const outcomeOf = (o: Outcome, eventId: string) => (o.kind === 'frame' && o.type === 'ack' ? (o.body as { acks: { eventId: string; outcome: string }[] }).acks.find((a) => a.eventId === eventId)!.outcome : o.kind === 'error' ? `error:${o.code}` : o.kind);
    for (let i = 0; i < validEvents; i += 1) {
      const body = sale(100_000 + i, t0.terminalId);
      seq += 1;
      const wire = signed('saleCommitted', body, t0, seq);
      replayPool.push(wire);
      const first = outcomeOf(await session.send(wire, ackOf(body.eventId)), body.eventId);
      lastSeq.set(t0.terminalId, seq);
      seq += 1;
      const again = outcomeOf(await session.send(signed('saleCommitted', body, t0, seq), ackOf(body.eventId)), body.eventId);
      lastSeq.set(t0.terminalId, seq);
      tally.check(first === 'applied' && again === 'duplicate', `valid event ${i}: ${first} then ${again}, expected applied then duplicate`);
      if (first === 'applied') applied.add(body.eventId);
      tally.count(`valid:${first}`);
      tally.count(`valid-resend:${again}`);
    }
    let semanticApplied = 0;
    for (let i = 0; i < semanticEvents; i += 1) {
      const body = sale(200_000 + i, t0.terminalId) as unknown;
      const paths = pathsOf(body).filter((p) => p.length > 0 && p[0] !== 'eventId');
      const mutated = setAt(body, pickOne(random, paths), random() < 0.5 ? oddValue(random) : fc.sample(fc.jsonValue({ maxDepth: 2 }), { numRuns: 1, seed: options.seed + i })[0]);
      seq += 1;
      const wire = signed('saleCommitted', mutated, t0, seq);
      const valid = stillValid(wire);
      const eventId = (body as SaleCommittedBody).eventId;
      const o = await session.send(wire, valid ? ackOf(eventId) : notLive);
      tally.cases += 1;
      if (valid) {
        lastSeq.set(t0.terminalId, seq);
        const outcome = outcomeOf(o, eventId);
        tally.count(`semantic:${outcome}`);
        if (outcome === 'applied') {
          semanticApplied += 1;
          applied.add(eventId);
        }
        tally.check(outcome === 'applied' || outcome === 'duplicate' || outcome === 'error:EVENT_REJECTED', `schema-valid mutated event: ${JSON.stringify(o)}`);
      } else {
        tally.count(`semantic-invalid:${o.kind === 'error' ? o.code : o.kind}`);
        tally.check(o.kind === 'error' && o.code === 'SCHEMA_VIOLATION' && !o.fatal && o.signed, `schema-invalid signed event: ${JSON.stringify(o)}`);
      }
      if (session.closed) {
        tally.fail(`the live session was closed by a mutated event: ${JSON.stringify(o)}`);
        break;
      }
    }
    session.terminate();
    await new Promise((r) => setTimeout(r, 200));
    const afterValid = rowCounts(fixture.dbPath);
    const syncDelta = (afterValid.sync_events ?? 0) - (before.sync_events ?? 0);
    tally.check(syncDelta === applied.size, `sync_events grew by ${syncDelta}, but ${applied.size} events were acked applied`);
    tally.note(`phase 1: ${validEvents} valid events applied once (+${validEvents} resends acked duplicate); ${semanticEvents} mutated re-signed events, ${semanticApplied} of them schema- and business-valid and applied; sync_events +${syncDelta}`);

    // Phase 2: the fuzz frames, spread over connections, none of which says hello.
    const signers: Signer[] = fixture.terminals;
    const bases = signers.map((signer) =>
      TERMINAL_TYPES.map((type) => ({ type, body: type === 'saleCommitted' ? sale(300_000 + randomInt(random, 1000), signer.terminalId) : (EXAMPLES as Record<string, unknown>)[type] })),
    );
    // fast-check values drawn once into pools (drawing one value per frame costs more than the frame).
    const pool = <T>(arb: fc.Arbitrary<T>, offset: number): T[] => fc.sample(arb, { numRuns: 2_000, seed: options.seed + offset });
    const strings = pool(fc.string({ unit: 'binary', maxLength: 300 }), 1);
    const jsonValues = pool(fc.jsonValue({ maxDepth: 3 }), 2);
    const typeNames = pool(fc.string({ maxLength: 70 }), 3);
    const bodies = pool(fc.jsonValue({ maxDepth: 2 }), 4);
    const categories: [name: string, weight: number, make: (k: number, i: number) => string | Uint8Array][] = [
      ['random-bytes', 10, () => randomBytes(random, 300)],
      ['random-string', 8, () => pickOne(random, strings)],
      ['random-json', 8, () => JSON.stringify(pickOne(random, jsonValues)) ?? 'null'],
      [
        'random-envelope',
        12,
        (k) =>
          JSON.stringify({
            v: random() < 0.9 ? '1.0' : pickOne(random, ['2.0', '1', '', '0.9', '99999.0']),
            type: random() < 0.8 ? pickOne(random, MESSAGE_TYPES) : pickOne(random, typeNames),
            id: random() < 0.8 ? newId(Date.now()) : String(randomInt(random, 1e9)),
            terminalId: random() < 0.8 ? signers[k]!.terminalId : newId(Date.now()),
            seq: pickOne(random, [1, 0, -1, 2 ** 53, 1.5, randomInt(random, 1e9)]),
            sentAt: random() < 0.8 ? new Date().toISOString() : 'yesterday',
            body: pickOne(random, bodies),
            sig: Array.from({ length: 64 }, () => '0123456789abcdef'[randomInt(random, 16)]).join(''),
          }),
      ],
      [
        'byte-mutated',
        20,
        (k) => {
          const base = pickOne(random, bases[k]!);
          return Buffer.from(mutateBytes(random, Buffer.from(signed(base.type, base.body, signers[k]!, 1_000_000 + randomInt(random, 1e6)))));
        },
      ],
      [
        'field-mutated',
        12,
        (k) => {
          const base = pickOne(random, bases[k]!);
          const frame = JSON.parse(signed(base.type, base.body, signers[k]!, 1_000_000 + randomInt(random, 1e6))) as unknown;
          return JSON.stringify(setAt(frame, pickOne(random, pathsOf(frame).filter((p) => p.length > 0)), oddValue(random))) ?? '';
        },
      ],
      [
        'field-mutated-resigned',
        12,
        (k) => {
          const base = pickOne(random, bases[k]!);
          const body = setAt(base.body, pickOne(random, pathsOf(base.body)), oddValue(random));
          return signed(base.type, body, signers[k]!, 1_000_000 + randomInt(random, 1e6));
        },
      ],
      ['replay', 6, () => pickOne(random, replayPool)],
      ['wrong-key', 5, (k) => { const base = pickOne(random, bases[k]!); return signed(base.type, base.body, { terminalId: signers[k]!.terminalId, secret: Buffer.from(randomBytes(random, 32)).toString('base64') }, 1_000_000 + randomInt(random, 1e6)); }],
      ['other-terminals-key', 2, (k) => { const base = pickOne(random, bases[k]!); return signed(base.type, base.body, { terminalId: signers[k]!.terminalId, secret: signers[(k + 1) % signers.length]!.secret + (signers.length === 1 ? 'x' : '') }, 1_000_000 + randomInt(random, 1e6)); }],
      ['revoked-terminal', 2, (k) => { const base = pickOne(random, bases[k]!); return signed(base.type, base.body, fixture.revoked, 1_000_000 + randomInt(random, 1e6)); }],
      ['unknown-terminal', 2, (k) => { const base = pickOne(random, bases[k]!); return signed(base.type, base.body, { terminalId: newId(Date.now()), secret: 'unknown' }, 1 + randomInt(random, 1e6)); }],
      ['old-seq', 1, (k) => { const base = pickOne(random, bases[k]!); return signed(base.type, base.body, signers[k]!, 1); }],
    ];
    const totalWeight = categories.reduce((s, c) => s + c[1], 0);
    const pick = () => {
      let r = random() * totalWeight;
      for (const c of categories) if ((r -= c[1]) < 0) return c;
      return categories[0]!;
    };
    const fuzzBefore = rowCounts(fixture.dbPath);
    const sockets = signers.map(() => new FuzzSocket(wsUrl, secrets));
    let sent = 0;
    let skipped = 0;
    const latencies: number[] = [];
    const oversized = Math.min(5, Math.floor(options.frames / 1000));
    const startedAt = Date.now();
    const judge = (category: string, o: Outcome, preview: string) => {
      const label = o.kind === 'error' ? `error:${o.code}` : o.kind === 'close' ? `close:${o.code}:${o.reason || '-'}` : o.kind === 'frame' ? `frame:${o.type}` : 'timeout';
      tally.count(`${category} → ${label}`);
      const ok =
        (o.kind === 'error' && ERROR_CODES.has(o.code) && o.code !== 'INTERNAL' && o.signed) ||
        (o.kind === 'close' && (o.code === 1008 || o.code === 1009 || o.code === 1007) && o.reason !== 'INTERNAL');
      tally.check(ok, `${category}: ${JSON.stringify(o)} for ${preview}`);
    };
    await Promise.all(
      sockets.map(async (socket, k) => {
        for (let i = 0; sent < options.frames - oversized; i += 1) {
          const category = pick();
          const data = category[2](k, k * 1_000_000 + i);
          const text = typeof data === 'string' ? data : Buffer.from(data).toString();
          if (stillValid(text)) {
            skipped += 1;
            tally.count(`${category[0]} → skipped (still a valid frame)`);
            continue;
          }
          sent += 1;
          tally.cases += 1;
          const sentAt = performance.now();
          const answer = await socket.send(data);
          latencies.push(performance.now() - sentAt);
          judge(category[0], answer, text.slice(0, 120));
          if (sent % 10_000 === 0) options.progress?.(`  gateway frames: ${sent} sent, ${Math.round((Date.now() - startedAt) / 1000)} s`);
        }
      }),
    );
    for (let i = 0; i < oversized; i += 1) {
      tally.cases += 1;
      judge('oversized (5 MiB)', await sockets[0]!.send('{"v":"1.0","pad":"' + 'x'.repeat(5 * 1024 * 1024) + '"}'), 'oversized');
    }
    for (const s of sockets) s.terminate();
    latencies.sort((x, y) => x - y);
    const pct = (p: number) => (latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0).toFixed(1);
    tally.note(`answer latency per frame (send → error frame or close, reconnects included): median ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${pct(1)} ms`);
    tally.note(`phase 2: ${sent + oversized} fuzz frames over ${sockets.length} connections in ${Math.round((Date.now() - startedAt) / 1000)} s; ${skipped} mutations that were still valid frames were not sent`);
    await new Promise((r) => setTimeout(r, 300));
    const fuzzAfter = rowCounts(fixture.dbPath);
    const changed = diffCounts(fuzzBefore, fuzzAfter);
    tally.check(changed.length === 0, `rows changed during the fuzz phase: ${changed.join(', ')}`);
    tally.note(`rows in ${Object.keys(fuzzAfter).length} tables unchanged by the fuzz phase: ${changed.length === 0 ? 'yes' : changed.join(', ')}`);

    // Phase 3: still up? HTTP answers and a fresh hello is welcomed.
    tally.check(childExit === 'running', `the gateway process exited (${childExit})`);
    const http = await fetch(fixture.url + '/openapi.json').then((r) => r.status, (e: Error) => e.message);
    tally.check(http === 200, `GET /openapi.json after the fuzz: ${http}`);
    const probe = new FuzzSocket(wsUrl, secrets);
    const t1 = fixture.terminals[1] ?? t0;
    const welcome = await probe.send(signed('hello', { softwareVersion: 'fuzz', cursor: null, ruleSetVersion: null, pendingEvents: 0 }, t1, 10_000_000), (o) => o.kind !== 'frame' || o.type === 'welcome');
    probe.terminate();
    tally.check(welcome.kind === 'frame' && welcome.type === 'welcome', `a fresh hello after the fuzz: ${JSON.stringify(welcome)}`);
    tally.note(`health after: process ${childExit === 'running' ? 'up' : 'exited'}, GET /openapi.json ${http}, fresh hello ${welcome.kind === 'frame' ? welcome.type : welcome.kind}`);
  } finally {
    await stopChild(child);
  }
  const log = readFileSync(fixture.logPath, 'utf8').split('\n').filter(Boolean);
  const errors = log.filter((l) => (JSON.parse(l) as { level: number }).level >= 50);
  tally.check(errors.length === 0, `gateway logged ${errors.length} error lines, first: ${errors[0]?.slice(0, 300)}`);
  tally.note(`gateway log: ${log.length} lines at warn or above, ${errors.length} at error or above`);
  const gdb = await openDatabase(fixture.dbPath);
  try {
    const ledger = await checkLedger(gdb, fixture.merchantId);
    tally.check(ledger.ok, `ledger check after the fuzz: ${JSON.stringify(ledger).slice(0, 500)}`);
    tally.note(`ledger check after: ${ledger.ok ? 'ok' : 'FAILED'}`);
  } finally {
    await gdb.close();
  }
  rmSync(dir, { recursive: true, force: true });
  return tally.result();
}
