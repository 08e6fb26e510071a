// DLE EOT n / GS r n status bytes per printer state, as tabled in the Epson ESC/POS reference
// ("DLE EOT n — Transmit real-time status"; TM-U220 and TM-T88 references carry the same bits).
import { describe, expect, it } from 'vitest';
import { readyPrinterState, statusByte, type PrinterState, type StatusKind } from '../../hardware-sim/src/escpos/index.js';

const kinds: StatusKind[] = ['printer', 'offline-cause', 'error-cause', 'roll-paper', 'paper-sensor', 'drawer'];

// Each row: state, then the bytes for DLE EOT 1, 2, 3, 4 and GS r 1, GS r 2.
const table: [string, Partial<PrinterState>, number[]][] = [
  ['ready, drawer closed', {}, [0x12, 0x12, 0x12, 0x12, 0x00, 0x00]],
  ['drawer open (pin 3 high)', { drawerOpen: true }, [0x16, 0x12, 0x12, 0x12, 0x00, 0x01]],
  ['paper out', { paperOut: true }, [0x1a, 0x32, 0x12, 0x7e, 0x0f, 0x00]],
  ['paper near end, still online', { paperNearEnd: true }, [0x12, 0x12, 0x12, 0x1e, 0x03, 0x00]],
  ['cover open', { coverOpen: true }, [0x1a, 0x16, 0x12, 0x12, 0x00, 0x00]],
  ['offline by operator', { offline: true }, [0x1a, 0x12, 0x12, 0x12, 0x00, 0x00]],
  ['autocutter jam', { autocutterError: true }, [0x1a, 0x52, 0x1a, 0x12, 0x00, 0x00]],
  ['unrecoverable error', { unrecoverableError: true }, [0x1a, 0x52, 0x32, 0x12, 0x00, 0x00]],
  ['paper out, cover open, drawer open', { paperOut: true, coverOpen: true, drawerOpen: true }, [0x1e, 0x36, 0x12, 0x7e, 0x0f, 0x01]],
];

describe('printer status bytes', () => {
  it.each(table)('%s', (_name, partial, expected) => {
    const state = { ...readyPrinterState(), ...partial };
    expect(kinds.map((k) => statusByte(k, state))).toEqual(expected);
  });

  it('always has the fixed bits of DLE EOT replies (bit 1 and bit 4 on, bits 0 and 7 off)', () => {
    for (const [, partial] of table) {
      for (const kind of kinds.slice(0, 4)) {
        const b = statusByte(kind, { ...readyPrinterState(), ...partial });
        expect(b & 0x93).toBe(0x12);
      }
    }
  });
});
