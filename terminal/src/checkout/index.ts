// Checkout: the till's state machine, member identification, and the bus adapter.
export * from './bus-adapter.js';
export * from './checkout-error.js';
export * from './checkout-machine.js';
export * from './checkout-state.js';
export * from './clock.js';
export * from './member-identification.js';
