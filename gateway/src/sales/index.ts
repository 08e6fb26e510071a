export * from './sales-tables.js';
export { salesDb } from './sales-db.js';
export { recordRefundFacts, recordSaleFacts, localHourOf } from './sales-facts.js';
