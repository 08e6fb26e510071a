// The decoder never throws, whatever arrives: 10,000 random byte streams (seeded), plus streams
// built from real command introducers so the parser's deeper branches are reached.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EscPosStream, ReceiptBuilder, receiptToText } from '../../hardware-sim/src/escpos/index.js';

function decodeAll(bytes: Uint8Array, chunk: number): { commands: number; consumed: number; text: string } {
  const stream = new EscPosStream();
  const builder = new ReceiptBuilder({ kanjiByDefault: bytes.length % 2 === 0 });
  let commands = 0;
  let consumed = 0;
  for (let i = 0; i < bytes.length; i += chunk) {
    for (const c of stream.push(bytes.subarray(i, i + chunk))) {
      builder.apply(c);
      commands++;
      consumed += c.length;
    }
  }
  for (const c of stream.end()) {
    builder.apply(c);
    commands++;
    consumed += c.length;
  }
  const receipts = builder.takeReceipts();
  const tail = builder.flush();
  return { commands, consumed, text: [...receipts, ...(tail ? [tail] : [])].map((r) => receiptToText(r, { markers: true })).join('') };
}

const introducers = [
  [0x1b], [0x1d], [0x1c], [0x10, 0x04], [0x10, 0x14], [0x1d, 0x28, 0x6b], [0x1d, 0x28, 0x4c], [0x1d, 0x38, 0x4c],
  [0x1d, 0x76, 0x30], [0x1b, 0x2a], [0x1d, 0x6b], [0x1b, 0x26], [0x1c, 0x71], [0x1b, 0x44], [0x0a], [0x1c, 0x26],
];

describe('ESC/POS decoder robustness', () => {
  it('survives 10,000 random byte streams and accounts for every byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 400 }), fc.integer({ min: 1, max: 64 }), (bytes, chunk) => {
        const result = decodeAll(bytes, chunk);
        expect(result.consumed).toBe(bytes.length);
      }),
      { numRuns: 10_000, seed: 20261125 },
    );
  });

  it('survives 2,000 streams made of command introducers and random parameters', () => {
    const piece = fc.oneof(
      fc.constantFrom(...introducers).map((a) => Uint8Array.from(a)),
      fc.uint8Array({ minLength: 1, maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.integer({ min: 1, max: 7 }), (pieces, chunk) => {
        const bytes = Uint8Array.from(pieces.flatMap((p) => [...p]));
        expect(decodeAll(bytes, chunk).consumed).toBe(bytes.length);
      }),
      { numRuns: 2_000, seed: 7 },
    );
  });
});
