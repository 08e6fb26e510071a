// Bulk member import (企业批量导入) from CSV or XLSX: every row validated, a dry run reports each bad
// row without writing, and a real run inserts the good rows. Idempotent on phone: a phone that is
// already a member (or appears earlier in the file) is skipped, so re-running an import adds nothing.
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { z } from 'zod';
import { newId, normalizePhone } from '@pos/protocol';
import { writeAudit } from '../audit/audit-log.js';
import { assertStoreVisible, require } from '../auth/permissions.js';
import type { Actor, Clock } from '../context.js';
import { inTransaction, type GatewayDb } from '../db/database.js';
import { GatewayError } from '../errors.js';
import { normalizeTags } from '../members/member-service.js';

export const MAX_IMPORT_ROWS = 50_000;
const INSERT_BATCH = 200;
const LOOKUP_BATCH = 500;

/** Accepted column headers, English or Chinese, to the field they fill. */
const HEADERS: Record<string, 'name' | 'phone' | 'gender' | 'birthday' | 'tags' | 'address'> = {
  name: 'name', 姓名: 'name',
  phone: 'phone', mobile: 'phone', 手机: 'phone', 手机号: 'phone',
  gender: 'gender', 性别: 'gender',
  birthday: 'birthday', 生日: 'birthday',
  tags: 'tags', 标签: 'tags',
  address: 'address', 地址: 'address',
};
const GENDERS: Record<string, 'female' | 'male' | 'unknown'> = { female: 'female', f: 'female', 女: 'female', male: 'male', m: 'male', 男: 'male', unknown: 'unknown', '': 'unknown', 未知: 'unknown' };

const ImportRow = z.object({
  name: z.string().trim().min(1, 'name is required').max(100),
  phone: z.string().trim().min(1, 'phone is required').max(32),
  gender: z.string().trim().toLowerCase().refine((g) => g in GENDERS, 'gender must be female/male/女/男').default(''),
  birthday: z.union([z.literal(''), z.iso.date('birthday must be YYYY-MM-DD')]).default(''),
  tags: z.string().max(1000).default(''),
  address: z.string().max(400).default(''),
});

export interface RowError {
  /** 1-based line in the file, counting the header as line 1. */
  row: number;
  field: string;
  code: 'INVALID' | 'PHONE_INVALID' | 'DUPLICATE_IN_FILE';
  message: string;
}

export interface ImportReport {
  dryRun: boolean;
  rows: number;
  valid: number;
  imported: number;
  existing: number;
  errors: RowError[];
}

type Cells = Record<string, string>;

export function rowsFromCsv(data: Buffer): Cells[] {
  const text = data.toString('utf8').replace(/^\uFEFF/, '');
  try {
    return parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, relax_column_count: true, to: MAX_IMPORT_ROWS + 1 }) as Cells[];
  } catch (error) {
    throw new GatewayError('VALIDATION', `CSV 无法解析 / unreadable CSV: ${(error as Error).message}`, 'file');
  }
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value) return String(value.text);
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    return '';
  }
  return String(value);
}

export async function rowsFromXlsx(data: Buffer): Promise<Cells[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
  } catch (error) {
    throw new GatewayError('VALIDATION', `XLSX 无法解析 / unreadable XLSX: ${(error as Error).message}`, 'file');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const header: string[] = [];
  sheet.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => {
    header[col] = cellText(cell.value).trim();
  });
  const rows: Cells[] = [];
  for (let r = 2; r <= Math.min(sheet.rowCount, MAX_IMPORT_ROWS + 2); r += 1) {
    const row = sheet.getRow(r);
    if (!row.hasValues) continue;
    const cells: Cells = {};
    header.forEach((h, col) => {
      if (h) cells[h] = cellText(row.getCell(col).value).trim();
    });
    rows.push(cells);
  }
  return rows;
}

interface GoodRow {
  line: number;
  name: string;
  phone: string;
  gender: 'female' | 'male' | 'unknown';
  birthday: string | null;
  address: string | null;
  tags: string[];
}

export class MemberImporter {
  constructor(
    private readonly gdb: GatewayDb,
    private readonly clock: Clock,
  ) {}

