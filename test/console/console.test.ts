// The HQ console in real headless Chromium against the demo stack (gateway on embedded SQLite with
// the demo data, one terminal enrolled and synced over the signed WebSocket). It signs in as HQ and
// as a store manager, recharges a member found by phone, creates, previews and publishes a 满减
// campaign and sees the version reach the terminal, imports a CSV with bad rows, exports members as
// XLSX and reads them back with exceljs. Screenshots of the main screens go to docs/screens/.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PriceInput, price } from '@pos/engine';
import { ensureAdminBuilt } from '../../gateway/src/admin/ensure-admin-built.js';
import { DEMO_PASSWORD } from '../../gateway/src/demo/seed-demo.js';
import { DEMO_ITEMS, startDemoStack, until, type DemoStack } from '../../scripts/demo-stack.js';
import { runPageCommand } from '@pos/terminal';
import { holdoutBucket } from '../../gateway/src/marketing/holdout.js';
import { SEGMENTS } from '../../gateway/admin/src/segments.js';
import { silentLogger } from '../gateway/harness.js';
import { Client } from '../gateway/http-harness.js';
import { waitFor } from '../sync/sync-stack.js';
import { launchChromium } from '../support/browser.js';

const SCREENS = resolve('docs/screens');
const VIEWPORT = { width: 1440, height: 900 };

const pageErrors: string[] = [];
let salePayableFen = 0;
let stack: DemoStack;
let browser: Browser;
let root: string;

async function api(username: string): Promise<Client> {
  const base = new Client(stack.gateway.url);
  const r = await base.post('/v1/auth/login', { merchantCode: 'demo', username, password: DEMO_PASSWORD });
  expect(r.status).toBe(200);
  return base.withToken(r.body.token);
}

