// Reads one ESC/POS command at a position in a byte buffer (Epson ESC/POS command reference,
// TM-T88/TM-U220 class). Returns `null` when the buffer ends inside a command, so a stream can wait
// for more bytes; anything that is not a valid command comes back as `unknown` and is skipped.
import type { BarcodeSystem, EscPosCommand, RasterBits, StatusKind } from './commands.js';

/** Largest single command we buffer (a 576-dot wide raster 8,000 rows tall is 4.6 MB). */
export const MAX_COMMAND_BYTES = 8 * 1024 * 1024;

/** A plain Uint8Array copy (Buffer#slice would alias the caller's buffer). */
export function copyBytes(buf: Uint8Array, start: number, end: number = buf.length): Uint8Array {
  return new Uint8Array(buf.subarray(start, end));
}

export interface ParseStep {
  command: EscPosCommand;
  length: number;
}

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const DLE = 0x10;

const unknown = (buf: Uint8Array, pos: number, length: number, reason: string): ParseStep => ({
  command: { type: 'unknown', bytes: copyBytes(buf, pos, pos + length), reason },
  length,
});

const ignored = (name: string, length: number): ParseStep => ({ command: { type: 'ignored', name }, length });

function underlineDots(n: number): 0 | 1 | 2 | null {
  if (n === 0 || n === 48) return 0;
  if (n === 1 || n === 49) return 1;
  if (n === 2 || n === 50) return 2;
  return null;
}

/** Printable bytes, including the upper half that code pages and GB18030 use. */
function isTextByte(b: number): boolean {
  return b >= 0x20;
}

/** Parses the command starting at `pos`; `null` means more bytes are needed. */
export function parseCommandAt(buf: Uint8Array, pos: number): ParseStep | null {
  const avail = buf.length - pos;
  const b0 = buf[pos];
  if (b0 === undefined) return null;
  const at = (i: number): number => buf[pos + i] ?? 0;
  const need = (n: number): boolean => avail >= n;

  if (isTextByte(b0)) {
    let end = pos + 1;
    while (end < buf.length && isTextByte(buf[end] ?? 0)) end++;
    return { command: { type: 'text', bytes: copyBytes(buf, pos, end) }, length: end - pos };
  }
  switch (b0) {
    case 0x0a:
      return { command: { type: 'lineFeed' }, length: 1 };
    case 0x0d:
      return { command: { type: 'carriageReturn' }, length: 1 };
    case 0x09:
      return { command: { type: 'tab' }, length: 1 };
    case 0x00:
      return ignored('NUL', 1);
    case 0x0c:
      return ignored('FF (page mode print)', 1);
    case 0x18:
      return ignored('CAN (page mode cancel)', 1);
    case DLE:
      return parseDle(buf, pos, avail, at, need);
    case ESC:
      return parseEsc(buf, pos, avail, at, need);
    case GS:
      return parseGs(buf, pos, avail, at, need);
    case FS:
      return parseFs(buf, pos, avail, at, need);
    default:
      return unknown(buf, pos, 1, `control byte 0x${b0.toString(16).padStart(2, '0')}`);
  }
}

type At = (i: number) => number;
type Need = (n: number) => boolean;

