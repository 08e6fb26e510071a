// Exports of members and ledger transactions to CSV (UTF-8 with BOM, so Excel reads Chinese) and
// XLSX. Phones are masked in exports unless the actor holds `member.pii` and asks for them in full;
// amounts are integer fen in columns named *_fen.
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { maskPhone, type SaleCommittedBody, type SaleRefundedBody } from '@pos/protocol';
import { require, storesInScope } from '../auth/permissions.js';
import type { Actor } from '../context.js';
import type { GatewayDb } from '../db/database.js';
import { GatewayError } from '../errors.js';
import { syncDb } from '../sync/sync-tables.js';

export const MAX_EXPORT_ROWS = 100_000;
export type ExportFormat = 'csv' | 'xlsx';

export interface Table {
  name: string;
  columns: string[];
  rows: (string | number | null)[][];
}

export async function render(table: Table, format: ExportFormat): Promise<{ body: Uint8Array; contentType: string; filename: string }> {
  if (format === 'csv') {
    const text = '\uFEFF' + stringify([table.columns, ...table.rows]);
    return { body: new TextEncoder().encode(text), contentType: 'text/csv; charset=utf-8', filename: `${table.name}.csv` };
  }
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(table.name);
  sheet.addRow(table.columns);
  sheet.getRow(1).font = { bold: true };
  for (const row of table.rows) sheet.addRow(row);
  const buffer = await workbook.xlsx.writeBuffer();
  return { body: new Uint8Array(buffer as ArrayBuffer), contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', filename: `${table.name}.xlsx` };
}

function tooMany(n: number): void {
  if (n > MAX_EXPORT_ROWS) throw new GatewayError('PAYLOAD_TOO_LARGE', `导出超过 ${MAX_EXPORT_ROWS} 行，请缩小范围 / more than ${MAX_EXPORT_ROWS} rows; narrow the export`);
}

export async function membersTable(gdb: GatewayDb, actor: Actor, options: { fullPhones?: boolean } = {}): Promise<Table> {
  require(actor, 'export');
  if (options.fullPhones) require(actor, 'member.pii');
  const scope = await storesInScope(gdb.db, actor);
  let q = gdb.db.selectFrom('members').selectAll().where('merchant_id', '=', actor.merchantId);
  if (scope !== 'all') q = q.where('store_id', 'in', scope.length ? scope : ['-']);
  const rows = await q.orderBy('id').limit(MAX_EXPORT_ROWS + 1).execute();
  tooMany(rows.length);
  const tags = new Map<string, string[]>();
  const tagRows = await gdb.db.selectFrom('member_tags').select(['member_id', 'tag']).where('merchant_id', '=', actor.merchantId).orderBy('tag').execute();
  for (const t of tagRows) tags.set(t.member_id, [...(tags.get(t.member_id) ?? []), t.tag]);
  return {
    name: 'members',
    columns: ['member_id', 'name', options.fullPhones ? 'phone' : 'phone_masked', 'gender', 'birthday', 'store_id', 'tier_id', 'growth', 'status', 'tags', 'created_at'],
    rows: rows.map((m) => [m.id, m.name, m.phone ? (options.fullPhones ? m.phone : maskPhone(m.phone)) : '', m.gender ?? '', m.birthday ?? '', m.store_id, m.tier_id ?? '', Number(m.growth), m.status, (tags.get(m.id) ?? []).join(';'), new Date(Number(m.created_at)).toISOString()]),
  };
}

export async function ledgerTable(gdb: GatewayDb, actor: Actor, range: { fromMs?: number | undefined; toMs?: number | undefined; memberId?: string | undefined }): Promise<Table> {
  require(actor, 'export');
  const scope = await storesInScope(gdb.db, actor);
  let q = gdb.db
    .selectFrom('ledger_transactions as t')
    .leftJoin('cards as c', (j) => j.onRef('c.merchant_id', '=', 't.merchant_id').onRef('c.id', '=', 't.card_id'))
    .select(['t.id', 't.kind', 't.idempotency_key', 't.member_id', 'c.card_no', 't.amount', 't.refunded_amount', 't.reason', 't.store_id', 't.staff_id', 't.created_at', 't.result'])
    .where('t.merchant_id', '=', actor.merchantId);
  if (scope !== 'all') q = q.where('t.store_id', 'in', scope.length ? scope : ['-']);
  if (range.fromMs !== undefined) q = q.where('t.created_at', '>=', range.fromMs);
  if (range.toMs !== undefined) q = q.where('t.created_at', '<', range.toMs);
  if (range.memberId !== undefined) q = q.where('t.member_id', '=', range.memberId);
  const rows = await q.orderBy('t.id').limit(MAX_EXPORT_ROWS + 1).execute();
  tooMany(rows.length);
  return {
    name: 'ledger',
    columns: ['transaction_id', 'created_at', 'kind', 'card_no', 'member_id', 'amount', 'principal_fen', 'bonus_fen', 'refunded_fen', 'reason', 'store_id', 'staff_id', 'idempotency_key'],
    rows: rows.map((r) => {
      const result = JSON.parse(r.result) as { principalFen?: number; bonusFen?: number };
      return [r.id, new Date(Number(r.created_at)).toISOString(), r.kind, r.card_no ?? '', r.member_id ?? '', Number(r.amount), result.principalFen ?? '', result.bonusFen ?? '', Number(r.refunded_amount), r.reason ?? '', r.store_id ?? '', r.staff_id ?? '', r.idempotency_key];
    }),
  };
}

/** Sales and refunds as synced from the terminals (one row per event; refunds negative), amounts in fen. */
export async function salesTable(gdb: GatewayDb, actor: Actor, range: { fromMs?: number | undefined; toMs?: number | undefined }): Promise<Table> {
  require(actor, 'export');
  const scope = await storesInScope(gdb.db, actor);
  let q = syncDb(gdb)
    .selectFrom('sync_events')
    .select(['event_id', 'type', 'store_id', 'terminal_id', 'occurred_at', 'received_at', 'offline', 'body'])
    .where('merchant_id', '=', actor.merchantId)
    .where('type', 'in', ['saleCommitted', 'saleRefunded']);
  if (scope !== 'all') q = q.where('store_id', 'in', scope.length ? scope : ['-']);
  if (range.fromMs !== undefined) q = q.where('received_at', '>=', range.fromMs);
  if (range.toMs !== undefined) q = q.where('received_at', '<', range.toMs);
  const rows = await q.orderBy('event_id').limit(MAX_EXPORT_ROWS + 1).execute();
  tooMany(rows.length);
  const tenders = (list: { kind: string; amountFen: number }[]) => list.map((t) => `${t.kind}:${t.amountFen}`).join(';');
  return {
    name: 'sales',
    columns: ['event_id', 'type', 'sale_id', 'receipt_no', 'occurred_at', 'business_date', 'store_id', 'terminal_id', 'member_id', 'gross_fen', 'discount_fen', 'payable_fen', 'tenders_fen', 'points_earned', 'points_spent', 'offline'],
    rows: rows.map((r) => {
      if (r.type === 'saleCommitted') {
        const b = JSON.parse(r.body) as SaleCommittedBody;
        return [r.event_id, 'sale', b.saleId, b.receiptNo, b.occurredAt, b.businessDate, r.store_id, r.terminal_id, b.memberId ?? '', b.totals.grossFen, b.totals.discountFen, b.totals.payableFen, tenders(b.tenders), b.pointsEarned, b.pointsSpent, Number(r.offline)];
      }
      const b = JSON.parse(r.body) as SaleRefundedBody;
      return [r.event_id, 'refund', b.saleId, b.receiptNo, b.occurredAt, '', r.store_id, r.terminal_id, b.memberId ?? '', '', '', -b.refundFen, tenders(b.tenders), '', -b.pointsReversed, Number(r.offline)];
    }),
  };
}
