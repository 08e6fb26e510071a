// The versioned, signed envelope around every frame, and the checks that open one.
//
// Guarantees: a frame that `openFrame` accepts was signed with the terminal's secret,
// carries a seq greater than any accepted before, and has a body valid for its type.
// Checks run in this fixed order and the first failure wins:
//   1 FRAME_TOO_LARGE  2 BAD_JSON  3 UNSUPPORTED_VERSION  4 SCHEMA_VIOLATION (envelope)
//   5 UNKNOWN_TYPE  6 WRONG_DIRECTION  7 UNKNOWN_TERMINAL / TERMINAL_REVOKED
//   8 BAD_SIGNATURE  9 REPLAYED_SEQ  10 SCHEMA_VIOLATION (body)
// Verification never changes state: the caller records the new seq only after it
// has accepted (and, for events, durably applied) the frame.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';
import { TerminalId, Ulid } from './ids.js';
import { type BodyOf, MESSAGES, type MessageType, type Sender, isMessageType } from './messages/index.js';
import { ProtocolError } from './protocol-error.js';
import { IsoTimestamp } from './time.js';

export const PROTOCOL_MAJOR = 1;
export const PROTOCOL_MINOR = 0;
export const PROTOCOL_VERSION = `${PROTOCOL_MAJOR}.${PROTOCOL_MINOR}`;

/** Largest frame either side accepts, as UTF-8 bytes. Snapshot chunks are sized to fit. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

const VERSION_PATTERN = /^(\d{1,4})\.(\d{1,4})$/;

export const EnvelopeShape = z.object({
  v: z.string().regex(VERSION_PATTERN, 'expected "major.minor"'),
  type: z.string().min(1).max(64),
  id: Ulid,
  terminalId: TerminalId,
  /** Per-sender, strictly increasing; gaps are allowed (dropped frames), repeats are not. */
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  sentAt: IsoTimestamp,
  body: z.unknown(),
  sig: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex characters'),
});
type EnvelopeShape = z.infer<typeof EnvelopeShape>;

/** A frame whose envelope and body have been checked. */
export type Frame<T extends MessageType = MessageType> = {
  [K in T]: Omit<EnvelopeShape, 'type' | 'body'> & { type: K; body: BodyOf<K> };
}[T];

/** An envelope that passed steps 1–6 and awaits its key. */
export interface ParsedEnvelope {
  envelope: EnvelopeShape & { type: MessageType };
  /** The object as received, unknown fields included: the signature covers all of it. */
  raw: Record<string, unknown>;
  /** The text it was parsed from, when it came as text: lets verification hash the bytes as received. */
  text?: string;
}

export type FrameResult<T> = { ok: true; value: T } | { ok: false; error: ProtocolError };

export interface UnsignedFrame<T extends MessageType> {
  type: T;
  id: string;
  terminalId: string;
  seq: number;
  sentAt: string;
  body: BodyOf<T>;
}

function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}

/** Signs a frame: HMAC-SHA256 with the terminal's secret over the canonical JSON of the envelope without `sig`. */
export function signFrame<T extends MessageType>(frame: UnsignedFrame<T>, secret: string): Frame<T> {
  const unsigned = { v: PROTOCOL_VERSION, ...frame };
  const sig = hmacHex(secret, canonicalJson(unsigned));
  return { ...unsigned, sig } as Frame<T>;
}

/** Serialises a signed frame for the wire. */
export function encodeFrame(frame: Frame): string {
  return JSON.stringify(frame);
}

/**
 * A body whose canonical JSON is computed once, to be signed for many terminals: the change feed
 * sends one delta to every terminal of a merchant, each under its own key.
 */
export interface PreparedBody<T extends MessageType = MessageType> {
  readonly type: T;
  readonly body: BodyOf<T>;
  readonly canonical: string;
}

export function prepareBody<T extends MessageType>(type: T, body: BodyOf<T>): PreparedBody<T> {
  return { type, body, canonical: canonicalJson(body) };
}

const SIG_SUFFIX = /,"sig":"([0-9a-f]{64})"\}$/;
const CANONICAL_PREFIX = '{"body":';

