// @pos/hardware-sim: virtual POS devices behind real transports, and the ESC/POS decoder/renderer.
export * from './escpos/index.js';
