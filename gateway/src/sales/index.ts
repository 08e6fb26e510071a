export * from './sales-tables.js';
export { salesDb } from './sales-db.js';
export { localHourOf } from './sales-facts.js';