function parseDle(buf: Uint8Array, pos: number, _avail: number, at: At, need: Need): ParseStep | null {
  if (!need(2)) return null;
  const b1 = at(1);
  if (b1 === 0x04) {
    // DLE EOT n: real-time status.
    if (!need(3)) return null;
    const n = at(2);
    const kinds: Record<number, StatusKind> = { 1: 'printer', 2: 'offline-cause', 3: 'error-cause', 4: 'roll-paper' };
    const kind = kinds[n];
    if (kind) return { command: { type: 'statusRequest', kind }, length: 3 };
    if (n === 7 || n === 8) {
      if (!need(4)) return null;
      return ignored(`DLE EOT ${n} (ink/peripheral status)`, 4);
    }
    return unknown(buf, pos, 3, `DLE EOT with n=${n} out of range 1..4`);
  }
  if (b1 === 0x05) {
    if (!need(3)) return null;
    const n = at(2);
    if (n === 1 || n === 2) return { command: { type: 'errorRecovery', clearBuffers: n === 2 }, length: 3 };
    return ignored(`DLE ENQ ${n}`, 3);
  }
  if (b1 === 0x14) {
    // DLE DC4 fn …: fn=1 is the real-time drawer pulse, fn=2 power-off, fn=8 clear buffers.
    if (!need(3)) return null;
    const fn = at(2);
    if (fn === 1) {
      if (!need(5)) return null;
      const m = at(3);
      const t = at(4);
      if ((m !== 0 && m !== 1) || t < 1 || t > 8) return unknown(buf, pos, 5, 'DLE DC4 1 with m/t out of range');
      return { command: { type: 'drawerKick', pin: m === 0 ? 2 : 5, onMs: t * 100, offMs: t * 100 }, length: 5 };
    }
    if (fn === 2) {
      if (!need(5)) return null;
      return ignored('DLE DC4 2 (power off)', 5);
    }
    if (fn === 8) {
      if (!need(10)) return null;
      return { command: { type: 'errorRecovery', clearBuffers: true }, length: 10 };
    }
    return unknown(buf, pos, 3, `DLE DC4 fn=${fn} not supported`);
  }
  return unknown(buf, pos, 2, `DLE 0x${b1.toString(16)} not a real-time command`);
}

