// @pos/protocol: the contract between terminal and gateway. No I/O.
export * from './canonical-json.js';
export * from './envelope.js';
export * from './ids.js';
export * from './messages/index.js';
export * from './money.js';
export * from './protocol-error.js';
export * from './records.js';
export * from './time.js';
export * from './forecourt.js';
export * from './member-code.js';
export * from './phone.js';