/**
 * The canonical JSON of the unsigned envelope, assembled around an already canonical body. Keys in
 * RFC 8785 order: body, id, sentAt, seq, terminalId, type, v (strings and safe integers serialise as
 * JSON.stringify does).
 */
function canonicalEnvelope(header: Omit<UnsignedFrame<MessageType>, 'body'>, canonicalBody: string): string {
  if (!Number.isSafeInteger(header.seq)) throw new RangeError(`seq must be a safe integer, got ${header.seq}`);
  const s = JSON.stringify;
  return `${CANONICAL_PREFIX}${canonicalBody},"id":${s(header.id)},"sentAt":${s(header.sentAt)},"seq":${header.seq},"terminalId":${s(header.terminalId)},"type":${s(header.type)},"v":${s(PROTOCOL_VERSION)}}`;
}

/**
 * Signs and serialises in one step. The wire text is the signed canonical text itself with `sig`
 * appended, so a receiver can authenticate the bytes it got without re-canonicalising the parsed
 * object (see verifyEnvelope), and a prepared body is canonicalised once for any number of keys.
 * The signature is the same as signFrame's for the same frame.
 */
export function signAndEncodeFrame<T extends MessageType>(
  header: Omit<UnsignedFrame<T>, 'body'>,
  body: BodyOf<T> | PreparedBody<T>,
  secret: string,
): string {
  const canonicalBody = isPreparedBody(body, header.type) ? body.canonical : canonicalJson(body);
  const canonical = canonicalEnvelope(header, canonicalBody);
  return `${canonical.slice(0, -1)},"sig":"${hmacHex(secret, canonical)}"}`;
}

function isPreparedBody<T extends MessageType>(body: BodyOf<T> | PreparedBody<T>, type: T): body is PreparedBody<T> {
  if (typeof body !== 'object' || body === null || !('canonical' in body) || !('body' in body)) return false;
  const prepared = body as PreparedBody<T>;
  if (prepared.type !== type) throw new TypeError(`a body prepared for "${prepared.type}" cannot be sent as "${type}"`);
  return typeof prepared.canonical === 'string';
}

/**
 * True when `text` is a canonical envelope with the signature appended (what signAndEncodeFrame
 * writes) and the HMAC of those exact bytes matches. Sound because a signer only ever signs the
 * canonical text of an object without `sig`: bytes that carry a valid HMAC parse to the object that
 * was signed. Any other text falls back to canonicalising the parsed object.
 */
function signedTextMatches(text: string, secret: string, received: Buffer): boolean {
  if (!text.startsWith(CANONICAL_PREFIX)) return false;
  const suffix = SIG_SUFFIX.exec(text.slice(-80));
  if (!suffix) return false;
  const signed = `${text.slice(0, text.length - suffix[0].length)}}`;
  const expected = Buffer.from(hmacHex(secret, signed), 'hex');
  return expected.length === received.length && timingSafeEqual(expected, received);
}

function fieldPath(path: ReadonlyArray<PropertyKey>, prefix?: string): string {
  const parts = path.map((p) => String(p));
  return (prefix ? [prefix, ...parts] : parts).join('.') || '(root)';
}

function schemaError(error: z.ZodError, prefix: string | undefined, refId?: string): ProtocolError {
  const issue = error.issues[0]!;
  const field = fieldPath(issue.path, prefix);
  return new ProtocolError('SCHEMA_VIOLATION', `${field}: ${issue.message}`, {
    field,
    ...(refId ? { refId } : {}),
  });
}

function fail<T>(error: ProtocolError): FrameResult<T> {
  return { ok: false, error };
}

