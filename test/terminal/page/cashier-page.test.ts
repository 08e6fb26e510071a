// The cashier page in real headless Chromium: it renders the runtime's view (Chinese by default,
// English on request), and each button sends the command the runtime expects.
import { Subject } from 'rxjs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageCommandRefused, startCashierPage, type CashierPage, type CashierView, type PageCommand } from '../../../terminal/src/page/index.js';
import { launchChromium } from '../../support/browser.js';

const VIEW: CashierView = {
  phase: 'memberAttached',
  lines: [
    {
      lineNo: 1,
      name: { zh: '鲜牛奶 1L', en: 'Fresh milk 1L' },
      quantity: '2',
      unitPrice: '12.50',
      amount: '23.75',
      adjustments: [{ label: '金卡9.5折', amount: '-1.25' }],
    },
  ],
  totals: { gross: '25.00', discount: '1.25', pointsCash: '0.00', rounding: '0.00', payable: '23.75', payableFen: 2375 },
  member: { name: '王小明', maskedPhone: '138****5678', cardNo: '6200000000000001', tierId: 'gold', points: 1280, storedValue: '300.00', storedValueFen: 30000 },
  pointsEarned: 23,
  explanation: [{ zh: '金卡会员9.5折', en: 'Gold tier 5% off' }],
  message: null,
  lastReceipt: null,
  suspended: [],
  sync: { state: 'offline', pending: 3 },
};

let browser: Browser;
let page: Page;
let cashier: CashierPage;
const views = new Subject<CashierView>();
const commands: PageCommand[] = [];

beforeAll(async () => {
  cashier = await startCashierPage({
    view$: views,
    handle: (command) => {
      commands.push(command);
      if (command.type === 'attachMemberByPhone' && command.phone === '13900000000') {
        throw new PageCommandRefused('MEMBER_NOT_FOUND', { zh: '未找到该手机号的会员', en: 'no member with this phone' });
      }
    },
  });
  views.next(VIEW);
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(cashier.url);
});

afterAll(async () => {
  await browser?.close();
  await cashier?.close();
});

describe('cashier page', () => {
  it('shows lines, discounts, member and the amount to pay in Chinese', async () => {
    await expect.poll(() => page.textContent('[data-testid=payable]')).toBe('¥23.75');
    const lines = await page.textContent('[data-testid=lines]');
    expect(lines).toBe('鲜牛奶 1L212.5023.75删除金卡9.5折-1.25');
    expect(await page.textContent('[data-testid=member]')).toBe('会员: 王小明 138****5678 · 6200000000000001积分 1280 · 储值余额 ¥300.00');
    expect(await page.textContent('[data-testid=sync]')).toBe('离线收银中 · 待同步 3');
  });

  it('switches to English', async () => {
    await page.click('[data-testid=lang]');
    expect(await page.textContent('[data-testid=lines]')).toBe('Fresh milk 1L212.5023.75Remove金卡9.5折-1.25');
    expect(await page.textContent('h1')).toBe('Cashier');
    await page.click('[data-testid=lang]');
    expect(await page.textContent('h1')).toBe('收银台');
  });

  it('sends a mixed stored value + cash payment in fen', async () => {
    const before = commands.length;
    await page.fill('[data-testid=sv-input]', '20');
    await page.fill('[data-testid=cash-input]', '3.75');
    await page.click('[data-testid=pay]');
    await expect.poll(() => commands.length).toBe(before + 1);
    expect(commands.at(-1)).toEqual({
      type: 'pay',
      tenders: [
        { kind: 'storedValue', amountFen: 2000 },
        { kind: 'cash', amountFen: 375 },
      ],
    });
  });

  it('refuses an amount that is not money without sending anything', async () => {
    const before = commands.length;
    await page.fill('[data-testid=cash-input]', '3.755');
    await page.click('[data-testid=pay]');
    expect(await page.textContent('[data-testid=message]')).toBe('金额格式不正确');
    expect(commands.length).toBe(before);
  });

  it('shows the runtime refusal of a command', async () => {
    const before = commands.length;
    await page.fill('[data-testid=phone-input]', '13900000000');
    await page.click('text=查找会员');
    await expect.poll(() => page.textContent('[data-testid=message]')).toBe('未找到该手机号的会员');
    expect(commands.slice(before)).toEqual([{ type: 'attachMemberByPhone', phone: '13900000000' }]);
  });

  it('renders a new view pushed by the runtime, with the receipt', async () => {
    views.next({ ...VIEW, phase: 'printed', lastReceipt: { receiptNo: 'T01-00000001', text: '小票 T01-00000001\n应付 23.75', change: '0.25' } });
    await expect.poll(() => page.textContent('[data-testid=receipt]')).toBe('小票 T01-00000001\n应付 23.75\n找零: ¥0.25');
  });
});
