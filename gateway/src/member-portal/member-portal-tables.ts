// Row types of the member portal and notification tables (member-portal-migration.ts), and the
// database type that includes them.
import type { Kysely } from 'kysely';
import type { GatewayDb } from '../db/database.js';
import type { SyncDatabase } from '../sync/sync-tables.js';

type Int = number;

export interface NotificationLogTable {
  merchant_id: string;
  id: string;
  member_id: string | null;
  phone_masked: string;
  channel: string;
  template: string;
  locale: string;
  body: string;
  status: string;
  provider: string;
  error: string | null;
  created_at: Int;
}

export interface NotificationOptOutTable {
  merchant_id: string;
  member_id: string;
  channel: string;
  created_at: Int;
}

export interface MemberOtpTable {
  merchant_id: string;
  phone: string;
  code_hash: string | null;
  expires_at: Int;
  failed_attempts: Int;
  locked_until: Int | null;
  last_sent_at: Int;
  created_at: Int;
}

export interface MemberOtpSendTable {
  merchant_id: string;
  id: string;
  subject: string;
  sent_at: Int;
}

export interface MemberSessionTable {
  merchant_id: string;
  token_hash: string;
  member_id: string;
  expires_at: Int;
  created_at: Int;
}

export interface PortalDatabase extends SyncDatabase {
  attribute_definitions: SyncDatabase['attribute_definitions'] & { member_editable: Int };
  notification_log: NotificationLogTable;
  notification_opt_outs: NotificationOptOutTable;
  member_otps: MemberOtpTable;
  member_otp_sends: MemberOtpSendTable;
  member_sessions: MemberSessionTable;
}

/** The gateway database seen with the portal and notification tables typed. */
export function portalDb(gdb: GatewayDb): Kysely<PortalDatabase> {
  return gdb.db as unknown as Kysely<PortalDatabase>;
}
