// POST /v1/imports/members (CSV or XLSX body, dry run) and GET /v1/exports/{members,ledger}.
import { z } from '@hono/zod-openapi';
import { ledgerTable, membersTable, render, salesTable } from '../../import-export/exporter.js';
import { MemberImporter, rowsFromCsv, rowsFromXlsx } from '../../import-export/member-import.js';
import type { Services } from '../../services.js';
import { GatewayError } from '../../errors.js';
import { addRoute, type GatewayApp } from '../route.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ImportQuery = z.object({
  storeId: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/),
  format: z.enum(['csv', 'xlsx']).default('csv'),
  dryRun: z.enum(['true', 'false']).default('true').transform((v) => v === 'true').openapi({ description: 'default true: validate and report only' }),
});
const ImportReportSchema = z.object({
  dryRun: z.boolean(), rows: z.number(), valid: z.number(), imported: z.number(), existing: z.number(),
  errors: z.array(z.object({ row: z.number(), field: z.string(), code: z.string(), message: z.string() })),
}).openapi('ImportReport');
const ExportQuery = z.object({ format: z.enum(['csv', 'xlsx']).default('csv') });
const MemberExportQuery = ExportQuery.extend({ phones: z.enum(['masked', 'full']).default('masked').openapi({ description: 'full: E.164 phone numbers (403 without the member.pii right)' }) });
const LedgerExportQuery = ExportQuery.extend({ fromMs: z.coerce.number().int().optional(), toMs: z.coerce.number().int().optional() });
const MemberLedgerExportQuery = LedgerExportQuery.extend({ memberId: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/).optional().openapi({ description: "one member's ledger" }) });

export function importExportRoutes(app: GatewayApp, s: Services): void {
  const importer = new MemberImporter(s.gdb, s.clock);
  addRoute(
    app,
    { method: 'post', path: '/v1/imports/members', tag: 'import/export', summary: 'Import members from CSV or XLSX; idempotent on phone; dry run reports each bad row', query: ImportQuery, rawBody: { contentTypes: ['text/csv', XLSX] }, response: ImportReportSchema },
    async ({ actor, query, c }) => {
      const data = Buffer.from(await c.req.arrayBuffer());
      if (data.length === 0) throw new GatewayError('VALIDATION', '文件为空 / empty file', 'file');
      const rows = query.format === 'csv' ? rowsFromCsv(data) : await rowsFromXlsx(data);
      return importer.import(actor, { rows, storeId: query.storeId, dryRun: query.dryRun });
    },
  );
  const send = async (c: { body: (b: Uint8Array, s: 200, h: Record<string, string>) => Response }, file: Awaited<ReturnType<typeof render>>) =>
    c.body(file.body, 200, { 'content-type': file.contentType, 'content-disposition': `attachment; filename="${file.filename}"` });
  addRoute(app, { method: 'get', path: '/v1/exports/members', tag: 'import/export', summary: 'Members in scope as CSV or XLSX (phones masked; `phones=full` needs the member.pii right, HQ only)', query: MemberExportQuery, produces: ['text/csv', XLSX] }, async ({ actor, query, c }) =>
    send(c as never, await render(await membersTable(s.gdb, actor, { fullPhones: query.phones === 'full' }), query.format)),
  );
  addRoute(app, { method: 'get', path: '/v1/exports/ledger', tag: 'import/export', summary: 'Ledger transactions in scope (or of one member) as CSV or XLSX (amounts in fen)', query: MemberLedgerExportQuery, produces: ['text/csv', XLSX] }, async ({ actor, query, c }) =>
    send(c as never, await render(await ledgerTable(s.gdb, actor, query), query.format)),
  );
  addRoute(app, { method: 'get', path: '/v1/exports/sales', tag: 'import/export', summary: 'Synced sales and refunds in scope as CSV or XLSX (amounts in fen; refunds negative)', query: LedgerExportQuery, produces: ['text/csv', XLSX] }, async ({ actor, query, c }) =>
    send(c as never, await render(await salesTable(s.gdb, actor, query), query.format)),
  );
}
