// The cashier page: a local web page on the POS box, live over a WebSocket.
export * from './cashier-page-server.js';
export * from './cashier-view.js';
export * from './page-messages.js';
