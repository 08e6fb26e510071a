// The gateway database seen with the sales fact tables typed.
import type { Kysely } from 'kysely';
import type { GatewayDb } from '../db/database.js';
import type { SalesDatabase } from './sales-tables.js';

export function salesDb(gdb: GatewayDb): Kysely<SalesDatabase> {
  return gdb.db as unknown as Kysely<SalesDatabase>;
}
