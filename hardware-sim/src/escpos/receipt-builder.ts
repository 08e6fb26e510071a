// The printer's print engine: applies decoded commands to a line buffer and print modes and
// produces receipts (one per cut) as blocks of styled text lines, images, barcodes and QR codes.
import iconv from 'iconv-lite';
import type { BarcodeSystem, EscPosCommand, ParsedCommand, RasterBits } from './commands.js';

export type Align = 'left' | 'center' | 'right';

export interface TextStyle {
  bold: boolean;
  underline: 0 | 1 | 2;
  widthTimes: number;
  heightTimes: number;
  font: 'A' | 'B' | 'C';
  reverse: boolean;
  upsideDown: boolean;
}

/** A character defined by ESC &: `bytesPerColumn` bytes per column, top bit first, `widthDots` columns. */
export interface UserGlyph {
  widthDots: number;
  bytesPerColumn: number;
  columns: Uint8Array;
}

export interface TextRun {
  text: string;
  style: TextStyle;
  /** Set when the character prints as a user-defined glyph (ESC & + ESC % 1). */
  glyph?: UserGlyph;
}

export type ReceiptBlock =
  | { kind: 'text'; runs: TextRun[]; align: Align; leftMarginDots: number; printAreaDots: number; lineSpacingDots: number }
  | { kind: 'image'; image: RasterBits; scaleX: number; scaleY: number; align: Align; source: 'raster' | 'graphics' | 'bit-image' }
  | { kind: 'barcode'; system: BarcodeSystem; data: string; heightDots: number; moduleDots: number; hri: 'none' | 'above' | 'below' | 'both'; align: Align }
  | { kind: 'qr'; data: string; moduleDots: number; errorCorrection: 'L' | 'M' | 'Q' | 'H'; align: Align }
  | { kind: 'feed'; dots: number };

export interface DecodeProblem {
  offset: number;
  bytesHex: string;
  reason: string;
}

export interface Receipt {
  blocks: ReceiptBlock[];
  cut: 'full' | 'partial' | null;
  /** Unknown or malformed commands met while this receipt was printed. */
  problems: DecodeProblem[];
}

/** Epson code page numbers (ESC t n) that iconv-lite can decode. */
const codePages: Record<number, string> = {
  0: 'cp437', 2: 'cp850', 3: 'cp860', 4: 'cp863', 5: 'cp865', 13: 'cp857', 14: 'cp737', 15: 'iso-8859-7',
  16: 'windows-1252', 17: 'cp866', 18: 'cp852', 19: 'cp858', 32: 'cp720', 33: 'cp775', 34: 'cp855', 35: 'cp861',
  36: 'cp862', 37: 'cp864', 38: 'cp869', 39: 'iso-8859-2', 40: 'iso-8859-15', 45: 'windows-1250',
  46: 'windows-1251', 47: 'windows-1253', 48: 'windows-1254', 49: 'windows-1255', 50: 'windows-1256',
  51: 'windows-1257', 52: 'windows-1258',
};

export const DEFAULT_LINE_SPACING_DOTS = 30;
/** 80 mm paper at 203 dpi: 72 mm printable, 576 dots. */
export const DEFAULT_PRINT_AREA_DOTS = 576;
const MAX_BLOCKS_PER_RECEIPT = 20_000;
const MAX_PROBLEMS_PER_RECEIPT = 1_000;

const defaultStyle = (): TextStyle => ({ bold: false, underline: 0, widthTimes: 1, heightTimes: 1, font: 'A', reverse: false, upsideDown: false });

export interface ReceiptBuilderOptions {
  /** Chinese models start in kanji (GB18030) mode; Epson's default is code page 437. */
  kanjiByDefault?: boolean;
}

