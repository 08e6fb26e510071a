// One-shot decoding of a whole ESC/POS file or buffer into receipts (the CLI and tests use it;
// the printer device feeds the same builder incrementally).
import { EscPosStream } from './escpos-stream.js';
import { ReceiptBuilder, type Receipt, type ReceiptBuilderOptions } from './receipt-builder.js';
import type { StatusKind } from './commands.js';

export interface DecodedStream {
  receipts: Receipt[];
  commandCount: number;
  statusRequests: StatusKind[];
  drawerKicks: { pin: 2 | 5; onMs: number }[];
}

export function decodeEscPos(bytes: Uint8Array, options: ReceiptBuilderOptions = {}): DecodedStream {
  const stream = new EscPosStream();
  const builder = new ReceiptBuilder(options);
  const commands = [...stream.push(bytes), ...stream.end()];
  const statusRequests: StatusKind[] = [];
  const drawerKicks: { pin: 2 | 5; onMs: number }[] = [];
  for (const parsed of commands) {
    if (parsed.command.type === 'statusRequest') statusRequests.push(parsed.command.kind);
    if (parsed.command.type === 'drawerKick') drawerKicks.push({ pin: parsed.command.pin, onMs: parsed.command.onMs });
    builder.apply(parsed);
  }
  const receipts = builder.takeReceipts();
  const tail = builder.flush();
  if (tail) receipts.push(tail);
  return { receipts, commandCount: commands.length, statusRequests, drawerKicks };
}
