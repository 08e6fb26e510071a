// @pos/terminal: the headless POS runtime. Each part is importable on its own; `startTerminal`
// wires them all.
export * from './bus/index.js';
export * from './checkout/index.js';
export * from './config/index.js';
export * from './devices/index.js';
export * from './page/index.js';
export * from './runtime/index.js';
export * from './store/index.js';
export * from './sync/index.js';
