// The gateway database seen with the forecourt tables typed.
import type { Kysely } from 'kysely';
import type { GatewayDb } from '../db/database.js';
import type { FuelDatabase } from './fuel-tables.js';

export function fuelDb(gdb: GatewayDb): Kysely<FuelDatabase> {
  return gdb.db as unknown as Kysely<FuelDatabase>;
}