function parseEsc(buf: Uint8Array, pos: number, avail: number, at: At, need: Need): ParseStep | null {
  if (!need(2)) return null;
  const b1 = at(1);
  const one = (make: (n: number) => EscPosCommand | null, name: string): ParseStep | null => {
    if (!need(3)) return null;
    const cmd = make(at(2));
    return cmd ? { command: cmd, length: 3 } : unknown(buf, pos, 3, `${name} parameter ${at(2)} out of range`);
  };
  switch (b1) {
    case 0x40: // ESC @
      return { command: { type: 'initialize' }, length: 2 };
    case 0x21: // ESC ! n
      return one((n) => ({ type: 'printMode', mode: n }), 'ESC !');
    case 0x45: // ESC E n
      return one((n) => ({ type: 'bold', on: (n & 1) === 1 }), 'ESC E');
    case 0x47: // ESC G n
      return one((n) => ({ type: 'doubleStrike', on: (n & 1) === 1 }), 'ESC G');
    case 0x2d: // ESC - n
      return one((n) => {
        const dots = underlineDots(n);
        return dots === null ? null : { type: 'underline', dots };
      }, 'ESC -');
    case 0x61: // ESC a n
      return one((n) => {
        const align = ({ 0: 'left', 48: 'left', 1: 'center', 49: 'center', 2: 'right', 50: 'right' } as const)[n as 0];
        return align ? { type: 'align', align } : null;
      }, 'ESC a');
    case 0x32: // ESC 2
      return { command: { type: 'lineSpacing', dots: null }, length: 2 };
    case 0x33: // ESC 3 n
      return one((n) => ({ type: 'lineSpacing', dots: n }), 'ESC 3');
    case 0x20: // ESC SP n
      return one((n) => ({ type: 'rightSpacing', dots: n }), 'ESC SP');
    case 0x64: // ESC d n
      return one((n) => ({ type: 'feedLines', lines: n }), 'ESC d');
    case 0x65: // ESC e n (reverse feed)
      return one(() => ({ type: 'ignored', name: 'ESC e (reverse feed)' }), 'ESC e');
    case 0x4a: // ESC J n
      return one((n) => ({ type: 'feedDots', dots: n }), 'ESC J');
    case 0x4b: // ESC K n (reverse feed dots)
      return one(() => ({ type: 'ignored', name: 'ESC K (reverse feed)' }), 'ESC K');
    case 0x4d: // ESC M n
      return one((n) => {
        const font = ({ 0: 'A', 48: 'A', 1: 'B', 49: 'B', 2: 'C', 50: 'C' } as const)[n as 0];
        return font ? { type: 'font', font } : null;
      }, 'ESC M');
    case 0x74: // ESC t n
      return one((n) => ({ type: 'codePage', page: n }), 'ESC t');
    case 0x52: // ESC R n
      return one((n) => (n <= 17 || n === 66 || n === 75 || n === 82 ? { type: 'internationalCharset', set: n } : null), 'ESC R');
    case 0x7b: // ESC { n
      return one((n) => ({ type: 'upsideDown', on: (n & 1) === 1 }), 'ESC {');
    case 0x25: // ESC % n
      return one((n) => ({ type: 'userCharset', on: (n & 1) === 1 }), 'ESC %');
    case 0x3f: // ESC ? n (cancel user-defined char)
      return one(() => ({ type: 'ignored', name: 'ESC ? (cancel user-defined character)' }), 'ESC ?');
    case 0x3d: // ESC = n
      return one(() => ({ type: 'ignored', name: 'ESC = (select peripheral)' }), 'ESC =');
    case 0x55: // ESC U n
      return one(() => ({ type: 'ignored', name: 'ESC U (unidirectional)' }), 'ESC U');
    case 0x56: // ESC V n (90° rotation)
      return one(() => ({ type: 'ignored', name: 'ESC V (rotation)' }), 'ESC V');
    case 0x72: // ESC r n (colour)
      return one(() => ({ type: 'ignored', name: 'ESC r (colour)' }), 'ESC r');
    case 0x54: // ESC T n (page mode direction)
      return one(() => ({ type: 'ignored', name: 'ESC T (page mode direction)' }), 'ESC T');
    case 0x63: {
      // ESC c 3 n / ESC c 4 n / ESC c 5 n: paper sensors and panel buttons.
      if (!need(4)) return null;
      const sub = at(2);
      if (sub >= 0x30 && sub <= 0x35) return ignored(`ESC c ${String.fromCharCode(sub)}`, 4);
      return unknown(buf, pos, 3, `ESC c ${sub} not a command`);
    }
    case 0x4c: // ESC L: page mode
      return ignored('ESC L (page mode)', 2);
    case 0x53: // ESC S: standard mode
      return ignored('ESC S (standard mode)', 2);
    case 0x0c: // ESC FF
      return ignored('ESC FF (page mode print)', 2);
    case 0x69: // ESC i: legacy full cut
      return { command: { type: 'cut', partial: false, feedDots: 0 }, length: 2 };
    case 0x6d: // ESC m: legacy partial cut
      return { command: { type: 'cut', partial: true, feedDots: 0 }, length: 2 };
    case 0x24: // ESC $ nL nH
      if (!need(4)) return null;
      return { command: { type: 'absolutePosition', dots: at(2) + at(3) * 256 }, length: 4 };
    case 0x5c: {
      // ESC \ nL nH (signed)
      if (!need(4)) return null;
      const raw = at(2) + at(3) * 256;
      return { command: { type: 'relativePosition', dots: raw >= 0x8000 ? raw - 0x10000 : raw }, length: 4 };
    }
    case 0x57: // ESC W xL xH yL yH dxL dxH dyL dyH: page mode area
      if (!need(10)) return null;
      return ignored('ESC W (page mode area)', 10);
    case 0x70: {
      // ESC p m t1 t2: pulse on pin 2 (m=0/48) or pin 5 (m=1/49) for t1×2 ms on, t2×2 ms off.
      if (!need(5)) return null;
      const m = at(2);
      const pin = m === 0 || m === 48 ? 2 : m === 1 || m === 49 ? 5 : null;
      if (pin === null) return unknown(buf, pos, 5, `ESC p connector ${m} is not 0 or 1`);
      return { command: { type: 'drawerKick', pin, onMs: at(3) * 2, offMs: at(4) * 2 }, length: 5 };
    }
    case 0x44: {
      // ESC D n1 … nk NUL: tab stops, at most 32.
      const stops: number[] = [];
      for (let i = 2; ; i++) {
        if (!need(i + 1)) return null;
        const n = at(i);
        if (n === 0) return { command: { type: 'tabStops', columns: stops }, length: i + 1 };
        if (stops.length >= 32) return unknown(buf, pos, 2, 'ESC D with more than 32 tab stops');
        stops.push(n);
      }
    }
    case 0x26:
      return parseUserChars(buf, pos, avail, at, need);
    case 0x2a: {
      // ESC * m nL nH d…: bit image in column format (8 or 24 dots tall).
      if (!need(5)) return null;
      const m = at(2);
      const columns = at(3) + at(4) * 256;
      const rowsOfBytes = m === 0 || m === 1 ? 1 : m === 32 || m === 33 ? 3 : 0;
      if (rowsOfBytes === 0) return unknown(buf, pos, 3, `ESC * mode ${m} not 0, 1, 32 or 33`);
      if (columns === 0 || columns > 2400) return unknown(buf, pos, 5, `ESC * width ${columns} out of range`);
      const dataLength = columns * rowsOfBytes;
      if (!need(5 + dataLength)) return null;
      const image = columnsToRaster(buf.subarray(pos + 5, pos + 5 + dataLength), columns, rowsOfBytes);
      // Modes 0 and 32 are single density: each column prints two dots wide; 8-dot modes are a
      // third of the vertical density of 24-dot ones.
      const scaleX = m === 0 || m === 32 ? 2 : 1;
      const scaleY = rowsOfBytes === 1 ? 3 : 1;
      return { command: { type: 'bitImage', image, scaleX, scaleY }, length: 5 + dataLength };
    }
    case 0x28: {
      // ESC ( A / ESC ( Y …: pL pH framed functions (beeper, page mode); skipped by length.
      if (!need(5)) return null;
      const length = 5 + at(3) + at(4) * 256;
      if (!need(length)) return null;
      return ignored(`ESC ( ${String.fromCharCode(at(2))}`, length);
    }
    default:
      return unknown(buf, pos, 2, `ESC 0x${b1.toString(16).padStart(2, '0')} not a known command`);
  }
}