async function signIn(username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT, acceptDownloads: true, locale: 'zh-CN' });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${username}: ${e.message}`));
  await page.goto(`${stack.gateway.url}/admin/`);
  await inputOf(page, 'login-username').fill(username);
  await inputOf(page, 'login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('whoami').waitFor();
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  // Charts animate in; let them settle so the picture shows the figures.
  await page.waitForTimeout(900);
  await page.screenshot({ path: join(SCREENS, `${name}.png`), fullPage: false });
}

/** The <input> a test id names: antd puts the id on the input itself or on its wrapper. */
function inputOf(page: Page, testId: string) {
  return page.locator(`[data-testid="${testId}"]`).locator('xpath=descendant-or-self::input').first();
}

async function tableRows(page: Page, testId: string): Promise<string[]> {
  await page.locator(`[data-testid="${testId}"] .ant-spin-spinning`).waitFor({ state: 'detached' }).catch(() => undefined);
  return page.locator(`[data-testid="${testId}"] tbody tr.ant-table-row`).allInnerTexts();
}

const UI_TIMEOUT_MS = 10_000;
const textOf = (l: Locator) => l.textContent({ timeout: 500 }).catch(() => null);
/** Waits until the element's text contains (or, exact, equals) `text`. */
async function see(l: Locator, text: string, exact = false): Promise<void> {
  if (exact) await expect.poll(() => textOf(l), { timeout: UI_TIMEOUT_MS }).toBe(text);
  else await expect.poll(() => textOf(l), { timeout: UI_TIMEOUT_MS }).toContain(text);
}

/** The first non-empty cell of a row's text (a selection checkbox column has none). */
function firstCell(row: string): string {
  return row.split('\t').map((c) => c.trim()).filter(Boolean)[0] ?? '';
}

async function pickOption(page: Page, selectTestId: string, optionText: string): Promise<void> {
  const option = page.locator(`.ant-select-dropdown .ant-select-item-option[title="${optionText}"]`).last();
  // A select inside a modal that is still animating in may not open on the first click.
  for (let attempt = 1; ; attempt++) {
    await page.getByTestId(selectTestId).click();
    const shown = await option.waitFor({ state: 'visible', timeout: 2_000 }).then(() => true, () => false);
    if (shown) break;
    if (attempt === 3) throw new Error(`option ${optionText} of ${selectTestId} never showed`);
  }
  await option.click();
}

beforeAll(async () => {
  await ensureAdminBuilt();
  root = join(tmpdir(), `pos-console-${process.pid}`);
  stack = await startDemoStack({ root, logger: silentLogger });
  browser = await launchChromium();
  mkdirSync(SCREENS, { recursive: true });
  // The demo stack's rule set (v2) has no recharge plans: HQ adds the demo merchant's two plans
  // (as seedDemo defines them) and publishes v3 before the console is used.
  const hq = await api('hq');
  const active = (await hq.get('/v1/rule-sets/active')).body;
  const plans = (await hq.get('/v1/rule-sets/versions/1')).body.rules.rechargePlans;
  expect(plans.map((p: { planId: string }) => p.planId)).toEqual(['topup-500', 'every-100']);
  const { version: _v, ...rules } = active.rules;
  const draft = await hq.post('/v1/rule-sets/drafts', { name: '会员日规则 + 充值方案', content: { ...rules, rechargePlans: plans } });
  expect((await hq.post(`/v1/rule-sets/drafts/${draft.body.id}/publish`)).body.version).toBe(3);
  await waitFor('the terminal to hold rule set v3', () => stack.terminal.store.activeRuleSet()?.version === 3, 15_000);
  // One member sale through the simulated scanner and card reader, as `npm start` makes it, so the
  // dashboard and the member's orders have something real to show.
  const { terminal, sim } = stack;
  for (const item of [DEMO_ITEMS[0]!, DEMO_ITEMS[1]!, DEMO_ITEMS[3]!]) {
    await sim.device('scanner', 'scanner').device.scan(item.barcodes[0]!);
    await new Promise((r) => setTimeout(r, 150));
  }
  await until('3 scanned lines', () => terminal.checkout.state.lines.length === 3);
  await sim.device('magstripe', 'magstripe').device.swipe({ pan: stack.cardNo, name: 'WANG/XIAOMING', expiryYymm: '3012', serviceCode: '101', discretionary: '000000' });
  await until('the member card', () => terminal.checkout.state.member !== null);
  const payable = terminal.checkout.state.priced!.totals.payableFen;
  await runPageCommand({ type: 'pay', tenders: [{ kind: 'cash', amountFen: Math.ceil(payable / 1000) * 1000 }] }, terminal.checkout, terminal.bus);
  await until('the committed sale', () => terminal.checkout.state.committed !== null);
  await terminal.sync.whenDrained();
  salePayableFen = payable;
}, 240_000);

afterEach(() => {
  expect(pageErrors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe('HQ console', () => {
  it('shows HQ the whole merchant and a store manager only its store', async () => {
    const hq = await signIn('hq');
    await hq.getByText('会员数').waitFor();
    // Today's figure is the synced sale of the setup, as the sales report sums it.
    const yuanText = (fen: number) => `¥${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;
    expect(salePayableFen).toBeGreaterThan(0);
    await see(hq.getByTestId('kpi-today'), yuanText(salePayableFen));
    // Every other figure as the reports API gives it: the one sale of the setup is this month's only
    // sale and a member's; members who joined today / this month counted on the China calendar.
    const client = await api('hq');
    await see(hq.getByTestId('kpi-today-sales'), '笔数 1', true);
    await see(hq.getByTestId('kpi-month'), yuanText(salePayableFen));
    await see(hq.getByTestId('kpi-month-sales'), '笔数 1', true);
    await see(hq.getByTestId('kpi-member-share'), '100.00%');
    const chinaDay = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const joined = (await client.get('/v1/members?limit=200')).body.items.map((m: { createdAt: number }) => m.createdAt);
    const since = (day: string) => joined.filter((at: number) => at >= Date.parse(`${day}T00:00:00+08:00`)).length;
    const summary = (await client.get('/v1/reports/summary')).body;
    expect(since(chinaDay)).toBe(13); // the demo data is seeded when the stack starts
    await see(hq.getByTestId('kpi-members'), '会员数13', true);
    await see(hq.getByTestId('kpi-added'), `今日新增 ${since(chinaDay)} · 本月新增 ${since(`${chinaDay.slice(0, 8)}01`)} · 会员卡 ${summary.cards}`, true);
    const owed = (await client.get('/v1/reports/liability')).body.totals;
    expect(owed.storedValueFen).toBe(summary.storedValue.principalFen + summary.storedValue.bonusFen);
    expect(owed.points).toBe(summary.pointsOutstanding);
    await see(hq.getByTestId('kpi-liability'), yuanText(owed.storedValueFen));
    await see(hq.getByTestId('kpi-points'), owed.points.toLocaleString('en-US'));
    const topStores = await tableRows(hq, 'top-stores');
    // Ranked by net sales; stores that tie keep the report's order.
    const byStore = (await client.get(`/v1/reports/sales-by-store?from=${chinaDay.slice(0, 8)}01&to=${chinaDay}`)).body.rows as { storeName: string; sales: number; netFen: number }[];
    const ranked = byStore.map((r, i) => ({ r, i })).sort((a, b) => b.r.netFen - a.r.netFen || a.i - b.i).map(({ r }) => [r.storeName, String(r.sales), yuanText(r.netFen)]);
    expect(ranked[0]).toEqual(['上海南京路店', '1', yuanText(salePayableFen)]);
    expect(ranked.slice(1).map((r) => r[0]).sort()).toEqual(['上海徐家汇店', '广州天河店'].sort());
    expect(topStores.map((r) => r.split('\t').map((c) => c.trim()))).toEqual(ranked);
    for (const chart of ['chart-sales-by-day', 'chart-member-share', 'chart-sales-by-store', 'chart-liability']) await hq.getByTestId(chart).waitFor();
    await shot(hq, 'dashboard');
    await hq.getByTestId('nav-members').click();
    const hqRows = await tableRows(hq, 'members-table');
    const hqApi = await (await api('hq')).get('/v1/members?limit=200');
    expect(hqRows).toHaveLength(hqApi.body.items.length);
    expect(hqRows).toHaveLength(13); // 12 demo members and the demo stack's 王小明, in three stores
    expect(await hq.getByTestId('nav-audit').count()).toBe(1);
    await shot(hq, 'members-list');
    await hq.getByTestId('nav-audit').click();
    await expect.poll(async () => (await tableRows(hq, 'audit-table')).length, { timeout: UI_TIMEOUT_MS }).toBeGreaterThan(10);
    await shot(hq, 'audit');
    await hq.getByTestId('nav-marketing').click();
    await hq.waitForTimeout(500);
    await shot(hq, 'analytics');

    const manager = await signIn('sh01-manager');
    await see(manager.getByTestId('scope'), '上海南京路店', true);
    await manager.getByTestId('nav-members').click();
    const rows = await tableRows(manager, 'members-table');
    const mgrApi = await (await api('sh01-manager')).get('/v1/members?limit=200');
    expect(rows.map(firstCell).sort()).toEqual(mgrApi.body.items.map((m: { name: string }) => m.name).sort());
    expect(rows.map(firstCell).sort()).toEqual(['刘洋', '吴丽', '张伟', '王小明', '赵敏'].sort());
    for (const r of rows) expect(r).toContain('上海南京路店');
    // The audit log is HQ's: the manager has no such screen, and the API refuses it too.
    expect(await manager.getByTestId('nav-audit').count()).toBe(0);
    expect((await (await api('sh01-manager')).get('/v1/audit')).status).toBe(403);
    // The manager reads rules but has no drafts tab (drafts are HQ's).
    await manager.getByTestId('nav-rules').click();
    await manager.getByTestId('active-version').waitFor();
    expect(await manager.getByRole('tab', { name: '草稿' }).count()).toBe(0);
    // English on request, zh-CN by default.
    await manager.getByText('EN', { exact: true }).click();
    await see(manager.getByTestId('nav-members'), 'Members', true);
    await see(manager.getByTestId('nav-rules'), 'Rules & campaigns', true);
    await hq.context().close();
    await manager.context().close();
  }, 120_000);

  it('never asks the API for what the role may not see, on any screen, for any role', async () => {
    const expectedScreens: Record<string, string[]> = {
      hq: ['dashboard', 'members', 'cards', 'stored-value', 'rules', 'marketing', 'organisation', 'import-export', 'audit'],
      east: ['dashboard', 'members', 'cards', 'stored-value', 'rules', 'marketing', 'organisation', 'import-export'],
      'sh01-manager': ['dashboard', 'members', 'cards', 'stored-value', 'rules', 'marketing', 'organisation', 'import-export'],
      'sh01-cashier': ['dashboard', 'members', 'cards', 'stored-value', 'rules', 'marketing', 'organisation'],
    };
    for (const [username, screens] of Object.entries(expectedScreens)) {
      const page = await signIn(username);
      const refused: string[] = [];
      page.on('response', (r) => {
        if (r.url().includes('/v1/') && (r.status() === 403 || r.status() >= 500)) refused.push(`${r.status()} ${new URL(r.url()).pathname}`);
      });
      const shown = (await page.locator('[data-testid^="nav-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice(4))));
      expect(shown).toEqual(screens);
      for (const screen of screens) {
        await page.getByTestId(`nav-${screen}`).click();
        await page.waitForTimeout(700);
        for (const tab of await page.locator('.ant-tabs-nav .ant-tabs-tab').all()) {
          await tab.click();
          await page.waitForTimeout(400);
        }
        expect({ username, screen, errors: await page.locator('.ant-alert-error').allInnerTexts() }).toEqual({ username, screen, errors: [] });
      }
      expect({ username, refused }).toEqual({ username, refused: [] });
      await page.context().close();
    }
  }, 180_000);

  it('finds a member by phone as you type, recharges by plan and the ledger moves', async () => {
    const page = await signIn('sh01-manager');
    await page.getByTestId('nav-members').click();
    const started = Date.now();
    await inputOf(page, 'member-search').fill('1390000100');
    await page.getByTestId('lookup-option').first().waitFor();
    expect(Date.now() - started).toBeLessThan(5_000);
    // Members of other stores (王芳 13900001002 is in SH02) are not offered to this manager.
    const offered = await page.getByTestId('lookup-option').allInnerTexts();
    expect(offered.map((o) => o.split(/\s/)[0])).toEqual(['张伟', '刘洋', '赵敏']);
    await page.getByTestId('lookup-option').filter({ hasText: '张伟' }).click();
    await see(page.getByTestId('member-phone'), '+8613900001001', true);
    await shot(page, 'member-view');

    const client = await api('sh01-manager');
    const before = (await client.get('/v1/cards/880000001001')).body.balance;
    expect(before).toEqual({ principalFen: 50_000, bonusFen: 5_000 });
    await page.getByRole('tab', { name: '储值积分流水' }).click();
    const ledgerBefore = await tableRows(page, 'ledger-table');

    await page.getByTestId('recharge').click();
    await pickOption(page, 'recharge-plan', '充500送50');
    await inputOf(page, 'recharge-amount').fill('500');
    await see(page.locator('.ant-modal-body .ant-alert'), '赠送 ¥50.00、100 积分');
    await page.getByTestId('recharge-ok').click();
    await see(page.getByTestId('principal'), '100000', true);
    await see(page.getByTestId('bonus'), '10000', true);
    expect((await client.get('/v1/cards/880000001001')).body.balance).toEqual({ principalFen: 100_000, bonusFen: 10_000 });

    await expect.poll(async () => (await tableRows(page, 'ledger-table')).length, { timeout: UI_TIMEOUT_MS }).toBe(ledgerBefore.length + 1);
    const last = (await tableRows(page, 'ledger-table')).at(-1)!;
    expect(last).toContain('充值');
    expect(last).toContain('+¥550.00');
    expect(last).toContain('+100');
    await shot(page, 'ledger');

    await page.getByTestId('nav-cards').click();
    await inputOf(page, 'card-search').fill('880000001001');
    await inputOf(page, 'card-search').press('Enter');
    await page.getByTestId('card-loss').click();
    await see(page.getByTestId('card-action-effect'), '本金 ¥1,000.00，赠送 ¥100.00');
    await shot(page, 'cards');
    await page.keyboard.press('Escape');
    await page.context().close();
  }, 120_000);

  it('creates a 满减 campaign, previews it through the engine, publishes it and the terminal gets the version', async () => {
    const page = await signIn('hq');
    await page.getByTestId('nav-rules').click();
    await page.getByRole('tab', { name: '草稿' }).click();
    await page.getByTestId('draft-new').click();
    await page.getByTestId('campaign-add').waitFor();
    await page.getByTestId('campaign-add').click();
    await inputOf(page, 'campaign-id').fill('mj-100-20');
    await inputOf(page, 'campaign-name').fill('满100减20');
    await inputOf(page, 'campaign-threshold').fill('100');
    await inputOf(page, 'campaign-off').fill('20');
    await page.getByTestId('campaign-ok').click();
    await see(page.getByTestId('campaign-table'), 'mj-100-20');
    await see(page.getByTestId('draft-valid'), '校验通过', true);
    // A recharge plan through the structured editor (the JSON editor holds the rest).
    await page.getByRole('button', { name: '添加或修改充值方案' }).click();
    const planModal = page.locator('.ant-modal-wrap:visible');
    await planModal.locator('#plan_planId').fill('topup-1000');
    await planModal.locator('#plan_nameZh').fill('充1000送150');
    await planModal.locator('#plan_steps_0_minPaid').fill('1000');
    await planModal.locator('#plan_steps_0_bonus').fill('150');
    await planModal.locator('.ant-modal-footer .ant-btn-primary').click();
    await see(page.locator('body'), '¥1,000.00 → +¥150.00');
    await see(page.getByTestId('draft-valid'), '校验通过', true);

    // 7 × 全麦面包 ¥15.80 + 2 × 鲜牛奶 ¥12.50 = ¥135.60: over both thresholds (满50减5 of the demo and 满100减20).
    await inputOf(page, 'preview-qty-0').fill('7');
    await pickOption(page, 'preview-sku-0', '全麦面包 400g ¥15.80');
    await pickOption(page, 'preview-sku-1', '鲜牛奶 1L ¥12.50');
    const [previewResponse] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/preview')), page.getByTestId('preview-run').click()]);
    expect(previewResponse.request().postDataJSON().lines).toEqual([{ sku: 'BREAD-400', quantity: 7 }, { sku: 'MILK-1L', quantity: 2 }]);
    const preview = await previewResponse.json();
    await page.getByTestId('preview-result').waitFor();
    const hq = await api('hq');
    const draftId = page.url().split('/').at(-1)!;
    const draft = (await hq.get(`/v1/rule-sets/drafts/${draftId}`)).body;
    const catalogue = (await hq.get('/v1/catalogue/items?limit=100')).body.items;
    const expected = price(PriceInput.parse({
      now: new Date(Date.now() + 8 * 3_600_000).toISOString().replace('Z', '+08:00'),
      storeId: (await hq.get('/v1/stores')).body.items[0].id,
      rules: draft.content,
      catalogue,
      basket: { lines: [{ lineNo: 1, sku: 'BREAD-400', quantityMilli: 7000 }, { lineNo: 2, sku: 'MILK-1L', quantityMilli: 2000 }] },
    }));
    expect(expected.campaigns.applied.map((c) => c.campaignId).sort()).toEqual(['mj-100-20', 'mj-50-5']);
    expect(preview.totals).toEqual(expected.totals);
    const yuan = (fen: number) => `¥${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;
    await see(page.getByTestId('preview-payable'), yuan(expected.totals.payableFen), true);
    await see(page.getByTestId('preview-discount'), yuan(expected.totals.discountFen), true);
    expect(expected.totals.discountFen).toBe(2_500);
    await expect.poll(() => page.getByTestId('preview-applied').count(), { timeout: UI_TIMEOUT_MS }).toBe(2);
    await shot(page, 'rules-preview');

    expect(stack.terminal.store.activeRuleSet()?.version).toBe(3);
    await page.getByTestId('publish').click();
    await page.getByTestId('publish-ok').click();
    await see(page.getByTestId('active-version'), 'v4', true);
    await see(page.locator('body'), '充1000送150');
    // Pushed live to the connected terminal …
    await waitFor('the terminal to hold rule set v4', () => stack.terminal.store.activeRuleSet()?.version === 4, 15_000);
    // … which reports the version it runs when it connects: a reconnect shows it on the Terminals screen.
    await stack.terminal.sync.stop();
    stack.terminal.sync.start();
    await page.getByTestId('nav-organisation').click();
    await page.getByRole('tab', { name: '终端' }).click();
    await expect
      .poll(async () => {
        await page.getByTestId('terminals-refresh').click();
        await page.waitForTimeout(300);
        return page.getByTestId('terminal-version-SH01-POS-1').textContent().catch(() => null);
      }, { timeout: 15_000 })
      .toBe('v4');
    await see(page.getByTestId('terminals-table'), '在线');
    await shot(page, 'organisation-terminals');
    await page.context().close();
  }, 120_000);

  it('reports every bad row of an import in a dry run, then imports the valid ones', async () => {
    const page = await signIn('sh01-manager');
    await page.getByTestId('nav-import-export').click();
    const csv = [
      '姓名,手机号,性别,生日,标签',
      '钱多多,13911112222,女,1991-02-03,导入',
      '孙不足,12345,男,1990-01-01,',
      ',13911113333,女,,',
      '李日期,13911114444,男,1990/02/03,',
      '钱重复,13911112222,女,,',
      '张伟,13900001001,男,,',
    ].join('\n');
    await page.getByTestId('import-file').setInputFiles({ name: 'members.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByTestId('import-dry-run').click();
    await page.getByTestId('import-report').waitFor();
    const errors = await tableRows(page, 'import-errors');
    expect(errors.map((r) => r.split('\t').slice(0, 3).map((c) => c.trim()))).toEqual([
      ['3', 'phone', 'PHONE_INVALID'],
      ['4', 'name', 'INVALID'],
      ['5', 'birthday', 'INVALID'],
      ['6', 'phone', 'DUPLICATE_IN_FILE'],
    ]);
    await see(page.getByTestId('import-report'), '试运行');
    await shot(page, 'import-dry-run');
    const client = await api('sh01-manager');
    expect((await client.get('/v1/members?phone=13911112222')).body.items).toHaveLength(0);

    await page.getByTestId('import-run').click();
    await expect.poll(() => textOf(page.getByTestId('import-report')), { timeout: UI_TIMEOUT_MS }).not.toContain('试运行');
    const imported = (await client.get('/v1/members?phone=13911112222')).body.items;
    expect(imported.map((m: { name: string; tags: string[] }) => [m.name, m.tags])).toEqual([['钱多多', ['导入']]]);
    await page.context().close();
  }, 120_000);

  it('exports members as XLSX that the spreadsheet library reads back row for row', async () => {
    const page = await signIn('sh01-manager');
    await page.getByTestId('nav-import-export').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-members-xlsx').click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(readFileSync((await download.path())!) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const values = sheet.getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1).map((v) => (v === undefined || v === null ? '' : String(v))));
    const [header, ...rows] = values;
    expect(header!.slice(0, 3)).toEqual(['member_id', 'name', 'phone_masked']);
    const api_ = await (await api('sh01-manager')).get('/v1/members?limit=200');
    const fromApi = api_.body.items.map((m: { id: string; name: string; phoneMasked: string | null }) => [m.id, m.name, m.phoneMasked ?? '']).sort();
    expect(rows.map((r) => r.slice(0, 3)).sort()).toEqual(fromApi);
    expect(rows).toHaveLength(6); // 5 members of 上海南京路店 and the one imported above
    expect(rows.map((r) => r[2])).toContain('139****1001');
    await page.context().close();
  }, 120_000);

  it('creates a coupon campaign to a tag, issues it with exact target / holdout / issued counts and opens its effect report', async () => {
    // A coupon definition in the published rule set (the campaign form offers those only).
    const hq = await api('hq');
    const active = (await hq.get('/v1/rule-sets/active')).body;
    const { version: _v, ...rules } = active.rules;
    const coupon = { couponDefId: 'vip-5-off', kind: 'amountOff', name: { zh: 'VIP满30减5', en: 'VIP 5 off 30' }, validFrom: '2026-01-01T00:00:00+08:00', validTo: '2027-12-31T23:59:59+08:00', thresholdFen: 3_000, offFen: 500 };
    const draft = await hq.post('/v1/rule-sets/drafts', { name: '加 VIP 券', content: { ...rules, coupons: [...(rules.coupons ?? []), coupon] } });
    expect((await hq.post(`/v1/rule-sets/drafts/${draft.body.id}/publish`)).status).toBe(201);
    const vip = (await hq.get('/v1/members?limit=200')).body.items.filter((m: { tags: string[] }) => m.tags.includes('vip')).map((m: { id: string }) => m.id);
    expect(vip).toHaveLength(4); // 张伟, 刘洋, 杨磊, 吴丽 of the demo data

    const page = await signIn('hq');
    await page.getByTestId('nav-marketing').click();
    await page.getByTestId('campaign-new').click();
    await inputOf(page, 'cc-name').fill('VIP 回馈');
    await pickOption(page, 'cc-coupon', 'vip-5-off');
    await inputOf(page, 'cc-tag').fill('vip');
    await inputOf(page, 'cc-holdout').fill('500');
    // The modal animates in: click OK only once every field holds what was typed.
    await see(page.locator('.ant-modal-wrap:visible'), 'VIP满30减5 (vip-5-off)');
    await expect.poll(() => inputOf(page, 'cc-holdout').inputValue(), { timeout: UI_TIMEOUT_MS }).toBe('500');
    await expect.poll(() => inputOf(page, 'cc-name').inputValue(), { timeout: UI_TIMEOUT_MS }).toBe('VIP 回馈');
    const [created] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/v1/marketing/campaigns') && r.request().method() === 'POST'), page.getByTestId('cc-ok').click()]);
    expect(created.status()).toBe(201);
    const campaign = await created.json();
    expect(created.request().postDataJSON()).toEqual({ name: 'VIP 回馈', couponDefId: 'vip-5-off', target: { kind: 'tag', tag: 'vip' }, holdoutPerMille: 500, notify: false });
    expect([campaign.validFrom, campaign.validUntil].map((x: string) => Date.parse(x))).toEqual([Date.parse(coupon.validFrom), Date.parse(coupon.validTo)]);
    const heldOut = vip.filter((id: string) => holdoutBucket(campaign.id, id) < 500).length;

    await page.getByTestId('campaign-issue').click();
    await see(page.getByTestId('campaign-issue-result'), `目标 4 人，对照组 ${heldOut} 人，已发券 ${4 - heldOut} 张（本次新发 ${4 - heldOut} 张）`, true);
    // Valid days in the browser's time zone (Chromium runs in this process's zone).
    const day = (iso: string) => new Date(Date.parse(iso) - new Date(iso).getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
    await see(page.getByTestId('campaigns-table'), `已发券4 / ${heldOut} / ${4 - heldOut}${day(coupon.validFrom)} → ${day(coupon.validTo)}`);
    expect(await page.getByTestId('campaign-issue').count()).toBe(0);
    // The effect report of the issued campaign: the gateway's figures, shown as they are.
    const effect = (await hq.get(`/v1/marketing/campaigns/${campaign.id}/effect`)).body;
    expect([effect.issued, effect.redeemed, effect.target.members, effect.holdout?.members ?? 0]).toEqual([4 - heldOut, 0, 4 - heldOut, heldOut]);
    await see(page.getByTestId('effect-issued'), String(4 - heldOut), true);
    await see(page.getByTestId('effect-redeemed'), '0 (0.00%)', true);
    await see(page.getByTestId('effect-groups'), `${4 - heldOut} / ${heldOut}`, true);
    await shot(page, 'marketing-campaign');
    await page.context().close();
  }, 120_000);

  it('edits a coupon definition and a multi-step recharge plan in structured editors, and the preview prices the coupon through the engine', async () => {
    const page = await signIn('hq');
    await page.getByTestId('nav-rules').click();
    await page.getByRole('tab', { name: '草稿' }).click();
    await page.getByTestId('draft-new').click();
    await page.getByTestId('coupon-add').waitFor();
    const draftId = page.url().split('/').at(-1)!;
    const hq = await api('hq');

    await page.getByTestId('coupon-add').click();
    const modal = page.locator('.ant-modal-wrap:visible');
    await modal.locator('#coupon_couponDefId').fill('pct-8-cap10');
    await modal.locator('#coupon_nameZh').fill('8折券');
    await pickOption(page, 'coupon-kind', 'percentOff');
    await modal.locator('#coupon_threshold').fill('50');
    await modal.locator('#coupon_zhe').fill('8');
    await modal.locator('#coupon_cap').fill('10');
    await modal.locator('#coupon_validFrom').fill('2026-01-01');
    await modal.locator('#coupon_validTo').fill('2027-01-01');
    await page.getByTestId('coupon-ok').click();
    await see(page.getByTestId('coupon-defs'), '满¥50.00 8折，最多减¥10.00');
    await see(page.getByTestId('coupon-defs'), '2026-01-01 → 2027-01-01');

    await page.getByRole('button', { name: '添加或修改充值方案' }).click();
    await modal.locator('#plan_planId').fill('ladder');
    await modal.locator('#plan_nameZh').fill('阶梯充值');
    await modal.locator('#plan_steps_0_minPaid').fill('200');
    await modal.locator('#plan_steps_0_bonus').fill('10');
    await page.getByTestId('plan-step-add').click();
    await modal.locator('#plan_steps_1_minPaid').fill('500');
    await modal.locator('#plan_steps_1_bonus').fill('40');
    await modal.locator('#plan_steps_1_bonusPoints').fill('50');
    await modal.locator('#plan_maxTimes').fill('3');
    await page.getByTestId('plan-ok').click();
    await see(page.getByTestId('plan-table'), '¥200.00 → +¥10.00; ¥500.00 → +¥40.00 +50pt');
    await see(page.getByTestId('draft-valid'), '校验通过', true);

    // What the editors wrote into the draft, as the engine's schema reads it.
    await expect.poll(async () => (await hq.get(`/v1/rule-sets/drafts/${draftId}`)).body.content.rechargePlans?.length, { timeout: UI_TIMEOUT_MS }).toBeGreaterThan(0);
    await expect.poll(async () => (await hq.get(`/v1/rule-sets/drafts/${draftId}`)).body.content.rechargePlans.find((p: { planId: string }) => p.planId === 'ladder') ?? null, { timeout: UI_TIMEOUT_MS }).toEqual({
      planId: 'ladder', name: { zh: '阶梯充值', en: '阶梯充值' }, mode: 'tiered', maxTimes: 3,
      steps: [{ minPaidFen: 20_000, bonusFen: 1_000, bonusPoints: 0 }, { minPaidFen: 50_000, bonusFen: 4_000, bonusPoints: 50 }],
    });
    const draft = (await hq.get(`/v1/rule-sets/drafts/${draftId}`)).body;
    expect(draft.content.coupons.find((c: { couponDefId: string }) => c.couponDefId === 'pct-8-cap10')).toEqual({
      couponDefId: 'pct-8-cap10', kind: 'percentOff', name: { zh: '8折券', en: '8折券' }, validFrom: '2026-01-01T00:00:00+08:00', validTo: '2027-01-01T00:00:00+08:00',
      thresholdFen: 5_000, stackable: false, discountPerMille: 800, capFen: 1_000,
    });

    // 7 × 全麦面包 ¥15.80 + 2 × 鲜牛奶 ¥12.50 = ¥135.60 with the coupon presented: 20% of what is left would be more than ¥10, so the cap holds.
    await inputOf(page, 'preview-qty-0').fill('7');
    await pickOption(page, 'preview-sku-0', '全麦面包 400g ¥15.80');
    await pickOption(page, 'preview-sku-1', '鲜牛奶 1L ¥12.50');
    await pickOption(page, 'preview-coupons', 'pct-8-cap10');
    await page.keyboard.press('Escape');
    const [previewResponse] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/preview')), page.getByTestId('preview-run').click()]);
    expect(previewResponse.request().postDataJSON().couponDefIds).toEqual(['pct-8-cap10']);
    const catalogue = (await hq.get('/v1/catalogue/items?limit=100')).body.items;
    const expected = price(PriceInput.parse({
      now: (await previewResponse.json()).now,
      storeId: (await hq.get('/v1/stores')).body.items[0].id,
      rules: draft.content,
      catalogue,
      basket: { lines: [{ lineNo: 1, sku: 'BREAD-400', quantityMilli: 7000 }, { lineNo: 2, sku: 'MILK-1L', quantityMilli: 2000 }] },
      coupons: [{ couponId: 'preview-1', couponDefId: 'pct-8-cap10' }],
    }));
    expect(expected.coupons.accepted).toEqual([{ couponId: 'preview-1', couponDefId: 'pct-8-cap10', amountFen: 1_000 }]);
    expect((await previewResponse.json()).totals).toEqual(expected.totals);
    const yuan = (fen: number) => `¥${Math.floor(fen / 100).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;
    await see(page.getByTestId('preview-coupon'), '券 pct-8-cap10 −¥10.00', true);
    await see(page.getByTestId('preview-payable'), yuan(expected.totals.payableFen), true);
    await page.getByTestId('coupon-defs').scrollIntoViewIfNeeded();
    await shot(page, 'rules-coupons');
    await page.context().close();
  }, 120_000);

  it("shows HQ the member's RFM segment and birthday / anniversary reminders in the member view", async () => {
    const hq = await api('hq');
    const member = (await hq.get('/v1/members?limit=200')).body.items.find((m: { name: string }) => m.name === '王小明');
    // Days in the browser's time zone (Chromium runs in this process's zone), as the member view counts them.
    const day = (ms: number) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 10);
    const today = day(Date.now());
    const tenDaysAgo = day(Date.now() - 10 * 86_400_000);
    expect((await hq.patch(`/v1/members/${member.id}`, { birthday: `1985-${today.slice(5)}`, anniversary: `2015-${tenDaysAgo.slice(5)}` })).status).toBe(200);
    for (const asOf of [tenDaysAgo, today]) expect((await hq.post('/v1/jobs/reminders/run', { asOf })).body.run.outcome).toBe('succeeded');
    // The setup's sale is on the China business day, which may be tomorrow in this zone.
    const rfmRun = (await hq.post('/v1/jobs/rfm-segments/run', { asOf: day(Date.now() + 86_400_000) })).body.run;
    expect(rfmRun.outcome).toBe('succeeded');
    const rfm = (await hq.get(`/v1/analytics/rfm?period=${rfmRun.periodKey}&memberId=${member.id}`)).body.items;
    expect(rfm.map((r: { memberId: string; frequency: number; monetaryFen: number }) => [r.memberId, r.frequency, r.monetaryFen])).toEqual([[member.id, 1, salePayableFen]]);

    const page = await signIn('hq');
    await page.goto(`${stack.gateway.url}/admin/#/members/${member.id}`);
    await see(page.getByTestId('member-name'), '王小明', true);
    expect(rfm[0].segment).toBe('importantValue'); // the only member with a sale
    await see(page.getByTestId('member-segment'), SEGMENTS[rfm[0].segment]![0], true);
    await page.getByRole('tab', { name: '优惠券与提醒' }).click();
    await see(page.getByTestId('member-upcoming'), `即将到来：生日 ${today}`, true);
    const rows = (await tableRows(page, 'member-reminders')).map((r) => r.split('\t').map((c) => c.trim()));
    expect(rows).toEqual([[today, '生日', today, '即将到来', '—'], [tenDaysAgo, '纪念日', tenDaysAgo, '已过', '—']]);
    await shot(page, 'member-reminders');
    await page.context().close();
  }, 120_000);
});
