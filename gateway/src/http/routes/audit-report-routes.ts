// The audit log (HQ) and the reports placeholder.
import { z } from '@hono/zod-openapi';
import { IsoTimestamp } from '@pos/protocol';
import { listAudit } from '../../audit/audit-query.js';
import { summaryReport } from '../../reports/summary-report.js';
import type { Services } from '../../services.js';
import { addRoute, type GatewayApp } from '../route.js';
import { Paging, pageOf } from '../schemas.js';

const AuditQuery = Paging.extend({ entityType: z.string().max(32).optional(), entityId: z.string().max(64).optional() });
const AuditRecordSchema = z.object({
  id: z.string(), staffId: z.string().nullable(), role: z.string().nullable(), storeId: z.string().nullable(), at: z.number(),
  action: z.string(), entityType: z.string(), entityId: z.string(), before: z.unknown(), after: z.unknown(),
}).openapi('AuditRecord');
const SummarySchema = z.object({
  members: z.number(), cards: z.number(), storedValue: z.object({ principalFen: z.number(), bonusFen: z.number() }), pointsOutstanding: z.number(),
  membersAdded: z.number().optional().openapi({ description: 'members in scope who joined at or after addedSince (only with addedSince)' }),
}).openapi('SummaryReport');
const SummaryQuery = z.object({ addedSince: IsoTimestamp.optional().openapi({ description: 'count the members who joined at or after this instant', example: '2026-11-01T00:00:00+08:00' }) });

export function auditReportRoutes(app: GatewayApp, s: Services): void {
  addRoute(app, { method: 'get', path: '/v1/audit', tag: 'audit', summary: 'Audit log: who, role, store, when, what, before/after (HQ)', query: AuditQuery, response: pageOf(AuditRecordSchema) }, ({ actor, query }) => listAudit(s.gdb, actor, query));
  addRoute(app, { method: 'get', path: '/v1/reports/summary', tag: 'reports', summary: 'Members (and those who joined since a moment), outstanding stored value (fen) and points in scope', query: SummaryQuery, response: SummarySchema }, ({ actor, query }) => summaryReport(s.gdb, actor, query));
}
