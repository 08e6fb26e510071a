// Rule set drafts → immutable published versions validated by the engine's RuleSet; member import
// from a 10,000-row CSV with bad rows (dry run, real run, re-run) and from XLSX; exports to CSV/XLSX.
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../gateway/src/context.js';
import { syncDb } from '../../gateway/src/sync/sync-tables.js';
import { DIALECTS } from './harness.js';
import { login, startTestGateway, type Client, type TestGateway } from './http-harness.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** 10,000 data rows; the bad ones are known by construction. */
function bigCsv(): { csv: string; bad: Map<number, string>; good: number } {
  const lines = ['姓名,手机号,性别,生日,标签'];
  const bad = new Map<number, string>();
  for (let i = 0; i < 10_000; i += 1) {
    const line = i + 2;
    let name = `会员${i}`;
    let phone = `1380${String(i).padStart(7, '0')}`;
    let birthday = '1990-01-15';
    if (i % 500 === 7) {
      phone = '12345';
      bad.set(line, 'phone');
    } else if (i % 500 === 99) {
      name = '';
      bad.set(line, 'name');
    } else if (i % 1000 === 123) {
      birthday = '1990-02-30x';
      bad.set(line, 'birthday');
    } else if (i % 1000 === 456) {
      phone = '13800000000'; // the phone of row 0: a duplicate within the file
      bad.set(line, 'phone');
    }
    lines.push(`${name},${phone},${i % 2 ? '女' : '男'},${birthday},${i % 10 === 0 ? 'vip;老客' : ''}`);
  }
  return { csv: lines.join('\n'), bad, good: 10_000 - bad.size };
}

