// signAndEncodeFrame: the wire text is the signed canonical text, a prepared body is signed for many
// keys, and the receiver's fast path (HMAC of the received bytes) accepts exactly what the
// canonical check accepts.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MESSAGES,
  MESSAGE_TYPES,
  type KeyLookup,
  type MessageType,
  canonicalJson,
  encodeFrame,
  openFrame,
  prepareBody,
  signAndEncodeFrame,
  signFrame,
} from '@pos/protocol';
import { EXAMPLES, TERMINAL_ID } from './message-examples.js';

const SECRET = 'terminal-secret-0123456789abcdef';
const OTHER_SECRET = 'another-terminal-secret-fedcba98';
const header = <T extends MessageType>(type: T, seq = 7) => ({ type, id: '01JD00000000000000000FR002', terminalId: TERMINAL_ID, seq, sentAt: '2026-11-25T08:00:00.000Z' });
const key = (secret = SECRET, lastSeq = 0) => (): KeyLookup => ({ secret, lastSeq });
const senderOf = (type: MessageType) => (MESSAGES[type].from === 'gateway' ? 'gateway' : 'terminal');

describe('signAndEncodeFrame', () => {
  it.each(MESSAGE_TYPES)('%s: the wire text is the canonical envelope plus sig, with the same signature as signFrame', (type) => {
    const text = signAndEncodeFrame(header(type), EXAMPLES[type], SECRET);
    const classic = signFrame({ ...header(type), body: EXAMPLES[type] }, SECRET);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(parsed).toEqual(classic);
    const { sig, ...unsigned } = parsed;
    expect(text).toBe(`${canonicalJson(unsigned).slice(0, -1)},"sig":"${sig as string}"}`);
    const opened = openFrame(text, senderOf(type), key());
    expect(opened.ok && opened.value.body).toEqual(EXAMPLES[type]);
  });

  it('a prepared body gives each key its own valid signature and the same body', () => {
    const prepared = prepareBody('delta', EXAMPLES.delta);
    const a = signAndEncodeFrame(header('delta'), prepared, SECRET);
    const b = signAndEncodeFrame(header('delta'), prepared, OTHER_SECRET);
    expect(a.slice(0, -76)).toBe(b.slice(0, -76));
    expect(a).not.toBe(b);
    expect(openFrame(a, 'gateway', key()).ok).toBe(true);
    expect(openFrame(b, 'gateway', key(OTHER_SECRET)).ok).toBe(true);
    const crossed = openFrame(a, 'gateway', key(OTHER_SECRET));
    expect(crossed.ok ? 'accepted' : crossed.error.code).toBe('BAD_SIGNATURE');
  });

  it('a body prepared for another type is refused', () => {
    const prepared = prepareBody('delta', EXAMPLES.delta);
    expect(() => signAndEncodeFrame(header('snapshotChunk'), prepared as never, SECRET)).toThrow('a body prepared for "delta" cannot be sent as "snapshotChunk"');
  });
});

describe('verifying the received text', () => {
  const text = signAndEncodeFrame(header('saleCommitted'), EXAMPLES.saleCommitted, SECRET);

  it('a changed amount is a bad signature on the fast path too', () => {
    const tampered = text.replace('"payableFen":2370', '"payableFen":2070');
    expect(tampered).not.toBe(text);
    const opened = openFrame(tampered, 'terminal', key());
    expect(opened.ok ? 'accepted' : opened.error.code).toBe('BAD_SIGNATURE');
  });

  it('a duplicate key appended before sig (the parsed object differs from the signed one) is a bad signature', () => {
    const injected = text.replace(/,"sig":/, ',"seq":99,"sig":');
    const opened = openFrame(injected, 'terminal', key());
    expect(opened.ok ? 'accepted' : opened.error.code).toBe('BAD_SIGNATURE');
  });

  it('the same frame re-encoded in another key order is still accepted (canonical check)', () => {
    const { body, sig, ...rest } = JSON.parse(text) as Record<string, unknown>;
    const reordered = encodeFrame({ ...rest, body, sig } as never);
    expect(reordered.startsWith('{"body":')).toBe(false);
    const opened = openFrame(reordered, 'terminal', key());
    expect(opened.ok && opened.value.seq).toBe(7);
  });

  it('whitespace added to a canonical text is accepted through the canonical check', () => {
    const spaced = text.replace('"body":{', '"body": {');
    const { sig, ...unsigned } = JSON.parse(spaced) as Record<string, unknown>;
    expect(sig).toBe(createHmac('sha256', SECRET).update(canonicalJson(unsigned)).digest('hex'));
    expect(openFrame(spaced, 'terminal', key()).ok).toBe(true);
  });

  it('replay is still refused after a valid fast-path signature', () => {
    const opened = openFrame(text, 'terminal', key(SECRET, 7));
    expect(opened.ok ? 'accepted' : opened.error.code).toBe('REPLAYED_SEQ');
  });
});