/** ESC & y c1 c2 [x d1…d(y×x)]…: define user characters; variable length, so walk each glyph. */
function parseUserChars(buf: Uint8Array, pos: number, _avail: number, at: At, need: Need): ParseStep | null {
  if (!need(5)) return null;
  const y = at(2);
  const first = at(3);
  const last = at(4);
  if (y < 1 || y > 3 || first < 32 || last > 126 || first > last) return unknown(buf, pos, 5, 'ESC & parameters out of range');
  let offset = 5;
  const glyphs: { code: number; widthDots: number; columns: Uint8Array }[] = [];
  for (let code = first; code <= last; code++) {
    if (!need(offset + 1)) return null;
    const x = at(offset);
    if (x > 12) return unknown(buf, pos, offset + 1, `ESC & glyph width ${x} over 12 dots`);
    const size = y * x;
    if (!need(offset + 1 + size)) return null;
    glyphs.push({ code, widthDots: x, columns: copyBytes(buf, pos + offset + 1, pos + offset + 1 + size) });
    offset += 1 + size;
  }
  return { command: { type: 'defineUserChars', bytesPerColumn: y, first, last, glyphs }, length: offset };
}

function columnsToRaster(data: Uint8Array, columns: number, rowsOfBytes: number): RasterBits {
  const heightDots = rowsOfBytes * 8;
  const widthBytes = Math.ceil(columns / 8);
  const bits = new Uint8Array(widthBytes * heightDots);
  for (let x = 0; x < columns; x++) {
    for (let r = 0; r < rowsOfBytes; r++) {
      const byte = data[x * rowsOfBytes + r] ?? 0;
      for (let bit = 0; bit < 8; bit++) {
        if (byte & (0x80 >> bit)) {
          const y = r * 8 + bit;
          const idx = y * widthBytes + (x >> 3);
          bits[idx] = (bits[idx] ?? 0) | (0x80 >> (x & 7));
        }
      }
    }
  }
  return { widthDots: columns, heightDots, widthBytes, bits };
}

