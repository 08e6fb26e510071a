// The signed envelope: round trips, tampering, replay, wrong keys, versions, directions, schema errors.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ErrorCode,
  MESSAGES,
  MESSAGE_TYPES,
  PROTOCOL_VERSION,
  type Frame,
  type KeyLookup,
  type MessageType,
  canonicalJson,
  encodeFrame,
  openFrame,
  signFrame,
} from '@pos/protocol';
import { EXAMPLES, TERMINAL_ID } from './message-examples.js';

const SECRET = 'terminal-secret-0123456789abcdef';
const SENT_AT = '2026-11-25T08:00:00.000Z';

function senderOf(type: MessageType): 'terminal' | 'gateway' {
  return MESSAGES[type].from === 'gateway' ? 'gateway' : 'terminal';
}

function signed<T extends MessageType>(type: T, seq = 5, body = EXAMPLES[type]): Frame<T> {
  return signFrame({ type, id: '01JD00000000000000000FR001', terminalId: TERMINAL_ID, seq, sentAt: SENT_AT, body }, SECRET);
}

const knownKey = (lastSeq = 0) => (): KeyLookup => ({ secret: SECRET, lastSeq });

describe('round trip of every message type', () => {
  it.each(MESSAGE_TYPES)('%s survives sign → encode → open unchanged', (type) => {
    const wire = encodeFrame(signed(type));
    const opened = openFrame(wire, senderOf(type), knownKey());
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    expect(opened.value.type).toBe(type);
    expect(opened.value.seq).toBe(5);
    expect(opened.value.v).toBe(PROTOCOL_VERSION);
    expect(opened.value.body).toEqual(EXAMPLES[type]);
  });

  it('covers all 15 message types of the contract', () => {
    expect([...MESSAGE_TYPES].sort()).toEqual(
      [
        'ack', 'cardEvent', 'delta', 'error', 'hello', 'memberEnrolled', 'ping', 'pong',
        'pumpTransaction', 'rechargeCommitted', 'saleCommitted', 'saleRefunded', 'shiftClosed', 'snapshotChunk', 'welcome',
      ].sort(),
    );
  });
});

describe('signature', () => {
  it('is HMAC-SHA256 over the canonical envelope without sig', () => {
    const frame = signed('ping');
    const { sig, ...unsigned } = frame;
    expect(sig).toBe(createHmac('sha256', SECRET).update(canonicalJson(unsigned)).digest('hex'));
    expect(canonicalJson(unsigned)).toBe(
      `{"body":{"nonce":"n-17"},"id":"01JD00000000000000000FR001","sentAt":"${SENT_AT}","seq":5,"terminalId":"${TERMINAL_ID}","type":"ping","v":"1.0"}`,
    );
  });

  it('does not depend on the key order the sender wrote', () => {
    const frame = signed('hello');
    const reordered = Object.fromEntries(Object.entries(frame).reverse());
    const opened = openFrame(JSON.stringify(reordered), 'terminal', knownKey());
    expect(opened.ok).toBe(true);
  });

  it('fails when any single byte of the frame changes', () => {
    const wire = encodeFrame(signed('saleCommitted'));
    let refused = 0;
    for (let i = 0; i < wire.length; i += 1) {
      const original = wire[i]!;
      const replacement = original === 'x' ? 'y' : /[0-9]/.test(original) ? String((Number(original) + 1) % 10) : 'x';
      const tampered = wire.slice(0, i) + replacement + wire.slice(i + 1);
      const opened = openFrame(tampered, 'terminal', knownKey());
      if (!opened.ok) refused += 1;
    }
    expect(refused).toBe(wire.length);
  });

  it('a changed amount inside the body is a bad signature', () => {
    const wire = encodeFrame(signed('saleCommitted')).replace('"payableFen":2370', '"payableFen":2070');
    const opened = openFrame(wire, 'terminal', knownKey());
    expect(opened.ok).toBe(false);
    if (!opened.ok) {
      expect(opened.error.code).toBe('BAD_SIGNATURE');
      expect(opened.error.details.refId).toBe('01JD00000000000000000FR001');
    }
  });

  it('a wrong key is a bad signature', () => {
    const opened = openFrame(encodeFrame(signed('hello')), 'terminal', () => ({ secret: 'another-secret', lastSeq: 0 }));
    expect(opened.ok ? 'accepted' : opened.error.code).toBe('BAD_SIGNATURE');
  });
});

