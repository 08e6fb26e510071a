// The merchant's price list.
export * from './catalogue-routes.js';
export * from './catalogue-service.js';