/** Steps 1–6: size, JSON, version, envelope shape, known type, allowed sender. */
export function parseEnvelope(input: string | unknown, sender: Sender): FrameResult<ParsedEnvelope> {
  let raw: unknown = input;
  if (typeof input === 'string') {
    if (Buffer.byteLength(input, 'utf8') > MAX_FRAME_BYTES) {
      return fail(new ProtocolError('FRAME_TOO_LARGE', `frame exceeds ${MAX_FRAME_BYTES} bytes`));
    }
    try {
      raw = JSON.parse(input);
    } catch {
      return fail(new ProtocolError('BAD_JSON', 'frame is not valid JSON'));
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail(new ProtocolError('BAD_JSON', 'frame is not a JSON object'));
  }
  const record = raw as Record<string, unknown>;
  const version = typeof record.v === 'string' ? VERSION_PATTERN.exec(record.v) : null;
  if (version && Number(version[1]) !== PROTOCOL_MAJOR) {
    return fail(
      new ProtocolError(
        'UNSUPPORTED_VERSION',
        `protocol version ${record.v} is not supported; this side speaks ${PROTOCOL_VERSION}`,
        { supportedVersion: PROTOCOL_VERSION, receivedVersion: String(record.v) },
      ),
    );
  }
  const shape = EnvelopeShape.safeParse(record);
  if (!shape.success) return fail(schemaError(shape.error, undefined));
  const envelope = shape.data;
  if (!isMessageType(envelope.type)) {
    return fail(new ProtocolError('UNKNOWN_TYPE', `unknown message type "${envelope.type}"`, { refId: envelope.id }));
  }
  const from = MESSAGES[envelope.type].from;
  if (from !== 'both' && from !== sender) {
    return fail(
      new ProtocolError('WRONG_DIRECTION', `a ${sender} may not send "${envelope.type}"`, { refId: envelope.id }),
    );
  }
  return { ok: true, value: { envelope: envelope as ParsedEnvelope['envelope'], raw: record, ...(typeof input === 'string' ? { text: input } : {}) } };
}

export interface FrameKey {
  secret: string;
  /** Highest seq already accepted from this sender; 0 when none. */
  lastSeq: number;
}

/** Steps 8–10: signature, replay, body. */
export function verifyEnvelope(parsed: ParsedEnvelope, key: FrameKey): FrameResult<Frame> {
  const { envelope, raw, text } = parsed;
  const received = Buffer.from(envelope.sig, 'hex');
  if (!(text !== undefined && signedTextMatches(text, key.secret, received))) {
    const { sig: _sig, ...unsigned } = raw;
    const expected = Buffer.from(hmacHex(key.secret, canonicalJson(unsigned)), 'hex');
    if (expected.length !== received.length || !timingSafeEqual(expected, received)) {
      return fail(new ProtocolError('BAD_SIGNATURE', 'signature does not match', { refId: envelope.id }));
    }
  }
  if (envelope.seq <= key.lastSeq) {
    return fail(
      new ProtocolError('REPLAYED_SEQ', `seq ${envelope.seq} is not after the last accepted seq ${key.lastSeq}`, {
        refId: envelope.id,
      }),
    );
  }
  const body = MESSAGES[envelope.type].body.safeParse(envelope.body);
  if (!body.success) return fail(schemaError(body.error, 'body', envelope.id));
  return { ok: true, value: { ...envelope, body: body.data } as Frame };
}

/** What the receiver knows of a terminal: its key, or why it has none. */
export type KeyLookup = FrameKey | { revoked: true } | null;

/**
 * All ten steps. `keyFor` is called once, after the envelope is known to be well formed,
 * with the terminal id it names. Never throws: every refusal is a ProtocolError.
 */
export function openFrame(input: string | unknown, sender: Sender, keyFor: (terminalId: string) => KeyLookup): FrameResult<Frame> {
  const parsed = parseEnvelope(input, sender);
  if (!parsed.ok) return parsed;
  const { envelope } = parsed.value;
  const key = keyFor(envelope.terminalId);
  if (key === null) {
    return fail(new ProtocolError('UNKNOWN_TERMINAL', `terminal ${envelope.terminalId} is not enrolled`, { refId: envelope.id }));
  }
  if ('revoked' in key) {
    return fail(new ProtocolError('TERMINAL_REVOKED', `terminal ${envelope.terminalId} has been revoked`, { refId: envelope.id }));
  }
  return verifyEnvelope(parsed.value, key);
}
