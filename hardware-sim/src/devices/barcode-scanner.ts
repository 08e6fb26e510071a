// A barcode scanner in keyboard-wedge (HID) or serial mode: each scan is one line.
import { SimError } from '../sim-error.js';
import { sendLine, type LineOutput } from './line-output.js';

const MAX_CODE_CHARS = 128;

export class BarcodeScanner {
  scans = 0;
  constructor(readonly output: LineOutput) {}

  async scan(code: string): Promise<void> {
    if (code.length === 0 || code.length > MAX_CODE_CHARS || /[\r\n]/.test(code)) {
      throw new SimError('BAD_INPUT', `a barcode is 1–${MAX_CODE_CHARS} characters without line breaks`);
    }
    await sendLine(this.output, code);
    this.scans++;
  }
}
