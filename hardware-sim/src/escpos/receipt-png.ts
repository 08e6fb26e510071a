// Draws a receipt as a PNG the way an 80 mm, 203 dpi thermal printer would put it on paper:
// 576 dots wide, font A on a 12×24 grid (CJK 24×24), barcodes and QR codes via bwip-js.
import { createCanvas, GlobalFonts, loadImage, type Image, type SKRSContext2D } from '@napi-rs/canvas';
import bwipjs from 'bwip-js/node';
import { existsSync } from 'node:fs';
import type { Receipt, ReceiptBlock, TextRun } from './receipt-builder.js';

export const PAPER_WIDTH_DOTS = 576;
const MARGIN_DOTS = 16;
const CJK_FONT_PATH = '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc';
const FONT_FAMILY = 'WenQuanYi Zen Hei';
const MAX_HEIGHT_DOTS = 30_000;

// Skia's font registry is process-wide, so registering once per process is the natural scope.
let fontChecked = false;
function ensureFont(): void {
  if (fontChecked) return;
  fontChecked = true;
  if (existsSync(CJK_FONT_PATH)) GlobalFonts.registerFromPath(CJK_FONT_PATH, FONT_FAMILY);
}

const fontCell = (font: 'A' | 'B' | 'C'): { w: number; h: number } => (font === 'A' ? { w: 12, h: 24 } : { w: 9, h: 17 });

/** East Asian wide characters take two cells, as on a printer in kanji mode. */
export function isWide(codePoint: number): boolean {
  return (codePoint >= 0x1100 && codePoint <= 0x115f) || (codePoint >= 0x2e80 && codePoint <= 0xa4cf)
    || (codePoint >= 0xac00 && codePoint <= 0xd7a3) || (codePoint >= 0xf900 && codePoint <= 0xfaff)
    || (codePoint >= 0xfe30 && codePoint <= 0xfe4f) || (codePoint >= 0xff00 && codePoint <= 0xff60)
    || (codePoint >= 0xffe0 && codePoint <= 0xffe6) || (codePoint >= 0x20000 && codePoint <= 0x3fffd);
}

function runWidthDots(run: TextRun): number {
  const cell = fontCell(run.style.font);
  let w = 0;
  for (const ch of run.text) w += (isWide(ch.codePointAt(0) ?? 0) ? cell.w * 2 : cell.w) * run.style.widthTimes;
  return w;
}

const bwipIds: Record<string, string> = {
  'UPC-A': 'upca', 'UPC-E': 'upce', EAN13: 'ean13', EAN8: 'ean8', CODE39: 'code39', ITF: 'interleaved2of5',
  CODABAR: 'rationalizedCodabar', CODE93: 'code93', CODE128: 'code128',
};

type Prepared =
  | { block: ReceiptBlock; heightDots: number; picture?: Image; note?: string; runs?: TextRun[] };

const MAX_WRAPPED_LINES = 64;

/** Splits a line's runs where the printer wraps: at the print area's right edge, by character. */
export function wrapRuns(runs: TextRun[], areaDots: number): TextRun[][] {
  const lines: TextRun[][] = [[]];
  let used = 0;
  for (const run of runs) {
    const cell = fontCell(run.style.font);
    let piece = '';
    const flush = (): void => {
      if (piece) lines[lines.length - 1]!.push({ ...run, text: piece });
      piece = '';
    };
    for (const ch of run.glyph ? [run.text] : [...run.text]) {
      const w = (isWide(ch.codePointAt(0) ?? 0) ? cell.w * 2 : cell.w) * run.style.widthTimes;
      if (used + w > areaDots && used > 0) {
        flush();
        if (lines.length >= MAX_WRAPPED_LINES) return lines;
        lines.push([]);
        used = 0;
      }
      piece += ch;
      used += w;
    }
    flush();
  }
  return lines;
}