const barcodeSystems: Record<number, BarcodeSystem> = {
  0: 'UPC-A', 1: 'UPC-E', 2: 'EAN13', 3: 'EAN8', 4: 'CODE39', 5: 'ITF', 6: 'CODABAR',
  65: 'UPC-A', 66: 'UPC-E', 67: 'EAN13', 68: 'EAN8', 69: 'CODE39', 70: 'ITF', 71: 'CODABAR', 72: 'CODE93', 73: 'CODE128',
};

function parseGs(buf: Uint8Array, pos: number, avail: number, at: At, need: Need): ParseStep | null {
  if (!need(2)) return null;
  const b1 = at(1);
  const one = (make: (n: number) => EscPosCommand | null, name: string): ParseStep | null => {
    if (!need(3)) return null;
    const cmd = make(at(2));
    return cmd ? { command: cmd, length: 3 } : unknown(buf, pos, 3, `${name} parameter ${at(2)} out of range`);
  };
  switch (b1) {
    case 0x21: // GS ! n
      return one((n) => {
        const w = (n >> 4) + 1;
        const h = (n & 0x0f) + 1;
        return w > 8 || h > 8 ? null : { type: 'characterSize', widthTimes: w, heightTimes: h };
      }, 'GS !');
    case 0x42: // GS B n
      return one((n) => ({ type: 'reverse', on: (n & 1) === 1 }), 'GS B');
    case 0x48: // GS H n
      return one((n) => {
        const position = ({ 0: 'none', 48: 'none', 1: 'above', 49: 'above', 2: 'below', 50: 'below', 3: 'both', 51: 'both' } as const)[n as 0];
        return position ? { type: 'hriPosition', position } : null;
      }, 'GS H');
    case 0x66: // GS f n
      return one((n) => ({ type: 'hriFont', font: n }), 'GS f');
    case 0x68: // GS h n
      return one((n) => (n >= 1 ? { type: 'barcodeHeight', dots: n } : null), 'GS h');
    case 0x77: // GS w n
      return one((n) => (n >= 1 && n <= 8 ? { type: 'barcodeWidth', module: n } : null), 'GS w');
    case 0x61: // GS a n: automatic status back
      return one(() => ({ type: 'ignored', name: 'GS a (automatic status back)' }), 'GS a');
    case 0x62: // GS b n: smoothing
      return one(() => ({ type: 'ignored', name: 'GS b (smoothing)' }), 'GS b');
    case 0x72: // GS r n
      return one((n) => {
        if (n === 1 || n === 49) return { type: 'statusRequest', kind: 'paper-sensor' };
        if (n === 2 || n === 50) return { type: 'statusRequest', kind: 'drawer' };
        return null;
      }, 'GS r');
    case 0x49: // GS I n
      return one((n) => ({ type: 'printerIdRequest', n }), 'GS I');
    case 0x2f: // GS / m: print downloaded bit image
      return one(() => ({ type: 'ignored', name: 'GS / (print downloaded bit image)' }), 'GS /');
    case 0x3a: // GS :
      return ignored('GS : (macro)', 2);
    case 0x5e: // GS ^ r t m
      if (!need(5)) return null;
      return ignored('GS ^ (run macro)', 5);
    case 0x4c: // GS L nL nH
      if (!need(4)) return null;
      return { command: { type: 'leftMargin', dots: at(2) + at(3) * 256 }, length: 4 };
    case 0x57: // GS W nL nH
      if (!need(4)) return null;
      return { command: { type: 'printAreaWidth', dots: at(2) + at(3) * 256 }, length: 4 };
    case 0x24: // GS $ / GS \ : page mode positions
    case 0x5c:
      if (!need(4)) return null;
      return ignored(`GS ${String.fromCharCode(b1)} (page mode position)`, 4);
    case 0x50: // GS P x y
      if (!need(4)) return null;
      return ignored('GS P (motion units)', 4);
    case 0x54: // GS T n
      return one(() => ({ type: 'ignored', name: 'GS T (line start)' }), 'GS T');
    case 0x56: {
      // GS V m [n]
      if (!need(3)) return null;
      const m = at(2);
      if (m === 0 || m === 48 || m === 1 || m === 49) {
        return { command: { type: 'cut', partial: m === 1 || m === 49, feedDots: 0 }, length: 3 };
      }
      if (m === 65 || m === 66 || m === 97 || m === 98 || m === 103 || m === 104) {
        if (!need(4)) return null;
        return { command: { type: 'cut', partial: m % 2 === 0, feedDots: at(3) }, length: 4 };
      }
      return unknown(buf, pos, 3, `GS V mode ${m} not a cut`);
    }
    case 0x6b:
      return parseBarcode(buf, pos, avail, at, need);
    case 0x76: {
      // GS v 0 m xL xH yL yH d…: raster bit image.
      if (!need(8)) return null;
      if (at(2) !== 0x30) return unknown(buf, pos, 3, 'GS v not followed by 0');
      const m = at(3);
      const mode = m >= 48 ? m - 48 : m;
      if (mode > 3) return unknown(buf, pos, 4, `GS v 0 mode ${m} out of range`);
      const widthBytes = at(4) + at(5) * 256;
      const heightDots = at(6) + at(7) * 256;
      if (widthBytes === 0 || heightDots === 0 || widthBytes > 1024 || heightDots > 4095) {
        return unknown(buf, pos, 8, `GS v 0 size ${widthBytes}x${heightDots} out of range`);
      }
      const dataLength = widthBytes * heightDots;
      if (!need(8 + dataLength)) return null;
      const image: RasterBits = { widthDots: widthBytes * 8, heightDots, widthBytes, bits: copyBytes(buf, pos + 8, pos + 8 + dataLength) };
      return {
        command: { type: 'raster', image, scaleX: mode & 1 ? 2 : 1, scaleY: mode & 2 ? 2 : 1 },
        length: 8 + dataLength,
      };
    }
    case 0x2a: {
      // GS * x y d…: define downloaded bit image (x×y×8 bytes).
      if (!need(4)) return null;
      const length = 4 + at(2) * at(3) * 8;
      if (!need(length)) return null;
      return ignored('GS * (define downloaded bit image)', length);
    }
    case 0x28:
      return parseGsParen(buf, pos, at, need);
    case 0x38: {
      // GS 8 L p1 p2 p3 p4 m fn …: graphics with a 32-bit length.
      if (!need(7)) return null;
      if (at(2) !== 0x4c) return unknown(buf, pos, 3, `GS 8 ${at(2)} not supported`);
      const bodyLength = at(3) + at(4) * 0x100 + at(5) * 0x10000 + at(6) * 0x1000000;
      if (bodyLength > MAX_COMMAND_BYTES) return unknown(buf, pos, 7, `GS 8 L length ${bodyLength} over the buffer limit`);
      if (!need(7 + bodyLength)) return null;
      return graphicsFunction(buf.subarray(pos + 7, pos + 7 + bodyLength), 7 + bodyLength, buf, pos);
    }
    default:
      return unknown(buf, pos, 2, `GS 0x${b1.toString(16).padStart(2, '0')} not a known command`);
  }
}

