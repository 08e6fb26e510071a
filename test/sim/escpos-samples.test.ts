// Third-party ESC/POS streams (escpos-php, ESC-POS-.NET; see ../shared/data/SOURCES.md) decode
// without problems, and receipt-with-logo gives exactly the text esc2text documents for it.
import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { decodeEscPos, receiptToText, renderReceiptPng } from '../../hardware-sim/src/escpos/index.js';
import { readSharedData } from './shared-data.js';

const allSamples = [
  'escpos-php/demo.bin', 'escpos-php/barcode.bin', 'escpos-php/qr-code.bin', 'escpos-php/receipt-with-logo.bin',
  'escpos-php/text-size.bin', 'escpos-php/graphics.bin', 'escpos-php/margins-and-spacing.bin',
  'escpos-php/unifont-print-buffer.bin', 'esc-pos-net/output-juliogamasso.bin',
];

/** The example output block of esc2text.md (the lines between the command line and the closing fence). */
function esc2textExpected(): string {
  const doc = readSharedData('escpos-tools/esc2text.md').toString('utf8');
  const start = doc.indexOf('$ php esc2text.php receipt-with-logo.bin\n');
  const body = doc.slice(start).split('\n').slice(1);
  const end = body.indexOf('```');
  return `${body.slice(0, end).join('\n')}\n`;
}

