// Status bytes a printer sends back for DLE EOT n and GS r n, from the printer's physical state.
// Bit layout per the Epson ESC/POS Application Programming Guide, "DLE EOT n — Transmit real-time
// status" (same table in the TM-T88 and TM-U220 references and Bixolon/Citizen clones):
//   n=1 printer status:  bit1=1 fixed, bit2 = drawer kick connector pin 3 HIGH, bit3 = offline, bit4=1 fixed
//   n=2 offline cause:   bit1=1, bit2 = cover open, bit3 = paper fed by FEED button, bit4=1,
//                        bit5 = printing stopped by paper end, bit6 = error occurred
//   n=3 error cause:     bit1=1, bit2 = mechanical error, bit3 = autocutter error, bit4=1,
//                        bit5 = unrecoverable error, bit6 = auto-recoverable error
//   n=4 roll paper:      bit1=1, bits2+3 = near end (0x0C), bit4=1, bits5+6 = paper not present (0x60)
// GS r 1 (paper sensor): bits0+1 near end, bits2+3 paper end; GS r 2 (drawer): bit0 = pin 3 level.
import type { StatusKind } from './commands.js';

export interface PrinterState {
  paperOut: boolean;
  paperNearEnd: boolean;
  coverOpen: boolean;
  /** Operator took the printer offline (or it is warming up). */
  offline: boolean;
  drawerOpen: boolean;
  autocutterError: boolean;
  unrecoverableError: boolean;
}

export const readyPrinterState = (): PrinterState => ({
  paperOut: false,
  paperNearEnd: false,
  coverOpen: false,
  offline: false,
  drawerOpen: false,
  autocutterError: false,
  unrecoverableError: false,
});

/** The printer stops printing (and reports offline) on any of these. */
export function isOffline(state: PrinterState): boolean {
  return state.offline || state.paperOut || state.coverOpen || state.autocutterError || state.unrecoverableError;
}

// Our virtual drawer's switch pulls pin 3 HIGH when the drawer is open (the usual wiring; a
// driver reads bit 2 of DLE EOT 1 as "drawer open").
const drawerPinHigh = (state: PrinterState): boolean => state.drawerOpen;

export function statusByte(kind: StatusKind, state: PrinterState): number {
  switch (kind) {
    case 'printer':
      return 0x12 | (drawerPinHigh(state) ? 0x04 : 0) | (isOffline(state) ? 0x08 : 0);
    case 'offline-cause':
      return 0x12 | (state.coverOpen ? 0x04 : 0) | (state.paperOut ? 0x20 : 0)
        | (state.autocutterError || state.unrecoverableError ? 0x40 : 0);
    case 'error-cause':
      return 0x12 | (state.autocutterError ? 0x08 : 0) | (state.unrecoverableError ? 0x20 : 0);
    case 'roll-paper':
      return 0x12 | (state.paperNearEnd || state.paperOut ? 0x0c : 0) | (state.paperOut ? 0x60 : 0);
    case 'paper-sensor':
      return (state.paperNearEnd || state.paperOut ? 0x03 : 0) | (state.paperOut ? 0x0c : 0);
    case 'drawer':
      return drawerPinHigh(state) ? 0x01 : 0x00;
  }
}
