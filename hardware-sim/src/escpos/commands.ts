// The ESC/POS commands the decoder recognises, as plain data. The parser turns bytes into
// these; the printer model turns these into receipts and status replies.

/** Which real-time status a host asked for (DLE EOT n, GS r n). */
export type StatusKind = 'printer' | 'offline-cause' | 'error-cause' | 'roll-paper' | 'paper-sensor' | 'drawer';

export type BarcodeSystem =
  | 'UPC-A'
  | 'UPC-E'
  | 'EAN13'
  | 'EAN8'
  | 'CODE39'
  | 'ITF'
  | 'CODABAR'
  | 'CODE93'
  | 'CODE128';

/** 1 bit per dot, rows top to bottom, each row `widthBytes` bytes, most significant bit leftmost. */
export interface RasterBits {
  widthDots: number;
  heightDots: number;
  widthBytes: number;
  bits: Uint8Array;
}

export type EscPosCommand =
  | { type: 'text'; bytes: Uint8Array }
  | { type: 'lineFeed' }
  | { type: 'carriageReturn' }
  | { type: 'tab' }
  | { type: 'feedLines'; lines: number }
  | { type: 'feedDots'; dots: number }
  | { type: 'initialize' }
  | { type: 'printMode'; mode: number }
  | { type: 'characterSize'; widthTimes: number; heightTimes: number }
  | { type: 'bold'; on: boolean }
  | { type: 'doubleStrike'; on: boolean }
  | { type: 'underline'; dots: 0 | 1 | 2 }
  | { type: 'reverse'; on: boolean }
  | { type: 'upsideDown'; on: boolean }
  | { type: 'font'; font: 'A' | 'B' | 'C' }
  | { type: 'align'; align: 'left' | 'center' | 'right' }
  | { type: 'lineSpacing'; dots: number | null }
  | { type: 'rightSpacing'; dots: number }
  | { type: 'leftMargin'; dots: number }
  | { type: 'printAreaWidth'; dots: number }
  | { type: 'absolutePosition'; dots: number }
  | { type: 'relativePosition'; dots: number }
  | { type: 'codePage'; page: number }
  | { type: 'internationalCharset'; set: number }
  | { type: 'kanjiMode'; on: boolean }
  | { type: 'kanjiPrintMode'; mode: number }
  | { type: 'kanjiUnderline'; dots: 0 | 1 | 2 }
  | { type: 'kanjiCodeSystem'; system: number }
  | { type: 'userCharset'; on: boolean }
  | { type: 'defineUserChars'; bytesPerColumn: number; first: number; last: number; glyphs: { code: number; widthDots: number; columns: Uint8Array }[] }
  | { type: 'tabStops'; columns: number[] }
  | { type: 'barcodeHeight'; dots: number }
  | { type: 'barcodeWidth'; module: number }
  | { type: 'hriPosition'; position: 'none' | 'above' | 'below' | 'both' }
  | { type: 'hriFont'; font: number }
  | { type: 'barcode'; system: BarcodeSystem; data: Uint8Array }
  | { type: 'qrModel'; model: number }
  | { type: 'qrModuleSize'; dots: number }
  | { type: 'qrErrorCorrection'; level: 'L' | 'M' | 'Q' | 'H' }
  | { type: 'qrStore'; data: Uint8Array }
  | { type: 'qrPrint' }
  | { type: 'raster'; image: RasterBits; scaleX: number; scaleY: number }
  | { type: 'graphicsStore'; image: RasterBits; scaleX: number; scaleY: number }
  | { type: 'graphicsPrint' }
  | { type: 'bitImage'; image: RasterBits; scaleX: number; scaleY: number }
  | { type: 'nvImage'; index: number }
  | { type: 'cut'; partial: boolean; feedDots: number }
  | { type: 'drawerKick'; pin: 2 | 5; onMs: number; offMs: number }
  | { type: 'statusRequest'; kind: StatusKind }
  | { type: 'printerIdRequest'; n: number }
  | { type: 'errorRecovery'; clearBuffers: boolean }
  /** A known command that has no effect on the rendered receipt (peripheral select, ASB, page mode…). */
  | { type: 'ignored'; name: string }
  /** Bytes that are not a valid command; reported and skipped. */
  | { type: 'unknown'; bytes: Uint8Array; reason: string };

export interface ParsedCommand {
  command: EscPosCommand;
  /** Byte offset of the command in the whole stream. */
  offset: number;
  length: number;
}
