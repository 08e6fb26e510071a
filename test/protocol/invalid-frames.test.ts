// 1,000 random invalid frames: each yields a typed ProtocolError and none throws.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ErrorCode,
  MESSAGE_TYPES,
  MESSAGES,
  ProtocolError,
  canonicalJson,
  encodeFrame,
  openFrame,
  signFrame,
  type MessageType,
} from '@pos/protocol';
import { EXAMPLES, TERMINAL_ID } from './message-examples.js';

const SECRET = 'fuzz-secret';
const key = () => ({ secret: SECRET, lastSeq: 0 });

function validWire(type: MessageType): string {
  return encodeFrame(
    signFrame({ type, id: '01JD00000000000000000FR001', terminalId: TERMINAL_ID, seq: 3, sentAt: '2026-11-25T08:00:00.000Z', body: EXAMPLES[type] }, SECRET),
  );
}

function sameJson(a: string, b: string): boolean {
  try {
    return canonicalJson(JSON.parse(a)) === canonicalJson(JSON.parse(b));
  } catch {
    return false;
  }
}

function senderOf(type: MessageType): 'terminal' | 'gateway' {
  return MESSAGES[type].from === 'gateway' ? 'gateway' : 'terminal';
}

function expectTypedRefusal(input: unknown, sender: 'terminal' | 'gateway'): void {
  let result: ReturnType<typeof openFrame> | undefined;
  expect(() => {
    result = openFrame(input, sender, key);
  }).not.toThrow();
  expect(result!.ok).toBe(false);
  if (result!.ok) return;
  expect(result!.error).toBeInstanceOf(ProtocolError);
  expect(ErrorCode.options).toContain(result!.error.code);
}

/** Paths to every leaf and object inside a JSON value. */
function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
}

function setAt(root: unknown, path: string[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(root) as Record<string, unknown>;
  let node = copy;
  for (const step of path.slice(0, -1)) node = node[step] as Record<string, unknown>;
  node[path[path.length - 1]!] = replacement;
  return copy;
}

describe('random invalid frames', () => {
  it('arbitrary strings and JSON values are refused with a typed error', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue(), fc.anything()), fc.constantFrom('terminal', 'gateway' as const), (input, sender) => {
        expectTypedRefusal(input, sender);
      }),
      { numRuns: 400, seed: 20261125 },
    );
  });

  it('valid frames with one value replaced (not re-signed) are refused with a typed error', () => {
    const framesArb = fc.constantFrom(...MESSAGE_TYPES).chain((type) => {
      const frame = JSON.parse(validWire(type)) as unknown;
      const paths = pathsOf(frame).filter((p) => p.length > 0);
      return fc.tuple(fc.constant(type), fc.constant(frame), fc.constantFrom(...paths), fc.jsonValue());
    });
    fc.assert(
      fc.property(framesArb, ([type, frame, path, replacement]) => {
        const original = path.reduce<unknown>((node, step) => (node as Record<string, unknown>)[step], frame);
        fc.pre(JSON.stringify(original) !== JSON.stringify(replacement));
        expectTypedRefusal(JSON.stringify(setAt(frame, path, replacement)), senderOf(type));
      }),
      { numRuns: 400, seed: 42 },
    );
  });

  it('valid frames with random bytes spliced in are refused with a typed error', () => {
    const arb = fc.tuple(fc.constantFrom(...MESSAGE_TYPES), fc.nat(), fc.string({ minLength: 1, maxLength: 8 }));
    fc.assert(
      fc.property(arb, ([type, at, noise]) => {
        const wire = validWire(type);
        const position = at % wire.length;
        const spliced = wire.slice(0, position) + noise + wire.slice(position);
        // Whitespace between tokens leaves the same frame, which is rightly accepted.
        fc.pre(!sameJson(spliced, wire));
        expectTypedRefusal(spliced, senderOf(type));
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