export class ReceiptBuilder {
  private readonly kanjiByDefault: boolean;
  private style: TextStyle = defaultStyle();
  private align: Align = 'left';
  private lineSpacingDots = DEFAULT_LINE_SPACING_DOTS;
  private leftMarginDots = 0;
  private printAreaDots = DEFAULT_PRINT_AREA_DOTS;
  private codePage = 0;
  private kanji: boolean;
  private runs: TextRun[] = [];
  private runBytes: number[] = [];
  private runStyle: TextStyle = defaultStyle();
  private lineImages: { image: RasterBits; scaleX: number; scaleY: number }[] = [];
  private blocks: ReceiptBlock[] = [];
  private problems: DecodeProblem[] = [];
  private barcodeHeightDots = 162;
  private barcodeModuleDots = 3;
  private hri: 'none' | 'above' | 'below' | 'both' = 'none';
  private qrModuleDots = 3;
  private qrLevel: 'L' | 'M' | 'Q' | 'H' = 'L';
  private qrData: Uint8Array | null = null;
  private storedGraphics: { image: RasterBits; scaleX: number; scaleY: number } | null = null;
  private userGlyphs = new Map<number, UserGlyph>();
  private userCharsetOn = false;
  private readonly done: Receipt[] = [];

  constructor(options: ReceiptBuilderOptions = {}) {
    this.kanjiByDefault = options.kanjiByDefault ?? false;
    this.kanji = this.kanjiByDefault;
  }

