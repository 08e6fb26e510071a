// Forecourt facts at the gateway: shift closes (班结) synced from kiosks.
export { fuelDb } from './fuel-db.js';
export { fuelMigration } from './fuel-migration.js';
export { recordShiftClosed, shiftGrades, type ShiftGradeRow, type ShiftSource } from './fuel-shifts.js';
export type { FuelDatabase, FuelShiftNozzleTable, FuelShiftTable } from './fuel-tables.js';