describe('replay', () => {
  it.each([
    [5, 4, 'accepted'],
    [5, 5, 'REPLAYED_SEQ'],
    [5, 9, 'REPLAYED_SEQ'],
    [9, 5, 'accepted'],
  ])('seq %i after last accepted %i → %s', (seq, lastSeq, expected) => {
    const opened = openFrame(encodeFrame(signed('saleCommitted', seq)), 'terminal', knownKey(lastSeq));
    expect(opened.ok ? 'accepted' : opened.error.code).toBe(expected);
  });
});

describe('keys', () => {
  it('an unknown terminal is refused before its signature is checked', () => {
    const opened = openFrame(encodeFrame(signed('hello')), 'terminal', () => null);
    expect(opened.ok ? 'accepted' : opened.error.code).toBe('UNKNOWN_TERMINAL');
  });
  it('a revoked terminal is refused', () => {
    const opened = openFrame(encodeFrame(signed('hello')), 'terminal', () => ({ revoked: true }));
    expect(opened.ok ? 'accepted' : opened.error.code).toBe('TERMINAL_REVOKED');
  });
  it('asks for the key of the terminal the envelope names, once', () => {
    const asked: string[] = [];
    openFrame(encodeFrame(signed('hello')), 'terminal', (id) => {
      asked.push(id);
      return { secret: SECRET, lastSeq: 0 };
    });
    expect(asked).toEqual([TERMINAL_ID]);
  });
});

describe('versions', () => {
  // The version is checked before the signature, so the edited frame need not be re-signed.
  function withVersion(v: string): string {
    return encodeFrame(signed('hello')).replace(`"v":"${PROTOCOL_VERSION}"`, `"v":"${v}"`);
  }

  it('an unknown major version is refused naming both versions', () => {
    const opened = openFrame(withVersion('2.0'), 'terminal', knownKey());
    expect(opened.ok).toBe(false);
    if (opened.ok) return;
    expect(opened.error.code).toBe('UNSUPPORTED_VERSION');
    expect(opened.error.details).toMatchObject({ supportedVersion: '1.0', receivedVersion: '2.0' });
    expect(opened.error.toErrorBody(true)).toEqual({
      code: 'UNSUPPORTED_VERSION',
      message: 'protocol version 2.0 is not supported; this side speaks 1.0',
      supportedVersion: '1.0',
      receivedVersion: '2.0',
      fatal: true,
    });
  });

  it('a newer minor version of the same major is accepted when correctly signed', () => {
    const raw = JSON.parse(encodeFrame(signed('hello'))) as Record<string, unknown>;
    raw.v = '1.7';
    delete raw.sig;
    raw.sig = createHmac('sha256', SECRET).update(canonicalJson(raw)).digest('hex');
    const opened = openFrame(JSON.stringify(raw), 'terminal', knownKey());
    expect(opened.ok).toBe(true);
  });

  it('a malformed version string is a schema violation of v', () => {
    const opened = openFrame(withVersion('one'), 'terminal', knownKey());
    expect(opened.ok ? 'accepted' : [opened.error.code, opened.error.details.field]).toEqual(['SCHEMA_VIOLATION', 'v']);
  });
});

describe('unknown fields are ignored', () => {
  it('extra envelope and body fields are covered by the signature and dropped from the typed frame', () => {
    const raw = JSON.parse(encodeFrame(signed('hello'))) as Record<string, unknown>;
    delete raw.sig;
    raw.traceId = 'abc';
    (raw.body as Record<string, unknown>).futureField = { nested: true };
    raw.sig = createHmac('sha256', SECRET).update(canonicalJson(raw)).digest('hex');
    const opened = openFrame(JSON.stringify(raw), 'terminal', knownKey());
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    expect(opened.value.body).toEqual(EXAMPLES.hello);
    expect('traceId' in opened.value).toBe(false);
  });
});

