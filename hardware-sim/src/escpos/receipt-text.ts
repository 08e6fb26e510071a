// Plain text of a receipt, following escpos-tools' esc2text: the characters as sent, one line per
// line feed, no padding for alignment or double width; graphics appear only when markers are asked for.
import type { Receipt } from './receipt-builder.js';

export interface ReceiptTextOptions {
  /** Show barcodes, QR codes and images as `[…]` lines (for people; off for esc2text parity). */
  markers?: boolean;
}

export function receiptToText(receipt: Receipt, options: ReceiptTextOptions = {}): string {
  const lines: string[] = [];
  for (const block of receipt.blocks) {
    switch (block.kind) {
      case 'text':
        lines.push(block.runs.map((r) => r.text).join(''));
        break;
      case 'barcode':
        if (options.markers) lines.push(`[barcode ${block.system} ${block.data}]`);
        break;
      case 'qr':
        if (options.markers) lines.push(`[QR ${block.data}]`);
        break;
      case 'image':
        if (options.markers) lines.push(`[image ${block.image.widthDots}x${block.image.heightDots}]`);
        break;
      case 'feed':
        break;
    }
  }
  if (options.markers && receipt.cut) lines.push(receipt.cut === 'partial' ? '[partial cut]' : '[cut]');
  return lines.map((l) => `${l}\n`).join('');
}