async function symbolPicture(block: ReceiptBlock): Promise<{ picture?: Image; note?: string }> {
  try {
    if (block.kind === 'barcode') {
      const png: Buffer = await bwipjs.toBuffer({
        bcid: bwipIds[block.system] ?? 'code128',
        text: block.data,
        scaleX: block.moduleDots,
        scaleY: 1,
        height: (block.heightDots * 25.4) / 72,
        includetext: block.hri !== 'none',
        textyalign: block.hri === 'above' ? 'above' : 'below',
      });
      return { picture: await loadImage(png) };
    }
    if (block.kind === 'qr') {
      // eclevel is a BWIPP option that bwip-js passes through but does not type.
      const options = { bcid: 'qrcode', text: block.data, scale: block.moduleDots, eclevel: block.errorCorrection };
      const png: Buffer = await bwipjs.toBuffer(options as Parameters<typeof bwipjs.toBuffer>[0]);
      return { picture: await loadImage(png) };
    }
  } catch (error) {
    // Like a printer refusing bad data, we draw a note instead of a symbol.
    return { note: `${block.kind === 'barcode' ? block.system : 'QR'} not printable: ${(error as Error).message.slice(0, 60)}` };
  }
  return {};
}

function blockX(align: 'left' | 'center' | 'right', widthDots: number, leftMarginDots = 0, printAreaDots = PAPER_WIDTH_DOTS): number {
  // GS L / GS W: the print area starts at the left margin and is at most as wide as what is left of the paper.
  const area = Math.max(0, Math.min(printAreaDots, PAPER_WIDTH_DOTS - leftMarginDots));
  if (align === 'center') return leftMarginDots + Math.max(0, Math.floor((area - widthDots) / 2));
  if (align === 'right') return leftMarginDots + Math.max(0, area - widthDots);
  return leftMarginDots;
}

