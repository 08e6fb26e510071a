export * from './sales-tables.js';
export { recordRefundFacts, recordSaleFacts, localHourOf } from './sales-facts.js';
