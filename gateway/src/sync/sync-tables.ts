// Row types of the sync tables (see sync-migration.ts) and the database type that includes them.
import type { Kysely } from 'kysely';
import type { GatewayDatabase } from '../db/schema.js';
import type { GatewayDb } from '../db/database.js';

type Int = number;

export interface TerminalKeyTable {
  merchant_id: string;
  terminal_id: string;
  store_id: string;
  secret: string;
  status: string;
  last_seq: Int;
  enrolled_at: Int;
  revoked_at: Int | null;
  last_seen_at: Int | null;
  software_version: string | null;
  rule_set_version: Int | null;
  pending_events: Int | null;
}

export interface EnrolmentCodeTable {
  merchant_id: string;
  code_hash: string;
  terminal_id: string;
  store_id: string;
  created_by: string | null;
  expires_at: Int;
  used_at: Int | null;
  created_at: Int;
}

export interface SyncEventTable {
  merchant_id: string;
  event_id: string;
  terminal_id: string;
  store_id: string;
  type: string;
  sale_id: string | null;
  member_id: string | null;
  occurred_at: string;
  received_at: Int;
  offline: Int;
  body: string;
}

export interface MemberFlagTable {
  merchant_id: string;
  member_id: string;
  flag: string;
  card_no: string | null;
  event_id: string;
  amount: Int;
  raised_at: Int;
  cleared_at: Int | null;
}

export interface CatalogueItemTable {
  merchant_id: string;
  sku: string;
  item: string;
  updated_at: Int;
}

export interface SyncDatabase extends GatewayDatabase {
  members: GatewayDatabase['members'] & { code_secret: string | null };
  catalogue_items: CatalogueItemTable;
  terminal_keys: TerminalKeyTable;
  enrolment_codes: EnrolmentCodeTable;
  sync_events: SyncEventTable;
  member_flags: MemberFlagTable;
}

/** The gateway database seen with the sync tables typed. */
export function syncDb(gdb: GatewayDb): Kysely<SyncDatabase> {
  return gdb.db as unknown as Kysely<SyncDatabase>;
}