describe('third-party ESC/POS samples', () => {
  it.each(allSamples)('%s decodes with no unknown or malformed commands', (file) => {
    const decoded = decodeEscPos(readSharedData(file));
    expect(decoded.receipts.length).toBeGreaterThan(0);
    expect(decoded.receipts.flatMap((r) => r.problems)).toEqual([]);
  });

  it('receipt-with-logo.bin gives exactly the text esc2text prints for it', () => {
    const [receipt, ...rest] = decodeEscPos(readSharedData('escpos-php/receipt-with-logo.bin')).receipts;
    expect(rest).toEqual([]);
    expect(receiptToText(receipt!)).toBe(esc2textExpected());
    expect(receiptToText(receipt!).split('\n')[0]).toBe('ExampleMart Ltd.');
    // The logo is a 300×236 GS ( L graphic, centred; GS V A 3 is "feed and full cut".
    const image = receipt!.blocks[0];
    expect(image).toMatchObject({ kind: 'image', source: 'graphics', align: 'center', image: { widthDots: 300, heightDots: 236 } });
    expect(receipt!.cut).toBe('full');
  });

  it('receipt-with-logo.bin keeps the styles esc2text drops', () => {
    const [receipt] = decodeEscPos(readSharedData('escpos-php/receipt-with-logo.bin')).receipts;
    const lines = receipt!.blocks.filter((b) => b.kind === 'text');
    const total = lines.find((b) => b.runs.some((r) => r.text.startsWith('Total')));
    expect(total?.runs[0]?.style).toMatchObject({ widthTimes: 2, heightTimes: 1, bold: false });
    const subtotal = lines.find((b) => b.runs.some((r) => r.text.startsWith('Subtotal')));
    expect(subtotal?.runs[0]?.style.bold).toBe(true);
  });

  it('text-size.bin decodes every size and its text', () => {
    const [receipt] = decodeEscPos(readSharedData('escpos-php/text-size.bin')).receipts;
    expect(receiptToText(receipt!)).toBe([
      '', 'Change height & width', '12345678', '', 'Change width only (height=4):', '12345678', '',
      'Change height only (width=4):', '12345678', '', 'Very narrow text:', 'The quick brown fox jumps over the lazy dog.', '',
      'Very wide text:', 'Hello world!', '', 'Largest possible text:', 'Hello', 'world!', '',
    ].join('\n'));
    const sizes = receipt!.blocks.flatMap((b) => (b.kind === 'text' ? b.runs : []))
      .filter((r) => /^[1-8]$/.test(r.text)).map((r) => `${r.style.widthTimes}x${r.style.heightTimes}`);
    expect(sizes.slice(0, 8)).toEqual(['1x1', '2x2', '3x3', '4x4', '5x5', '6x6', '7x7', '8x8']);
    expect(sizes.slice(8, 16)).toEqual(['1x4', '2x4', '3x4', '4x4', '5x4', '6x4', '7x4', '8x4']);
  });

  it('margins-and-spacing.bin sets GS L margins and GS W print widths per line', () => {
    const [receipt] = decodeEscPos(readSharedData('escpos-php/margins-and-spacing.bin')).receipts;
    const layout = receipt!.blocks.flatMap((b) => (b.kind === 'text' ? [[b.runs.map((r) => r.text).join(''), b.leftMarginDots, b.printAreaDots, b.align]] : []));
    expect(layout).toContainEqual(['left margin 64', 64, 576, 'left']);
    expect(layout).toContainEqual(['left margin 512', 512, 576, 'left']);
    expect(layout).toContainEqual(['page width 128', 0, 128, 'right']);
    expect(layout.at(-1)).toEqual(['page width 64', 0, 64, 'right']);
  });

  it('qr-code.bin stores and prints each QR with its data and module size', () => {
    const [receipt] = decodeEscPos(readSharedData('escpos-php/qr-code.bin')).receipts;
    const qrs = receipt!.blocks.filter((b) => b.kind === 'qr');
    expect(qrs.slice(0, 3).map((q) => q.data)).toEqual(['Testing 123', 'Testing 123', '0123456789012345678901234567890123456789']);
    expect(qrs[1]?.align).toBe('center');
    expect(qrs.map((q) => q.errorCorrection).slice(5, 9)).toEqual(['L', 'M', 'Q', 'H']);
    expect(qrs.map((q) => q.moduleDots)).toContain(16);
  });

  it('barcode.bin prints CODE39 ABC with each height and width it sets', () => {
    const [receipt] = decodeEscPos(readSharedData('escpos-php/barcode.bin')).receipts;
    const barcodes = receipt!.blocks.filter((b) => b.kind === 'barcode');
    expect(barcodes.slice(0, 7).map((b) => [b.system, b.data, b.heightDots])).toEqual([
      ['CODE39', 'ABC', 162], ['CODE39', 'ABC', 1], ['CODE39', 'ABC', 2], ['CODE39', 'ABC', 4],
      ['CODE39', 'ABC', 8], ['CODE39', 'ABC', 16], ['CODE39', 'ABC', 32],
    ]);
    expect(barcodes.slice(7, 15).map((b) => b.moduleDots)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(barcodes.filter((b) => b.system === 'EAN13').length).toBeGreaterThan(0);
  });

  it('output-juliogamasso.bin (ESC-POS-.NET) is one 240×164 raster and a partial cut', async () => {
    const [receipt, ...rest] = decodeEscPos(readSharedData('esc-pos-net/output-juliogamasso.bin')).receipts;
    expect(rest).toEqual([]);
    // ESC d 5 ends the (empty) line and feeds four more.
    expect(receipt!.blocks.map((b) => b.kind)).toEqual(['image', 'text', 'feed']);
    expect(receipt!.blocks[2]).toEqual({ kind: 'feed', dots: 4 * 30 });
    expect(receipt!.blocks[0]).toMatchObject({ source: 'raster', image: { widthDots: 240, heightDots: 164 } });
    expect(receipt!.cut).toBe('partial');
    const png = PNG.sync.read(await renderReceiptPng(receipt!));
    expect(png.width).toBe(608);
  });

  it('renders every receipt of demo.bin to a PNG', async () => {
    const { receipts } = decodeEscPos(readSharedData('escpos-php/demo.bin'));
    expect(receipts.length).toBe(14);
    for (const receipt of receipts) {
      const png = PNG.sync.read(await renderReceiptPng(receipt));
      expect(png.width).toBe(608);
    }
  });
});
