// Our own receipts through the decoder: Chinese in GB18030 (FS &), styles, barcodes, QR, raster,
// bit images, cut, drawer kick; malformed commands are reported and skipped; chunking never matters.
import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { PNG } from 'pngjs';
import {
  chineseSaleReceipt, decodeEscPos, EscPosStream, ReceiptBuilder, receiptToText, renderReceiptPng, wrapRuns, type Receipt,
} from '../../hardware-sim/src/escpos/index.js';

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const bytes = (...parts: (number[] | string | Buffer)[]): Buffer =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.isBuffer(p) ? p : Buffer.from(p))));
const gb = (text: string): Buffer => iconv.encode(text, 'gb18030');

const expectedChineseText = [
  '星光便利店', 'Starlight Mart', '小票号 S0001-000001', '矿泉水 550ml      2 x 2.00    4.00',
  '面包 Bread 𠀀      1 x 6.50    6.50', '合计 Total               ¥10.50', '会员 138****0000  积分 +10',
  // The LF after GS k feeds an empty line, as on paper.
  '[barcode CODE128 S0001-000001]', '', '[QR https://pos.example/r/0001]', '', '[partial cut]', '',
].join('\n');

describe('ESC/POS decoder on our receipts', () => {
  it('decodes a GB18030 Chinese receipt to exact text, styles, barcode, QR, cut and drawer kick', () => {
    const decoded = decodeEscPos(chineseSaleReceipt());
    expect(decoded.receipts).toHaveLength(1);
    const receipt = decoded.receipts[0]!;
    expect(receipt.problems).toEqual([]);
    expect(receiptToText(receipt, { markers: true })).toBe(expectedChineseText);
    const title = receipt.blocks[0];
    expect(title).toMatchObject({ kind: 'text', align: 'center', runs: [{ text: '星光便利店', style: { widthTimes: 2, heightTimes: 2 } }] });
    const total = receipt.blocks[5];
    expect(total).toMatchObject({ kind: 'text', align: 'left', lineSpacingDots: 40, runs: [{ style: { bold: true } }] });
    expect(receipt.blocks[6]).toMatchObject({ runs: [{ style: { underline: 1, bold: false } }] });
    expect(receipt.blocks[7]).toEqual({ kind: 'barcode', system: 'CODE128', data: 'S0001-000001', heightDots: 60, moduleDots: 2, hri: 'below', align: 'center' });
    expect(receipt.blocks[9]).toEqual({ kind: 'qr', data: 'https://pos.example/r/0001', moduleDots: 6, errorCorrection: 'M', align: 'center' });
    expect(receipt.cut).toBe('partial');
    expect(decoded.drawerKicks).toEqual([{ pin: 2, onMs: 50 }]);
  });

  it('prints GB18030 bytes as code page 437 once FS . leaves kanji mode', () => {
    const [receipt] = decodeEscPos(bytes([FS, 0x26], gb('会员'), [0x0a], [FS, 0x2e], [0x82, 0x0a])).receipts;
    expect(receiptToText(receipt!)).toBe('会员\né\n');
  });

  it('switches code pages with ESC t', () => {
    const [receipt] = decodeEscPos(bytes([ESC, 0x74, 16], [0x80, 0xe9], [0x0a], [ESC, 0x74, 17], [0x8f, 0x0a])).receipts;
    expect(receiptToText(receipt!)).toBe('€é\nП\n');
  });

  it('reports unknown and malformed commands with their offsets and keeps printing', () => {
    const input = bytes('A', [0x0a], [ESC, 0x01], 'B', [0x0a], [GS, 0x56, 7], 'C', [0x0a], [0x07], 'D', [0x0a], [ESC, 0x61, 9], 'E', [0x0a]);
    const [receipt] = decodeEscPos(input).receipts;
    expect(receiptToText(receipt!)).toBe('A\nB\nC\nD\nE\n');
    expect(receipt!.problems).toEqual([
      { offset: 2, bytesHex: '1b01', reason: 'ESC 0x01 not a known command' },
      { offset: 6, bytesHex: '1d5607', reason: 'GS V mode 7 not a cut' },
      { offset: 11, bytesHex: '07', reason: 'control byte 0x07' },
      { offset: 14, bytesHex: '1b6109', reason: 'ESC a parameter 9 out of range' },
    ]);
  });

  it('reports a command cut off by the end of the stream and keeps the text after its header', () => {
    const [receipt] = decodeEscPos(bytes('ok', [0x0a], [GS, 0x76, 0x30, 0, 10, 0, 10, 0], 'tail', [0x0a])).receipts;
    expect(receipt!.problems[0]).toEqual({ offset: 3, bytesHex: '1d', reason: 'stream ended inside a command' });
    expect(receiptToText(receipt!)).toContain('tail\n');
  });

  it('decodes GS v 0 rasters and ESC * bit images bit for bit', () => {
    const raster = bytes([GS, 0x76, 0x30, 0, 2, 0, 2, 0], [0xf0, 0x0f, 0xaa, 0x55]);
    const column = bytes([ESC, 0x2a, 33, 2, 0], [0x80, 0x00, 0x01, 0xff, 0xff, 0xff], [0x0a]);
    const [receipt] = decodeEscPos(bytes(raster, column)).receipts;
    expect(receipt!.blocks[0]).toEqual({
      kind: 'image', source: 'raster', align: 'left', scaleX: 1, scaleY: 1,
      image: { widthDots: 16, heightDots: 2, widthBytes: 2, bits: new Uint8Array([0xf0, 0x0f, 0xaa, 0x55]) },
    });
    const bitImage = receipt!.blocks[1];
    expect(bitImage).toMatchObject({ kind: 'image', source: 'bit-image', scaleX: 1, scaleY: 1, image: { widthDots: 2, heightDots: 24 } });
    // Column 0 has its top and bottom dot set, column 1 is solid.
    const bits = bitImage?.kind === 'image' ? bitImage.image.bits : new Uint8Array();
    expect([...bits].map((b) => b.toString(2).padStart(8, '0').slice(0, 2))).toEqual(['11', ...Array(22).fill('01'), '11']);
  });

  it('gives the same receipt however the bytes are chunked', () => {
    const input = chineseSaleReceipt();
    const whole = decodeEscPos(input).receipts;
    const stream = new EscPosStream();
    const builder = new ReceiptBuilder();
    for (const b of input) for (const c of stream.push(Uint8Array.of(b))) builder.apply(c);
    for (const c of stream.end()) builder.apply(c);
    const byByte: Receipt[] = builder.takeReceipts();
    expect(byByte).toEqual(whole);
  });

  it('renders the Chinese receipt to a PNG with glyphs, barcode and QR drawn', async () => {
    const [receipt] = decodeEscPos(chineseSaleReceipt()).receipts;
    const png = PNG.sync.read(await renderReceiptPng(receipt!));
    expect(png.width).toBe(608);
    const darkInRows = (y0: number, y1: number): number => {
      let n = 0;
      for (let y = y0; y < y1; y++) for (let x = 0; x < png.width; x++) if ((png.data[(y * png.width + x) * 4] ?? 255) < 128) n++;
      return n;
    };
    // Title (double size, 24×2 dots) occupies the first 60 rows below the 16-dot margin.
    expect(darkInRows(16, 70)).toBeGreaterThan(800);
    // Two different CJK glyphs differ (no tofu boxes from a missing font).
    const one = PNG.sync.read(await renderReceiptPng(decodeEscPos(bytes([FS, 0x26], gb('会'), [0x0a])).receipts[0]!));
    const two = PNG.sync.read(await renderReceiptPng(decodeEscPos(bytes([FS, 0x26], gb('员'), [0x0a])).receipts[0]!));
    expect(Buffer.compare(one.data, two.data)).not.toBe(0);
    expect(png.height).toBeGreaterThan(500);
  });

  it('prints user-defined characters (ESC & + ESC % 1) as their dots', async () => {
    // Character 'A' redefined as two columns, 24 dots tall: the first solid, the second empty.
    const input = bytes([ESC, 0x26, 3, 0x41, 0x41, 2, 0xff, 0xff, 0xff, 0, 0, 0], [ESC, 0x25, 1], 'AB', [0x0a], [ESC, 0x25, 0], 'A', [0x0a]);
    const [receipt] = decodeEscPos(input).receipts;
    expect(receiptToText(receipt!)).toBe('AB\nA\n');
    const first = receipt!.blocks[0];
    expect(first?.kind === 'text' ? first.runs.map((r) => [r.text, r.glyph?.widthDots ?? null]) : []).toEqual([['A', 2], ['B', null]]);
    const png = PNG.sync.read(await renderReceiptPng(receipt!));
    const px = (x: number, y: number): number => png.data[(y * png.width + x) * 4] ?? -1;
    // Line box 30 dots from the 16-dot margin, baseline 6 above its bottom, glyph top 24 - 4 above that.
    expect([px(16, 20), px(16, 43), px(16, 44), px(17, 30), px(16, 19)]).toEqual([0, 0, 255, 255, 255]);
  });

  it('wraps a line longer than the 576-dot print area like the printer does (48 font-A cells, CJK two)', async () => {
    const [receipt] = decodeEscPos(bytes([FS, 0x26], gb(`${'x'.repeat(46)}会员卡`), [0x0a])).receipts;
    const block = receipt!.blocks[0]!;
    const lines = block.kind === 'text' ? wrapRuns(block.runs, 576) : [];
    expect(lines.map((l) => l.map((r) => r.text).join(''))).toEqual([`${'x'.repeat(46)}会`, '员卡']);
    const tall = PNG.sync.read(await renderReceiptPng(receipt!));
    const short = PNG.sync.read(await renderReceiptPng(decodeEscPos(bytes('x', [0x0a])).receipts[0]!));
    expect(tall.height - short.height).toBe(30);
  });

  it('draws raster dots exactly where the image says', async () => {
    const input = bytes([GS, 0x76, 0x30, 0, 1, 0, 2, 0], [0x80, 0x01], [GS, 0x56, 0]);
    const [receipt] = decodeEscPos(input).receipts;
    const png = PNG.sync.read(await renderReceiptPng(receipt!));
    const px = (x: number, y: number): number => png.data[(y * png.width + x) * 4] ?? -1;
    // 16-dot margin; row 0 has dot 0 set, row 1 has dot 7 set.
    expect([px(16, 16), px(17, 16), px(23, 17), px(22, 17), px(16, 17)]).toEqual([0, 255, 0, 255, 255]);
  });
});
