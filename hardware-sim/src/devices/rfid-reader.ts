// An RFID/NFC card reader that types the card UID: hex (Mifare style) or the 10-digit decimal
// of the low 4 bytes (EM4100 / many desktop readers), over HID or serial.
import { SimError } from '../sim-error.js';
import { sendLine, type LineOutput } from './line-output.js';

export type UidFormat = 'hex' | 'decimal10';

export function formatUid(uidHex: string, format: UidFormat): string {
  if (!/^([0-9a-fA-F]{2}){4,10}$/.test(uidHex)) throw new SimError('BAD_INPUT', 'a UID is 4 to 10 bytes of hex');
  if (format === 'hex') return uidHex.toUpperCase();
  const low = Number.parseInt(uidHex.slice(-8), 16);
  return String(low).padStart(10, '0');
}

export class RfidReader {
  taps = 0;
  constructor(readonly output: LineOutput, readonly format: UidFormat = 'hex') {}

  async tap(uidHex: string): Promise<void> {
    await sendLine(this.output, formatUid(uidHex, this.format));
    this.taps++;
  }
}