function parseBarcode(buf: Uint8Array, pos: number, _avail: number, at: At, need: Need): ParseStep | null {
  if (!need(3)) return null;
  const m = at(2);
  const system = barcodeSystems[m];
  if (!system) return unknown(buf, pos, 3, `GS k system ${m} not supported`);
  if (m <= 6) {
    // Format A: data ends with NUL (at most 255 bytes).
    for (let i = 3; ; i++) {
      if (!need(i + 1)) return i - 3 > 255 ? unknown(buf, pos, 3, 'GS k data without NUL') : null;
      if (at(i) === 0) return { command: { type: 'barcode', system, data: copyBytes(buf, pos + 3, pos + i) }, length: i + 1 };
      if (i - 3 >= 255) return unknown(buf, pos, 3, 'GS k data without NUL within 255 bytes');
    }
  }
  if (!need(4)) return null;
  const n = at(3);
  if (n === 0) return unknown(buf, pos, 4, 'GS k with empty data');
  if (!need(4 + n)) return null;
  return { command: { type: 'barcode', system, data: copyBytes(buf, pos + 4, pos + 4 + n) }, length: 4 + n };
}

/** GS ( X pL pH …: every function in this family carries its own length. */
function parseGsParen(buf: Uint8Array, pos: number, at: At, need: Need): ParseStep | null {
  if (!need(5)) return null;
  const fnLetter = at(2);
  const bodyLength = at(3) + at(4) * 256;
  const length = 5 + bodyLength;
  if (!need(length)) return null;
  const body = buf.subarray(pos + 5, pos + length);
  if (fnLetter === 0x6b) return twoDimensionalCode(body, length, buf, pos);
  if (fnLetter === 0x4c) return graphicsFunction(body, length, buf, pos);
  return ignored(`GS ( ${String.fromCharCode(fnLetter)}`, length);
}

