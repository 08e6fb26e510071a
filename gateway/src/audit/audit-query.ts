// Reading the audit log (HQ only), newest last, paged by id, optionally for one entity.
import { require } from '../auth/permissions.js';
import type { Actor } from '../context.js';
import type { GatewayDb } from '../db/database.js';
import { toPage, type Page } from '../pagination.js';

export interface AuditRecord {
  id: string;
  staffId: string | null;
  role: string | null;
  storeId: string | null;
  at: number;
  action: string;
  entityType: string;
  entityId: string;
  before: unknown;
  after: unknown;
}

export async function listAudit(
  gdb: GatewayDb,
  actor: Actor,
  query: { cursor?: string | undefined; limit: number; entityType?: string | undefined; entityId?: string | undefined },
): Promise<Page<AuditRecord>> {
  require(actor, 'audit.read');
  let q = gdb.db.selectFrom('audit_log').selectAll().where('merchant_id', '=', actor.merchantId);
  if (query.entityType) q = q.where('entity_type', '=', query.entityType);
  if (query.entityId) q = q.where('entity_id', '=', query.entityId);
  if (query.cursor) q = q.where('id', '>', query.cursor);
  const rows = await q.orderBy('id').limit(query.limit + 1).execute();
  return toPage(rows, query.limit, (r) => ({
    id: r.id,
    staffId: r.staff_id,
    role: r.role,
    storeId: r.store_id,
    at: Number(r.at),
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    before: r.before === null ? null : (JSON.parse(r.before) as unknown),
    after: r.after === null ? null : (JSON.parse(r.after) as unknown),
  }));
}
