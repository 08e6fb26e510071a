// The forecourt kiosk: pumps on the bus, settled through the checkout.
export * from './forecourt-kiosk.js';
export * from './kiosk-view.js';
export * from './shift-close.js';
export * from './shift-report.js';
