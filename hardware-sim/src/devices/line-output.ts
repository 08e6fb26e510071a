// How an input device (scanner, card reader) delivers a line: typed as HID keyboard reports
// ending in Enter, or written to a serial line with a CR/LF suffix.
import { keyboardReports } from '../transports/hid-keyboard-reports.js';
import type { PtyPort } from '../transports/pty-port.js';
import type { VirtualHidDevice } from '../transports/virtual-hid-backend.js';

export type LineOutput =
  | { kind: 'hid'; device: VirtualHidDevice }
  | { kind: 'serial'; port: PtyPort; suffix: string };

export async function sendLine(output: LineOutput, text: string): Promise<void> {
  if (output.kind === 'hid') await output.device.sendReports(keyboardReports(text, true));
  else await output.port.write(Buffer.from(text + output.suffix, 'latin1'));
}

export async function sendRaw(output: LineOutput, bytes: Uint8Array): Promise<void> {
  if (output.kind === 'hid') await output.device.sendReports([Buffer.from([0, 0, ...bytes.subarray(0, 6)])]);
  else await output.port.write(bytes);
}
