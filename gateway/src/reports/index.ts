// Reports over the sales facts, the ledger and the member data: JSON, CSV/XLSX exports and charts.
export * from './report-definition.js';
export * from './report-scope.js';
export * from './report-runner.js';
export * from './report-registry.js';
export * from './report-export.js';
export * from './report-chart.js';
export { summaryReport, type SummaryReport } from './summary-report.js';