  /** Applies one command; receipts completed by a cut are collected for `takeReceipts()`. */
  apply(parsed: ParsedCommand): void {
    const c = parsed.command;
    switch (c.type) {
      case 'text':
        if (!sameStyle(this.style, this.runStyle)) this.closeRun();
        for (const b of c.bytes) {
          const glyph = this.userCharsetOn && !this.kanji ? this.userGlyphs.get(b) : undefined;
          if (glyph) {
            this.closeRun();
            this.runs.push({ text: String.fromCharCode(b), style: this.style, glyph });
          } else {
            this.runBytes.push(b);
          }
        }
        break;
      case 'lineFeed':
        this.printLine();
        break;
      case 'carriageReturn':
        break;
      case 'tab': {
        const column = this.lineText().length;
        this.appendText(' '.repeat(8 - (column % 8)));
        break;
      }
      case 'feedLines':
        this.printLine();
        if (c.lines > 1) this.pushBlock({ kind: 'feed', dots: (c.lines - 1) * this.lineSpacingDots });
        break;
      case 'feedDots':
        if (this.lineHasContent()) this.printLine();
        this.pushBlock({ kind: 'feed', dots: c.dots });
        break;
      case 'initialize':
        // ESC @ clears the print buffer: a half-sent line (a terminal that lost power mid-job) is dropped.
        this.runBytes = [];
        this.runs = [];
        this.lineImages = [];
        this.userGlyphs = new Map();
        this.userCharsetOn = false;
        this.style = defaultStyle();
        this.align = 'left';
        this.lineSpacingDots = DEFAULT_LINE_SPACING_DOTS;
        this.leftMarginDots = 0;
        this.printAreaDots = DEFAULT_PRINT_AREA_DOTS;
        this.codePage = 0;
        this.kanji = this.kanjiByDefault;
        this.barcodeHeightDots = 162;
        this.barcodeModuleDots = 3;
        this.hri = 'none';
        break;
      case 'printMode':
        this.style = {
          ...this.style,
          font: c.mode & 0x01 ? 'B' : 'A',
          bold: (c.mode & 0x08) !== 0,
          heightTimes: c.mode & 0x10 ? 2 : 1,
          widthTimes: c.mode & 0x20 ? 2 : 1,
          underline: c.mode & 0x80 ? 1 : 0,
        };
        break;
      case 'kanjiPrintMode':
        this.style = {
          ...this.style,
          heightTimes: c.mode & 0x08 ? 2 : this.style.heightTimes,
          widthTimes: c.mode & 0x04 ? 2 : this.style.widthTimes,
          underline: c.mode & 0x80 ? 1 : this.style.underline,
        };
        break;
      case 'characterSize':
        this.style = { ...this.style, widthTimes: c.widthTimes, heightTimes: c.heightTimes };
        break;
      case 'bold':
      case 'doubleStrike':
        this.style = { ...this.style, bold: c.on };
        break;
      case 'underline':
      case 'kanjiUnderline':
        this.style = { ...this.style, underline: c.dots };
        break;
      case 'reverse':
        this.style = { ...this.style, reverse: c.on };
        break;
      case 'upsideDown':
        this.style = { ...this.style, upsideDown: c.on };
        break;
      case 'font':
        this.style = { ...this.style, font: c.font };
        break;
      case 'align':
        this.align = c.align;
        break;
      case 'lineSpacing':
        this.lineSpacingDots = c.dots ?? DEFAULT_LINE_SPACING_DOTS;
        break;
      case 'leftMargin':
        this.leftMarginDots = c.dots;
        break;
      case 'printAreaWidth':
        this.printAreaDots = c.dots === 0 ? DEFAULT_PRINT_AREA_DOTS : c.dots;
        break;
      case 'codePage':
        this.closeRun();
        if (!(c.page in codePages)) this.report(parsed, `code page ${c.page} not supported; printing as PC437`);
        this.codePage = c.page;
        break;
      case 'kanjiMode':
        this.closeRun();
        this.kanji = c.on;
        break;
      case 'barcodeHeight':
        this.barcodeHeightDots = c.dots;
        break;
      case 'barcodeWidth':
        this.barcodeModuleDots = c.module;
        break;
      case 'hriPosition':
        this.hri = c.position;
        break;
      case 'barcode':
        this.printLineIfPending();
        this.pushBlock({
          kind: 'barcode', system: c.system, data: barcodeText(c.system, c.data), heightDots: this.barcodeHeightDots,
          moduleDots: this.barcodeModuleDots, hri: this.hri, align: this.align,
        });
        break;
      case 'qrModuleSize':
        this.qrModuleDots = c.dots;
        break;
      case 'qrErrorCorrection':
        this.qrLevel = c.level;
        break;
      case 'qrStore':
        this.qrData = c.data;
        break;
      case 'qrPrint':
        if (this.qrData === null || this.qrData.length === 0) {
          this.report(parsed, 'QR print without stored data');
          break;
        }
        this.printLineIfPending();
        this.pushBlock({ kind: 'qr', data: iconv.decode(Buffer.from(this.qrData), this.kanji ? 'gb18030' : 'latin1'), moduleDots: this.qrModuleDots, errorCorrection: this.qrLevel, align: this.align });
        break;
      case 'raster':
        this.printLineIfPending();
        this.pushBlock({ kind: 'image', image: c.image, scaleX: c.scaleX, scaleY: c.scaleY, align: this.align, source: 'raster' });
        break;
      case 'graphicsStore':
        this.storedGraphics = { image: c.image, scaleX: c.scaleX, scaleY: c.scaleY };
        break;
      case 'graphicsPrint':
        if (!this.storedGraphics) {
          this.report(parsed, 'graphics print without stored graphics');
          break;
        }
        this.printLineIfPending();
        this.pushBlock({ kind: 'image', ...this.storedGraphics, align: this.align, source: 'graphics' });
        this.storedGraphics = null;
        break;
      case 'bitImage':
        this.closeRun();
        this.lineImages.push({ image: c.image, scaleX: c.scaleX, scaleY: c.scaleY });
        break;
      case 'nvImage':
        this.report(parsed, `NV bit image ${c.index} is not stored in this printer`);
        break;
      case 'cut':
        this.printLineIfPending();
        this.finishReceipt(c.partial ? 'partial' : 'full');
        break;
      case 'unknown':
        this.report(parsed, c.reason);
        break;
      case 'userCharset':
        this.closeRun();
        this.userCharsetOn = c.on;
        break;
      case 'defineUserChars':
        for (const g of c.glyphs) {
          if (g.widthDots === 0) this.userGlyphs.delete(g.code);
          else this.userGlyphs.set(g.code, { widthDots: g.widthDots, bytesPerColumn: c.bytesPerColumn, columns: g.columns });
        }
        break;
      // Commands with no effect on the paper: handled by the device (status, drawer) or ignored.
      case 'rightSpacing':
      case 'absolutePosition':
      case 'relativePosition':
      case 'internationalCharset':
      case 'kanjiCodeSystem':
      case 'tabStops':
      case 'hriFont':
      case 'qrModel':
      case 'drawerKick':
      case 'statusRequest':
      case 'printerIdRequest':
      case 'errorRecovery':
      case 'ignored':
        break;
      default: {
        const exhaustive: never = c;
        return exhaustive;
      }
    }
  }