function twoDimensionalCode(body: Uint8Array, length: number, buf: Uint8Array, pos: number): ParseStep {
  const cn = body[0];
  const fn = body[1];
  if (cn === undefined || fn === undefined) return unknown(buf, pos, length, 'GS ( k body too short');
  if (cn !== 49) return ignored(`GS ( k symbol ${cn} (not QR)`, length);
  switch (fn) {
    case 65: // model: n1 n2
      return { command: { type: 'qrModel', model: body[2] === 49 ? 1 : body[2] === 51 ? 3 : 2 }, length };
    case 67: {
      const n = body[2] ?? 0;
      if (n < 1 || n > 16) return unknown(buf, pos, length, `QR module size ${n} out of range 1..16`);
      return { command: { type: 'qrModuleSize', dots: n }, length };
    }
    case 69: {
      const level = ({ 48: 'L', 49: 'M', 50: 'Q', 51: 'H' } as const)[(body[2] ?? 0) as 48];
      if (!level) return unknown(buf, pos, length, `QR error correction ${body[2]} out of range`);
      return { command: { type: 'qrErrorCorrection', level }, length };
    }
    case 80:
      if (body.length < 3) return unknown(buf, pos, length, 'QR store without data');
      return { command: { type: 'qrStore', data: copyBytes(body, 3) }, length };
    case 81:
      return { command: { type: 'qrPrint' }, length };
    case 82:
      return ignored('GS ( k QR size information', length);
    default:
      return unknown(buf, pos, length, `GS ( k QR function ${fn} not supported`);
  }
}

