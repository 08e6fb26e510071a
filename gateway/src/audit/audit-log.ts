// The audit log: every write records who, which role, which store, when, what, and before/after.
import type { Insertable, Kysely } from 'kysely';
import { newId } from '@pos/protocol';
import type { Actor } from '../context.js';
import type { GatewayDatabase } from '../db/schema.js';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/** The audit row of `entry` (for callers that insert several rows at once). */
export function auditRow(actor: Actor, nowMs: number, entry: AuditEntry): Insertable<GatewayDatabase['audit_log']> {
  return {
    merchant_id: actor.merchantId,
    id: newId(nowMs),
    staff_id: actor.staffId,
    role: actor.role,
    store_id: actor.storeId,
    at: nowMs,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId,
    before: entry.before === undefined ? null : JSON.stringify(entry.before),
    after: entry.after === undefined ? null : JSON.stringify(entry.after),
  };
}

export async function writeAudit(
  trx: Kysely<GatewayDatabase>,
  actor: Actor,
  nowMs: number,
  entry: AuditEntry,
): Promise<void> {
  await trx.insertInto('audit_log').values(auditRow(actor, nowMs, entry)).execute();
}
