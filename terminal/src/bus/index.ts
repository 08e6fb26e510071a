// @pos/terminal bus: typed device events and commands, the Device interface, the bus and its timing operators.
export * from './device-events.js';
export * from './device-error.js';
export * from './receipt-input.js';
export * from './report-input.js';
export type { Device, DeviceHealth, DeviceState } from './device.js';
export { DeviceBus } from './device-bus.js';
export { BackoffOptions, backoffDelayMs } from './backoff.js';
export { superviseConnection, type SuperviseOptions } from './supervise-connection.js';
export { dropRepeatsWithin } from './drop-repeats-within.js';
