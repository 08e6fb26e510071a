// Customer lifetime value: BG/NBD purchases and P(alive), Gamma-Gamma spend, their discounted CLV,
// and the calibration summary they read.

export * from './bg-nbd.js';
export * from './calibration-summary.js';
export * from './cdnow-loader.js';
export * from './clv-error.js';
export * from './customer-lifetime-value.js';
export * from './gamma-gamma.js';
export * from './hypergeometric.js';
export * from './member-clv-ranking.js';
export * from './nelder-mead.js';
