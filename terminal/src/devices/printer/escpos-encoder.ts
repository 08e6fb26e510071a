// Turns receipt blocks into ESC/POS bytes with @node-escpos/core, text in GB18030.
import { Printer } from '@node-escpos/core';
import type { ReceiptBlock } from './receipt-layout.js';

const DLE = 0x10;
const EOT = 0x04;
const GS = 0x1d;
const ESC = 0x1b;
const FS = 0x1c;

export interface EncodeOptions {
  /** Chinese-market printers boot in Chinese (kanji) mode; others need FS & after every ESC @. */
  startsInChineseMode: boolean;
}

/** A byte sink for @node-escpos/core: we only use it to build bytes; our transports send them. */
const bytesOnly = {
  open: () => bytesOnly,
  write: () => bytesOnly,
  close: () => bytesOnly,
  read: () => undefined,
};

function newBuilder(): Printer<[]> {
  return new Printer(bytesOnly as never, { encoding: 'GB18030' });
}

function take(builder: Printer<[]>): Buffer {
  return Buffer.from(builder.buffer.flush());
}

/**
 * GS ( k QR code, model 2: select model, module size, error correction M, store data, print.
 * (@node-escpos/core's qrcode() emits the older ESC Z form, which most current printers do not know.)
 */
export function qrCodeBytes(data: string, moduleDots: number): Buffer {
  const payload = Buffer.from(data, 'ascii');
  const storeLength = payload.length + 3;
  return Buffer.concat([
    Buffer.from([GS, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]),
    Buffer.from([GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, moduleDots]),
    Buffer.from([GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, 0x31]),
    Buffer.from([GS, 0x28, 0x6b, storeLength & 0xff, storeLength >> 8, 0x31, 0x50, 0x30]),
    payload,
    Buffer.from([GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30]),
  ]);
}

export function encodeReceipt(blocks: ReceiptBlock[], options: EncodeOptions): Buffer {
  const p = newBuilder();
  p.hardware('init');
  if (!options.startsInChineseMode) p.raw(Buffer.from([FS, 0x26]));
  let align: 'left' | 'center' = 'left';
  p.align('lt');
  for (const block of blocks) {
    if (block.kind === 'text') {
      if (block.align !== align) {
        p.align(block.align === 'center' ? 'ct' : 'lt');
        align = block.align;
      }
      if (block.bold) p.raw(Buffer.from([ESC, 0x45, 1]));
      if (block.doubleHeight) p.size(1, 2);
      p.text(block.text);
      if (block.doubleHeight) p.size(1, 1);
      if (block.bold) p.raw(Buffer.from([ESC, 0x45, 0]));
    } else if (block.kind === 'qr') {
      p.align('ct');
      align = 'center';
      p.raw(qrCodeBytes(block.data, block.moduleDots));
      p.newLine();
    } else {
      p.cut(false, 4);
    }
  }
  return take(p);
}

/** ESC p: pulse the drawer kick connector (pin 2 or 5) for 50 ms on, 240 ms off. */
export function drawerKickBytes(pin: 2 | 5): Buffer {
  const p = newBuilder();
  p.cashdraw(pin);
  return take(p);
}

/** DLE EOT n: real-time status request, answered with one byte even while the printer is offline. */
export function statusRequestBytes(n: 1 | 2 | 3 | 4): Buffer {
  return Buffer.from([DLE, EOT, n]);
}
