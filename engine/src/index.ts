// @pos/engine: pure, deterministic pricing and loyalty. Data in, data out; no clock, no I/O.
export * from './engine-error.js';
export * from './price-input.js';
export * from './points-validity.js';
export * from './price.js';
export * from './priced-basket.js';
export * from './recharge.js';
export * from './refund.js';
export * from './rfm.js';
export * from './rule-set.js';
export * from './tiers.js';
export { allocate } from './int-math.js';
