// The decoder never throws, whatever arrives: 10,000 random byte streams (seeded), plus streams
// built from real command introducers so the parser's deeper branches are reached.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeEscPos, EscPosStream, ReceiptBuilder, receiptToText, renderReceiptPng } from '../../hardware-sim/src/escpos/index.js';

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

  it('renders 60 receipts made of random commands to PNG without throwing, and clips images to the paper', async () => {
    const piece = fc.oneof(
      fc.constantFrom(...introducers).map((a) => Uint8Array.from(a)),
      fc.uint8Array({ minLength: 1, maxLength: 12 }),
      // A huge raster header (1024 bytes × 4095 rows, quadruple size) with a little data behind it.
      fc.constant(Uint8Array.of(0x1d, 0x76, 0x30, 3, 0, 4, 0xff, 0x0f, 0xff, 0xff)),
    );
    const samples = fc.sample(fc.array(piece, { maxLength: 40 }), { numRuns: 60, seed: 11 });
    for (const pieces of samples) {
      const bytes = Uint8Array.from(pieces.flatMap((p) => [...p]));
      for (const receipt of decodeEscPos(bytes).receipts) {
        const png = await renderReceiptPng(receipt);
        expect(png.readUInt32BE(16)).toBe(608);
      }
    }
    // A complete 8192-dot wide raster prints clipped to the 576-dot head.
    const wide = Uint8Array.from([0x1d, 0x76, 0x30, 1, 0, 4, 2, 0, ...new Uint8Array(2048).fill(0xff)]);
    const [receipt] = decodeEscPos(wide).receipts;
    expect(receipt!.blocks[0]).toMatchObject({ kind: 'image', scaleX: 2, image: { widthDots: 8192, heightDots: 2 } });
    expect((await renderReceiptPng(receipt!)).readUInt32BE(16)).toBe(608);
  });
});
