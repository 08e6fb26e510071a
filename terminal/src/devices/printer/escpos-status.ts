// Reads DLE EOT real-time status bytes (Epson ESC/POS "Transmit real-time status") into printer and drawer state.
import type { PrinterState } from '../../bus/device-events.js';

export interface StatusBytes {
  /** DLE EOT 1: bit 2 drawer connector pin 3 high, bit 3 offline. */
  printer: number;
  /** DLE EOT 2: bit 2 cover open, bit 5 stopped by paper end, bit 6 error. */
  offlineCause: number;
  /** DLE EOT 4: bits 2-3 paper near end, bits 5-6 paper not present. */
  rollPaper: number;
}

export interface PrinterReading extends PrinterState {
  drawerOpen: boolean;
  /** Error bit of DLE EOT 2 (cutter or mechanical error). */
  error: boolean;
}

/** A status byte always has bit 0 clear, bit 1 set, bit 4 set and bit 7 clear; anything else is not a status reply. */
export function isStatusByte(byte: number): boolean {
  return (byte & 0x93) === 0x12;
}

/**
 * @param drawerOpenWhenPin3High Most drawers pull pin 3 high when open (Epson's default wiring); some are reversed.
 */
export function readPrinterStatus(bytes: StatusBytes, drawerOpenWhenPin3High = true): PrinterReading {
  const pin3High = (bytes.printer & 0x04) !== 0;
  const paperOut = (bytes.rollPaper & 0x60) !== 0 || (bytes.offlineCause & 0x20) !== 0;
  return {
    online: (bytes.printer & 0x08) === 0,
    paperOut,
    coverOpen: (bytes.offlineCause & 0x04) !== 0,
    paperNearEnd: (bytes.rollPaper & 0x0c) !== 0 && !paperOut,
    drawerOpen: pin3High === drawerOpenWhenPin3High,
    error: (bytes.offlineCause & 0x40) !== 0,
  };
}

/** True when a job sent now would print. */
export function canPrint(reading: PrinterReading): boolean {
  return reading.online && !reading.paperOut && !reading.coverOpen && !reading.error;
}