/** GS ( L / GS 8 L graphics: fn 112 stores a raster image, fn 50 prints it. */
function graphicsFunction(body: Uint8Array, length: number, buf: Uint8Array, pos: number): ParseStep {
  const fn = body[1];
  if (fn === undefined) return unknown(buf, pos, length, 'graphics body too short');
  if (fn === 50 || fn === 2) return { command: { type: 'graphicsPrint' }, length };
  if (fn === 112) {
    // m fn a bx by c xL xH yL yH d…
    if (body.length < 10) return unknown(buf, pos, length, 'graphics store header too short');
    const tone = body[2] ?? 0;
    const bx = body[3] ?? 1;
    const by = body[4] ?? 1;
    const widthDots = (body[6] ?? 0) + (body[7] ?? 0) * 256;
    const heightDots = (body[8] ?? 0) + (body[9] ?? 0) * 256;
    const widthBytes = Math.ceil(widthDots / 8);
    if (tone !== 48 || widthDots === 0 || heightDots === 0 || body.length < 10 + widthBytes * heightDots) {
      return unknown(buf, pos, length, `graphics store of ${widthDots}x${heightDots} does not fit its data`);
    }
    const image: RasterBits = { widthDots, heightDots, widthBytes, bits: copyBytes(body, 10, 10 + widthBytes * heightDots) };
    return {
      command: { type: 'graphicsStore', image, scaleX: bx === 2 ? 2 : 1, scaleY: by === 2 ? 2 : 1 },
      length,
    };
  }
  return ignored(`graphics function ${fn}`, length);
}

function parseFs(buf: Uint8Array, pos: number, _avail: number, at: At, need: Need): ParseStep | null {
  if (!need(2)) return null;
  const b1 = at(1);
  switch (b1) {
    case 0x26: // FS &
      return { command: { type: 'kanjiMode', on: true }, length: 2 };
    case 0x2e: // FS .
      return { command: { type: 'kanjiMode', on: false }, length: 2 };
    case 0x21: // FS ! n
      if (!need(3)) return null;
      return { command: { type: 'kanjiPrintMode', mode: at(2) }, length: 3 };
    case 0x2d: {
      // FS - n
      if (!need(3)) return null;
      const dots = underlineDots(at(2));
      return dots === null ? unknown(buf, pos, 3, `FS - parameter ${at(2)} out of range`) : { command: { type: 'kanjiUnderline', dots }, length: 3 };
    }
    case 0x43: // FS C n: kanji code system
      if (!need(3)) return null;
      return { command: { type: 'kanjiCodeSystem', system: at(2) }, length: 3 };
    case 0x53: // FS S n1 n2
      if (!need(4)) return null;
      return ignored('FS S (kanji spacing)', 4);
    case 0x57: // FS W n
      if (!need(3)) return null;
      return ignored('FS W (kanji quadruple size)', 3);
    case 0x32: // FS 2 c1 c2 d1…d72
      if (!need(76)) return null;
      return ignored('FS 2 (define user kanji)', 76);
    case 0x3f: // FS ? c1 c2
      if (!need(4)) return null;
      return ignored('FS ? (cancel user kanji)', 4);
    case 0x70: // FS p n m: print NV bit image
      if (!need(4)) return null;
      return { command: { type: 'nvImage', index: at(2) }, length: 4 };
    case 0x71: {
      // FS q n [xL xH yL yH d…]×n: define NV bit images.
      if (!need(3)) return null;
      let offset = 3;
      for (let i = 0; i < at(2); i++) {
        if (!need(offset + 4)) return null;
        const size = (at(offset) + at(offset + 1) * 256) * (at(offset + 2) + at(offset + 3) * 256) * 8;
        offset += 4 + size;
        if (offset > MAX_COMMAND_BYTES) return unknown(buf, pos, 3, 'FS q images over the buffer limit');
        if (!need(offset)) return null;
      }
      return ignored('FS q (define NV bit image)', offset);
    }
    case 0x28: {
      // FS ( A/C/E/L/e …: pL pH framed.
      if (!need(5)) return null;
      const length = 5 + at(3) + at(4) * 256;
      if (!need(length)) return null;
      return ignored(`FS ( ${String.fromCharCode(at(2))}`, length);
    }
    default:
      return unknown(buf, pos, 2, `FS 0x${b1.toString(16).padStart(2, '0')} not a known command`);
  }
}
