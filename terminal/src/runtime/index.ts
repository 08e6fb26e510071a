// The terminal runtime: everything wired together, as `pos-terminal start` runs it.
export * from './page-commands.js';
export * from './receipt-for-sale.js';
export * from './terminal-runtime.js';
