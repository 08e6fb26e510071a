// Fuzz target (d): malformed member imports (CSV and XLSX) over HTTP at a gateway in its own
// process. Invariants: every upload gets 200 with a per-row report or a 4xx `{error: {code,
// message}}`, never a 5xx or a dropped connection; a dry run or a refused file writes nothing (no
// table changes its row count); a real run adds exactly the members its report says it imported;
// the gateway is up afterwards and logged no error.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { FuzzTally, mutateBytes, oddValue, pickOne, randomBytes, randomInt, seededRandom, type FuzzResult } from './fuzz-result.js';
import { diffCounts, rowCounts, startChild, stopChild } from './gateway-frames.js';

export interface ImportOptions {
  files: number;
  seed: number;
  progress?: (line: string) => void;
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEADER = ['name', 'phone', 'gender', 'birthday', 'tags', 'address'];

function csvCell(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export async function fuzzMemberImports(options: ImportOptions): Promise<FuzzResult> {
  const tally = new FuzzTally('member imports (CSV/XLSX)');
  const random = seededRandom(options.seed);
  const dir = mkdtempSync(join(tmpdir(), 'pos-fuzz-import-'));
  const { child, fixture } = await startChild(1, dir);
  let exited: number | null | 'running' = 'running';
  child.once('exit', (code) => (exited = code));
  try {
    const login = await fetch(`${fixture.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fixture.login) });
    const token = ((await login.json()) as { token: string }).token;
    let phoneSeq = 0;
    const validRow = () => {
      phoneSeq += 1;
      return [`会员${phoneSeq}`, `139${String(10_000_000 + phoneSeq).slice(-8)}`, pickOne(random, ['女', '男', 'female', '']), pickOne(random, ['1990-05-20', '']), 'VIP;新客', '上海市'];
    };
    const csvOf = (rows: unknown[][]) => Buffer.from('\ufeff' + [HEADER, ...rows].map((r) => r.map((v) => csvCell(String(v))).join(',')).join('\r\n'), 'utf8');
    const xlsxOf = async (rows: unknown[][]) => {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('members');
      ws.addRow(HEADER);
      for (const r of rows) ws.addRow(r);
      return Buffer.from(await wb.xlsx.writeBuffer());
    };
    const oddRow = () => validRow().map((v) => (random() < 0.3 ? oddValue(random) : v));
    const baseCsv = csvOf(Array.from({ length: 20 }, validRow));
    const baseXlsx = await xlsxOf(Array.from({ length: 20 }, validRow));
    const kinds: [string, 'csv' | 'xlsx', () => Promise<Uint8Array> | Uint8Array][] = [
      ['csv random bytes', 'csv', () => randomBytes(random, 2000)],
      ['csv mutated bytes', 'csv', () => mutateBytes(random, baseCsv)],
      ['csv odd values', 'csv', () => csvOf(Array.from({ length: 1 + randomInt(random, 30) }, oddRow))],
      ['csv broken quoting', 'csv', () => Buffer.from(`name,phone\n"王,"13900000001\n"unterminated,139${randomInt(random, 1e8)}\n`)],
      ['csv headers only or none', 'csv', () => Buffer.from(pickOne(random, ['name,phone\n', 'foo,bar\n1,2\n', '\n\n\n', ',,,,\n,,,\n', '姓名,手机号,姓名\n张三,13900000002,李四\n']))],
      ['csv formula cells', 'csv', () => csvOf([['=HYPERLINK("http://x")', `139${String(randomInt(random, 1e8)).padStart(8, '0')}`, '', '', '+cmd', '@SUM(A1)']])],
      ['xlsx random bytes', 'xlsx', () => randomBytes(random, 4000)],
      ['xlsx mutated bytes', 'xlsx', () => mutateBytes(random, baseXlsx)],
      ['xlsx truncated', 'xlsx', () => baseXlsx.subarray(0, randomInt(random, baseXlsx.length))],
      ['xlsx odd values', 'xlsx', () => xlsxOf(Array.from({ length: 1 + randomInt(random, 20) }, () => oddRow().map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : v))))],
      ['csv sent as xlsx', 'xlsx', () => baseCsv],
    ];
    for (let i = 0; i < options.files; i += 1) {
      const [kind, format, make] = pickOne(random, kinds);
      const body = await make();
      const dryRun = random() < 0.7;
      const before = rowCounts(fixture.dbPath);
      tally.cases += 1;
      let status: number;
      let json: { imported?: number; rows?: number; error?: { code?: string; message?: string } } = {};
      try {
        const res = await fetch(`${fixture.url}/v1/imports/members?storeId=${fixture.storeId}&format=${format}&dryRun=${dryRun}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': format === 'csv' ? 'text/csv' : XLSX },
          body,
        });
        status = res.status;
        json = (await res.json().catch(() => ({}))) as typeof json;
      } catch (error) {
        tally.fail(`${kind} #${i}: request failed: ${(error as Error).message}`);
        continue;
      }
      const label = status === 200 ? '200 report' : `${status} ${json.error?.code ?? '?'}`;
      tally.count(`${kind}${dryRun ? ' (dry run)' : ''} → ${label}`);
      tally.check(status === 200 || (status >= 400 && status < 500 && typeof json.error?.code === 'string' && typeof json.error?.message === 'string'), `${kind} #${i}: HTTP ${status} ${JSON.stringify(json).slice(0, 300)}`);
      const after = rowCounts(fixture.dbPath);
      const members = (after.members ?? 0) - (before.members ?? 0);
      if (dryRun || status !== 200) {
        const changed = diffCounts(before, after);
        tally.check(changed.length === 0, `${kind} #${i} (${dryRun ? 'dry run' : `HTTP ${status}`}) changed rows: ${changed.join(', ')}`);
      } else {
        tally.check(members === json.imported, `${kind} #${i}: report says ${json.imported} imported, members grew by ${members}`);
      }
      if (i > 0 && i % 500 === 0) options.progress?.(`  imports: ${i} files`);
    }
    tally.check(exited === 'running', `the gateway process exited (${exited})`);
    const health = await fetch(`${fixture.url}/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status, (e: Error) => e.message);
    tally.check(health === 200, `GET /v1/auth/me after the fuzz: ${health}`);
    tally.note(`health after: process ${exited === 'running' ? 'up' : 'exited'}, GET /v1/auth/me ${health}`);
  } finally {
    await stopChild(child);
  }
  const log = readFileSync(fixture.logPath, 'utf8').split('\n').filter(Boolean);
  const errors = log.filter((l) => (JSON.parse(l) as { level: number }).level >= 50);
  tally.check(errors.length === 0, `gateway logged ${errors.length} error lines, first: ${errors[0]?.slice(0, 400)}`);
  tally.note(`gateway log lines at error or above: ${errors.length}`);
  rmSync(dir, { recursive: true, force: true });
  return tally.result();
}