  async import(actor: Actor, input: { rows: Cells[]; storeId: string; dryRun: boolean }): Promise<ImportReport> {
    require(actor, 'import');
    await assertStoreVisible(this.gdb.db, actor, input.storeId);
    if (input.rows.length > MAX_IMPORT_ROWS) throw new GatewayError('PAYLOAD_TOO_LARGE', `最多 ${MAX_IMPORT_ROWS} 行 / at most ${MAX_IMPORT_ROWS} rows`, 'file');
    const errors: RowError[] = [];
    const good: GoodRow[] = [];
    const seen = new Map<string, number>();
    input.rows.forEach((raw, i) => {
      const line = i + 2;
      const mapped: Record<string, string> = {};
      for (const [key, value] of Object.entries(raw)) {
        const field = HEADERS[key.trim().toLowerCase()] ?? HEADERS[key.trim()];
        if (field) mapped[field] = value;
      }
      const parsed = ImportRow.safeParse(mapped);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        errors.push({ row: line, field: String(issue?.path[0] ?? 'row'), code: 'INVALID', message: issue?.message ?? 'invalid' });
        return;
      }
      const phone = normalizePhone(parsed.data.phone);
      if (phone === null) {
        errors.push({ row: line, field: 'phone', code: 'PHONE_INVALID', message: '手机号无效 / invalid phone number' });
        return;
      }
      const first = seen.get(phone);
      if (first !== undefined) {
        errors.push({ row: line, field: 'phone', code: 'DUPLICATE_IN_FILE', message: `与第 ${first} 行手机号重复 / same phone as line ${first}` });
        return;
      }
      seen.set(phone, line);
      good.push({
        line,
        name: parsed.data.name,
        phone,
        gender: GENDERS[parsed.data.gender] ?? 'unknown',
        birthday: parsed.data.birthday || null,
        address: parsed.data.address || null,
        tags: normalizeTags(parsed.data.tags.split(/[;|,，；]/)).slice(0, 32),
      });
    });

    // Phones that are already members are skipped: importing the same file twice adds nothing.
    const existingPhones = new Set<string>();
    for (let i = 0; i < good.length; i += LOOKUP_BATCH) {
      const phones = good.slice(i, i + LOOKUP_BATCH).map((g) => g.phone);
      const rows = await this.gdb.db.selectFrom('members').select('phone').where('merchant_id', '=', actor.merchantId).where('phone', 'in', phones).execute();
      for (const r of rows) if (r.phone) existingPhones.add(r.phone);
    }
    const fresh = good.filter((g) => !existingPhones.has(g.phone));
    const report: ImportReport = { dryRun: input.dryRun, rows: input.rows.length, valid: good.length, imported: 0, existing: good.length - fresh.length, errors };
    if (input.dryRun || fresh.length === 0) return report;

    for (let i = 0; i < fresh.length; i += INSERT_BATCH) {
      const batch = fresh.slice(i, i + INSERT_BATCH);
      report.imported += await inTransaction(this.gdb, async (trx) => {
        const now = this.clock.nowMs();
        const values = batch.map((g) => ({
          merchant_id: actor.merchantId,
          id: newId(now),
          name: g.name,
          name_lower: g.name.toLowerCase(),
          phone: g.phone,
          gender: g.gender,
          birthday: g.birthday,
          anniversary: null,
          address: g.address,
          store_id: input.storeId,
          referrer_id: null,
          attributes: '{}',
          tier_id: null,
          growth: 0,
          status: 'active',
          created_at: now,
          updated_at: now,
        }));
        // A concurrent import of the same phone loses quietly: the unique (merchant, phone) index decides.
        const inserted = await trx
          .insertInto('members')
          .values(values)
          .onConflict((oc) => oc.columns(['merchant_id', 'phone']).doNothing())
          .returning(['id', 'phone'])
          .execute();
        const byPhone = new Map(batch.map((g) => [g.phone, g]));
        const tagRows = inserted.flatMap((m) => (byPhone.get(m.phone ?? '')?.tags ?? []).map((tag) => ({ merchant_id: actor.merchantId, member_id: m.id, tag })));
        if (tagRows.length) await trx.insertInto('member_tags').values(tagRows).execute();
        await writeAudit(trx, actor, now, {
          action: 'member.import',
          entityType: 'store',
          entityId: input.storeId,
          after: { lines: [batch[0]?.line, batch[batch.length - 1]?.line], imported: inserted.length, memberIds: inserted.map((m) => m.id) },
        });
        return inserted.length;
      });
    }
    report.existing = good.length - report.imported;
    return report;
  }
}