  /** Receipts finished by a cut since the last call. */
  takeReceipts(): Receipt[] {
    return this.done.splice(0, this.done.length);
  }

  /** Ends the job without a cut (the end of a file), returning what was printed, if anything. */
  flush(): Receipt | null {
    this.printLineIfPending();
    if (this.blocks.length === 0 && this.problems.length === 0) return null;
    this.finishReceipt(null);
    return this.done.pop() ?? null;
  }

  private report(parsed: ParsedCommand, reason: string): void {
    if (this.problems.length >= MAX_PROBLEMS_PER_RECEIPT) return;
    const bytes = parsed.command.type === 'unknown' ? parsed.command.bytes.subarray(0, 16) : new Uint8Array(0);
    this.problems.push({ offset: parsed.offset, bytesHex: Buffer.from(bytes).toString('hex'), reason });
  }

  private pushBlock(block: ReceiptBlock): void {
    if (this.blocks.length >= MAX_BLOCKS_PER_RECEIPT) {
      // A receipt longer than any roll: start a new one rather than grow without bound.
      this.finishReceipt(null);
    }
    this.blocks.push(block);
  }

  private appendText(text: string): void {
    this.closeRun();
    this.runs.push({ text, style: this.style });
  }

  private closeRun(): void {
    if (this.runBytes.length === 0) {
      this.runStyle = this.style;
      return;
    }
    const bytes = Buffer.from(this.runBytes);
    const encoding = this.kanji ? 'gb18030' : (codePages[this.codePage] ?? 'cp437');
    this.runs.push({ text: iconv.decode(bytes, encoding), style: this.runStyle });
    this.runBytes = [];
    this.runStyle = this.style;
  }

  private lineText(): string {
    this.closeRun();
    return this.runs.map((r) => r.text).join('');
  }

  private lineHasContent(): boolean {
    return this.runBytes.length > 0 || this.runs.length > 0 || this.lineImages.length > 0;
  }

  private printLineIfPending(): void {
    if (this.lineHasContent()) this.printLine();
  }

  private printLine(): void {
    this.closeRun();
    for (const img of this.lineImages) {
      this.pushBlock({ kind: 'image', image: img.image, scaleX: img.scaleX, scaleY: img.scaleY, align: this.align, source: 'bit-image' });
    }
    const hadImages = this.lineImages.length > 0;
    this.lineImages = [];
    if (hadImages && this.runs.length === 0) return;
    this.pushBlock({ kind: 'text', runs: this.runs, align: this.align, leftMarginDots: this.leftMarginDots, printAreaDots: this.printAreaDots, lineSpacingDots: this.lineSpacingDots });
    this.runs = [];
  }

  private finishReceipt(cut: Receipt['cut']): void {
    this.done.push({ blocks: this.blocks, cut, problems: this.problems });
    this.blocks = [];
    this.problems = [];
  }
}

function sameStyle(a: TextStyle, b: TextStyle): boolean {
  return a.bold === b.bold && a.underline === b.underline && a.widthTimes === b.widthTimes && a.heightTimes === b.heightTimes
    && a.font === b.font && a.reverse === b.reverse && a.upsideDown === b.upsideDown;
}

/** CODE128 data carries code-set selectors ({A {B {C); code set C packs two digits per byte. */
function barcodeText(system: BarcodeSystem, data: Uint8Array): string {
  if (system !== 'CODE128') return Buffer.from(data).toString('latin1');
  let out = '';
  let set: 'A' | 'B' | 'C' = 'B';
  for (let i = 0; i < data.length; i++) {
    const b = data[i] ?? 0;
    if (b === 0x7b && i + 1 < data.length) {
      const next = data[i + 1] ?? 0;
      i++;
      if (next === 0x41 || next === 0x42 || next === 0x43) set = String.fromCharCode(next) as 'A' | 'B' | 'C';
      else if (next === 0x7b) out += '{';
      continue;
    }
    out += set === 'C' ? String(b).padStart(2, '0') : String.fromCharCode(b);
  }
  return out;
}