/** Renders a receipt to PNG bytes. */
export async function renderReceiptPng(receipt: Receipt): Promise<Buffer> {
  ensureFont();
  const prepared: Prepared[] = [];
  for (const block of receipt.blocks) {
    switch (block.kind) {
      case 'text': {
        const areaDots = Math.min(block.printAreaDots, PAPER_WIDTH_DOTS - block.leftMarginDots);
        for (const runs of wrapRuns(block.runs, Math.max(24, areaDots))) {
          const tallest = Math.max(24, ...runs.map((r) => fontCell(r.style.font).h * r.style.heightTimes));
          prepared.push({ block, runs, heightDots: Math.max(block.lineSpacingDots, tallest + 6) });
        }
        break;
      }
      case 'image':
        prepared.push({ block, heightDots: Math.min(MAX_HEIGHT_DOTS, block.image.heightDots * block.scaleY) });
        break;
      case 'feed':
        prepared.push({ block, heightDots: block.dots });
        break;
      case 'barcode':
      case 'qr': {
        const pic = await symbolPicture(block);
        prepared.push({ block, heightDots: pic.picture ? pic.picture.height + 8 : 30, ...pic });
        break;
      }
    }
  }
  const contentHeight = prepared.reduce((sum, p) => sum + p.heightDots, 0);
  const height = Math.min(MAX_HEIGHT_DOTS, contentHeight + MARGIN_DOTS * 2 + (receipt.cut ? 12 : 0));
  const canvas = createCanvas(PAPER_WIDTH_DOTS + MARGIN_DOTS * 2, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  let y = MARGIN_DOTS;
  for (const p of prepared) {
    if (y > MAX_HEIGHT_DOTS) break;
    drawBlock(ctx, p, y);
    y += p.heightDots;
  }
  if (receipt.cut) {
    ctx.strokeStyle = '#888888';
    ctx.setLineDash(receipt.cut === 'partial' ? [6, 6] : [12, 4]);
    ctx.beginPath();
    ctx.moveTo(0, y + 6);
    ctx.lineTo(canvas.width, y + 6);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  return canvas.toBuffer('image/png');
}

function drawBlock(ctx: SKRSContext2D, p: Prepared, top: number): void {
  const block = p.block;
  switch (block.kind) {
    case 'text': {
      const runs = p.runs ?? block.runs;
      const lineWidth = runs.reduce((w, r) => w + runWidthDots(r), 0);
      let x = MARGIN_DOTS + blockX(block.align, lineWidth, block.leftMarginDots, block.printAreaDots);
      const baseline = top + p.heightDots - 6;
      for (const run of runs) x = drawRun(ctx, run, x, baseline);
      break;
    }
    case 'image': {
      // Dots beyond the paper are not printed, as on a real head; this also bounds the bitmap we allocate.
      const w = Math.min(PAPER_WIDTH_DOTS, block.image.widthDots * block.scaleX);
      const h = Math.min(MAX_HEIGHT_DOTS, block.image.heightDots * block.scaleY);
      const x0 = MARGIN_DOTS + blockX(block.align, w);
      const data = ctx.createImageData(Math.max(1, w), Math.max(1, h));
      const { bits, widthBytes } = block.image;
      for (let yy = 0; yy < h; yy++) {
        const sy = Math.floor(yy / block.scaleY);
        for (let xx = 0; xx < w; xx++) {
          const sx = Math.floor(xx / block.scaleX);
          const on = ((bits[sy * widthBytes + (sx >> 3)] ?? 0) & (0x80 >> (sx & 7))) !== 0;
          const i = (yy * w + xx) * 4;
          const v = on ? 0 : 255;
          data.data[i] = v;
          data.data[i + 1] = v;
          data.data[i + 2] = v;
          data.data[i + 3] = 255;
        }
      }
      ctx.putImageData(data, x0, top);
      break;
    }
    case 'barcode':
    case 'qr': {
      if (p.picture) {
        ctx.drawImage(p.picture, MARGIN_DOTS + blockX(block.align, p.picture.width), top + 4);
      } else if (p.note) {
        ctx.fillStyle = '#000000';
        ctx.font = `16px "${FONT_FAMILY}"`;
        ctx.textAlign = 'left';
        ctx.fillText(`[${p.note}]`, MARGIN_DOTS, top + 20);
      }
      break;
    }
    case 'feed':
      break;
  }
}

function drawRun(ctx: SKRSContext2D, run: TextRun, startX: number, baseline: number): number {
  const cell = fontCell(run.style.font);
  const { widthTimes, heightTimes } = run.style;
  const fontPx = cell.h;
  const width = runWidthDots(run);
  const height = cell.h * heightTimes;
  if (run.style.reverse) {
    ctx.fillStyle = '#000000';
    ctx.fillRect(startX, baseline - height + 4, width, height);
  }
  ctx.fillStyle = run.style.reverse ? '#ffffff' : '#000000';
  ctx.font = `${fontPx}px "${FONT_FAMILY}"`;
  ctx.textAlign = 'center';
  if (run.glyph) {
    // A user-defined character: its dot columns, scaled like any character of this size.
    const { columns, bytesPerColumn, widthDots } = run.glyph;
    const top = baseline - bytesPerColumn * 8 * heightTimes + 4;
    for (let col = 0; col < widthDots; col++) {
      for (let row = 0; row < bytesPerColumn * 8; row++) {
        const byte = columns[col * bytesPerColumn + (row >> 3)] ?? 0;
        if (byte & (0x80 >> (row & 7))) ctx.fillRect(startX + col * widthTimes, top + row * heightTimes, widthTimes, heightTimes);
      }
    }
    return startX + width;
  }
  let x = startX;
  // Upside-down mode turns the whole line: characters come out in reverse order, each rotated.
  const chars = run.style.upsideDown ? [...run.text].reverse() : [...run.text];
  for (const ch of chars) {
    // Characters past the right edge would fall off the paper; stop drawing (bounds the work too).
    if (x > PAPER_WIDTH_DOTS + MARGIN_DOTS * 2) break;
    const wide = isWide(ch.codePointAt(0) ?? 0);
    const cellW = (wide ? cell.w * 2 : cell.w) * widthTimes;
    ctx.save();
    // Each glyph is centred in its cell so proportional glyphs keep the printer's fixed pitch.
    ctx.translate(x + cellW / 2, baseline - height / 2);
    if (run.style.upsideDown) ctx.rotate(Math.PI);
    ctx.scale(widthTimes, heightTimes);
    ctx.fillText(ch, 0, cell.h / 2 - 2);
    if (run.style.bold) ctx.fillText(ch, 0.8, cell.h / 2 - 2);
    ctx.restore();
    x += cellW;
  }
  if (run.style.underline > 0) {
    ctx.fillRect(startX, baseline + 1, width, run.style.underline);
  }
  return x;
}