describe('direction', () => {
  it.each([
    ['ack', 'terminal'],
    ['welcome', 'terminal'],
    ['saleCommitted', 'gateway'],
    ['hello', 'gateway'],
  ] as const)('%s sent by a %s is refused', (type, sender) => {
    const opened = openFrame(encodeFrame(signed(type)), sender, knownKey());
    expect(opened.ok ? 'accepted' : opened.error.code).toBe('WRONG_DIRECTION');
  });
  it.each(['ping', 'pong', 'error'] as const)('%s may come from either side', (type) => {
    expect(openFrame(encodeFrame(signed(type)), 'terminal', knownKey()).ok).toBe(true);
    expect(openFrame(encodeFrame(signed(type)), 'gateway', knownKey()).ok).toBe(true);
  });
});

describe('schema errors name the failing field', () => {
  const sale = EXAMPLES.saleCommitted;
  it.each([
    ['a fractional quantity', { ...sale, lines: [{ ...sale.lines[0]!, quantityMilli: 1.5 }] }, 'body.lines.0.quantityMilli'],
    ['a negative tender', { ...sale, tenders: [{ kind: 'cash', amountFen: -1 }] }, 'body.tenders.0.amountFen'],
    ['an unknown tender kind', { ...sale, tenders: [{ kind: 'bitcoin', amountFen: 1 }] }, 'body.tenders.0.kind'],
    ['a missing eventId', { ...sale, eventId: undefined }, 'body.eventId'],
    ['an empty basket', { ...sale, lines: [] }, 'body.lines'],
    ['money in yuan as a float', { ...sale, totals: { ...sale.totals, payableFen: 23.7 } }, 'body.totals.payableFen'],
  ])('%s', (_label, body, field) => {
    const opened = openFrame(encodeFrame(signed('saleCommitted', 5, body as never)), 'terminal', knownKey());
    expect(opened.ok).toBe(false);
    if (opened.ok) return;
    expect(opened.error.code).toBe('SCHEMA_VIOLATION');
    expect(opened.error.details.field).toBe(field);
    expect(opened.error.message.startsWith(`${field}: `)).toBe(true);
  });

  it('envelope fields too', () => {
    const raw = JSON.parse(encodeFrame(signed('hello'))) as Record<string, unknown>;
    raw.seq = -3;
    const opened = openFrame(JSON.stringify(raw), 'terminal', knownKey());
    expect(opened.ok ? 'accepted' : [opened.error.code, opened.error.details.field]).toEqual(['SCHEMA_VIOLATION', 'seq']);
  });
});

describe('frames that are not frames', () => {
  it.each([
    ['not JSON', '{"v":', 'BAD_JSON'],
    ['a JSON array', '[1,2]', 'BAD_JSON'],
    ['a JSON string', '"hello"', 'BAD_JSON'],
    ['null', 'null', 'BAD_JSON'],
    ['an empty object', '{}', 'SCHEMA_VIOLATION'],
  ])('%s → %s', (_label, text, code) => {
    const opened = openFrame(text, 'terminal', knownKey());
    expect(opened.ok ? 'accepted' : opened.error.code).toBe(code);
  });

  it('an unknown type is named', () => {
    const frame = { ...signed('hello'), type: 'teleport' };
    const opened = openFrame(JSON.stringify(frame), 'terminal', knownKey());
    expect(opened.ok ? 'accepted' : [opened.error.code, opened.error.message]).toEqual([
      'UNKNOWN_TYPE',
      'unknown message type "teleport"',
    ]);
  });

  it('a frame over the size limit is refused before parsing', () => {
    const opened = openFrame(`{"pad":"${'x'.repeat(4 * 1024 * 1024)}"}`, 'terminal', knownKey());
    expect(opened.ok ? 'accepted' : opened.error.code).toBe('FRAME_TOO_LARGE');
  });

  it('every error code is part of the documented set', () => {
    expect(ErrorCode.options).toContain('REPLAYED_SEQ');
  });
});