describe.each(DIALECTS)('rule sets, import and export on %s', (dialect) => {
  let t: TestGateway;
  let hq: Client;
  let storeId: string;
  beforeAll(async () => {
    t = await startTestGateway(dialect);
    const s = t.gw.services;
    const m = await s.hierarchy.createMerchant({ code: 'chain', name: '连锁' });
    const sys = systemActor(m.id);
    const region = await s.hierarchy.createRegion(sys, { name: '华北' });
    storeId = (await s.hierarchy.createStore(sys, { regionId: region.id, code: 'BJ01', name: '北京店' })).id;
    await s.hierarchy.createStaff(sys, { username: 'hq', displayName: 'HQ', password: 'password-hq', role: 'hq_admin' });
    await s.hierarchy.createStaff(sys, { username: 'clerk', displayName: '收银', password: 'password-clerk', role: 'cashier', storeId });
    hq = await login(t.client, 'chain', 'hq', 'password-hq');
  });
  afterAll(async () => t?.close());

  it('publishes drafts as numbered immutable versions, refusing content the engine rejects', async () => {
    const draft = await hq.post('/v1/rule-sets/drafts', { name: '2026 春季', content: { tiers: [{ name: '银卡' }] } });
    expect(draft.status).toBe(201);
    expect(draft.body.validation).toMatchObject({ ok: false, field: 'content.tiers.0.tierId' });
    const refused = await hq.post(`/v1/rule-sets/drafts/${draft.body.id}/publish`);
    expect([refused.status, refused.body.error.code, refused.body.error.field]).toEqual([422, 'RULE_SET_INVALID', 'content.tiers.0.tierId']);
    expect((await hq.get('/v1/rule-sets/active')).status).toBe(404);

    const fixed = await hq.put(`/v1/rule-sets/drafts/${draft.body.id}`, { content: { settings: { rounding: 'jiao' } } });
    expect(fixed.body.validation).toEqual({ ok: true });
    const v1 = await hq.post(`/v1/rule-sets/drafts/${draft.body.id}/publish`);
    expect(v1.status).toBe(201);
    expect(v1.body.version).toBe(1);
    expect(v1.body.rules).toMatchObject({ version: 1, settings: { rounding: 'jiao', storedValueOrder: 'principalFirst' }, tiers: [] });
    // Editing the draft afterwards does not touch the published version.
    await hq.put(`/v1/rule-sets/drafts/${draft.body.id}`, { content: { settings: { rounding: 'yuan' } } });
    const v2 = await hq.post(`/v1/rule-sets/drafts/${draft.body.id}/publish`);
    expect(v2.body.version).toBe(2);
    expect((await hq.get('/v1/rule-sets/versions/1')).body.rules.settings.rounding).toBe('jiao');
    expect((await hq.get('/v1/rule-sets/active')).body).toMatchObject({ version: 2, rules: { settings: { rounding: 'yuan' } } });
    expect((await hq.get('/v1/rule-sets/versions')).body.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const clerk = await login(t.client, 'chain', 'clerk', 'password-clerk');
    expect((await clerk.get('/v1/rule-sets/active')).body.version).toBe(2);
    expect((await clerk.post('/v1/rule-sets/drafts', { name: 'x', content: {} })).status).toBe(403);
  });

  it('imports a 10,000-row CSV: the dry run reports each bad row, the real run imports the rest, a re-run adds nothing', async () => {
    const { csv, bad, good } = bigCsv();
    const post = (dryRun: boolean) => hq.request('POST', `/v1/imports/members?storeId=${storeId}&format=csv&dryRun=${dryRun}`, csv, { 'content-type': 'text/csv' });
    const dry = await post(true);
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, rows: 10_000, valid: good, imported: 0, existing: 0 });
    expect(dry.body.errors.map((e: { row: number; field: string }) => [e.row, e.field])).toEqual([...bad.entries()].sort((a, b) => a[0] - b[0]));
    expect(dry.body.errors.find((e: { row: number }) => e.row === 458)).toEqual({ row: 458, field: 'phone', code: 'DUPLICATE_IN_FILE', message: '与第 2 行手机号重复 / same phone as line 2' });
    expect((await hq.get('/v1/reports/summary')).body.members).toBe(0);

    const real = await post(false);
    expect(real.body).toMatchObject({ dryRun: false, rows: 10_000, valid: good, imported: good, existing: 0 });
    expect((await hq.get('/v1/reports/summary')).body.members).toBe(good);
    const again = await post(false);
    expect(again.body).toMatchObject({ imported: 0, existing: good });
    expect((await hq.get('/v1/reports/summary')).body.members).toBe(good);
    const tagged = await hq.get(`/v1/members?tag=${encodeURIComponent('老客')}&limit=200`);
    expect(tagged.body.items.length).toBe(200);
    const one = await hq.get(`/v1/members?phone=13800000010`);
    expect(one.body.items).toMatchObject([{ name: '会员10', phoneMasked: '138****0010', gender: 'male', tags: ['vip', '老客'] }]);
  });

  it('imports XLSX with numeric phones and date cells', async () => {
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('会员');
    sheet.addRow(['name', 'phone', 'birthday', 'tags']);
    sheet.addRow(['表格一', 13712340001, new Date(Date.UTC(1988, 6, 9)), '团购']);
    sheet.addRow(['表格二', 'not a phone', '', '']);
    const body = new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
    const r = await hq.request('POST', `/v1/imports/members?storeId=${storeId}&format=xlsx&dryRun=false`, body, { 'content-type': XLSX });
    expect(r.body).toMatchObject({ rows: 2, valid: 1, imported: 1, errors: [{ row: 3, field: 'phone', code: 'PHONE_INVALID' }] });
    const m = (await hq.get('/v1/members?phone=13712340001')).body.items[0];
    const detail = (await hq.get(`/v1/members/${m.id}`)).body;
    expect(detail).toMatchObject({ name: '表格一', phone: '+8613712340001', birthday: '1988-07-09', tags: ['团购'] });
  });

  it('exports members and the ledger to CSV and XLSX, phones masked, amounts in fen', async () => {
    const s = t.gw.services;
    const hqActor = await s.auth.authenticate(hq.token!);
    const type = await s.cards.createCardType(hqActor, { name: '普通卡', kind: 'personal', level: 'regular', discountPerMille: 1000, offlineLimitFen: 0, tierId: null });
    const member = (await hq.get('/v1/members?phone=13800000010')).body.items[0];
    await s.cards.issueCard(hqActor, { memberId: member.id, cardTypeId: type.id, cardNo: '7700000010' });
    await hq.post('/v1/recharges', { idempotencyKey: 'exp-1', cardNo: '7700000010', paidFen: 12_345 });

    const csv = await hq.get('/v1/exports/members?format=csv');
    expect(csv.status).toBe(200);
    const records = parse(csv.text.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    const { good } = bigCsv();
    expect(records.length).toBe(good + 1);
    expect(records.find((r) => r.name === '会员10')).toMatchObject({ phone_masked: '138****0010', tags: 'vip;老客' });
    expect(csv.text).not.toContain('13800000010');

    const res = await fetch(`${t.gw.url}/v1/exports/ledger?format=xlsx`, { headers: { authorization: `Bearer ${hq.token}` } });
    expect(res.headers.get('content-type')).toBe(XLSX);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const sheet = wb.worksheets[0]!;
    expect(sheet.getRow(1).values).toEqual([undefined, 'transaction_id', 'created_at', 'kind', 'card_no', 'member_id', 'amount', 'principal_fen', 'bonus_fen', 'refunded_fen', 'reason', 'store_id', 'staff_id', 'idempotency_key']);
    expect(sheet.rowCount).toBe(2);
    const row = sheet.getRow(2).values as unknown[];
    expect([row[3], row[4], row[6], row[7], row[8], row[13]]).toEqual(['recharge', '7700000010', 12_345, 12_345, 0, 'exp-1']);
  });

  it('exports synced sales and refunds, refunds negative, scoped to the stores the user sees', async () => {
    // The rows sync (test/sync) stores for each applied event; written directly here to test the export alone.
    const merchantId = (await t.gw.services.auth.authenticate(hq.token!)).merchantId;
    const sale = {
      eventId: '01KAAAAAAAAAAAAAAAAAAAAAA1', saleId: '01KAAAAAAAAAAAAAAAAAAAAAS1', receiptNo: 'BJ01-000001', occurredAt: '2026-03-01T10:00:00+08:00', businessDate: '2026-03-01',
      memberId: null, totals: { grossFen: 2_500, discountFen: 300, pointsCashFen: 0, roundingFen: 0, payableFen: 2_200 }, tenders: [{ kind: 'cash', amountFen: 2_200 }], pointsEarned: 0, pointsSpent: 0,
    };
    const refund = { eventId: '01KAAAAAAAAAAAAAAAAAAAAAA2', saleId: sale.saleId, receiptNo: sale.receiptNo, occurredAt: '2026-03-01T11:00:00+08:00', memberId: null, refundFen: 1_000, tenders: [{ kind: 'cash', amountFen: 1_000 }], pointsReversed: 0 };
    for (const [type, body] of [['saleCommitted', sale], ['saleRefunded', refund]] as const) {
      await syncDb(t.gw.services.gdb).insertInto('sync_events').values({
        merchant_id: merchantId, event_id: body.eventId, terminal_id: '01KAAAAAAAAAAAAAAAAAAAAAT1', store_id: storeId, type, sale_id: sale.saleId,
        occurred_at: body.occurredAt, received_at: t.clock.nowMs(), offline: 1, body: JSON.stringify(body),
      } as never).execute();
    }
    const csv = await hq.get('/v1/exports/sales?format=csv');
    const rows = parse(csv.text.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.type, r.receipt_no, r.payable_fen, r.tenders_fen, r.offline])).toEqual([
      ['sale', 'BJ01-000001', '2200', 'cash:2200', '1'],
      ['refund', 'BJ01-000001', '-1000', 'cash:1000', '1'],
    ]);
  });
});
