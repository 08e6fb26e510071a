// ESC/POS decoding, printer status and receipt rendering.
export * from './commands.js';
export { parseCommandAt, MAX_COMMAND_BYTES } from './command-parser.js';
export { EscPosStream, parseEscPos } from './escpos-stream.js';
export * from './receipt-builder.js';
export * from './receipt-text.js';
export * from './receipt-png.js';
export * from './printer-status.js';
export * from './decode-escpos.js';
export { chineseSaleReceipt, CHINESE_SALE_RECEIPT_TEXT } from './demo-receipt.js';
