// The cashier page offers the attached member's coupons: a button with their count (only when the
// member record carries any) that sends `applyMemberCoupons`. Real headless Chromium.
import { Subject } from 'rxjs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCashierPage, type CashierPage, type CashierView, type PageCommand } from '../../../terminal/src/page/index.js';
import { launchChromium } from '../../support/browser.js';

const VIEW: CashierView = {
  phase: 'memberAttached',
  lines: [{ lineNo: 1, name: { zh: '矿泉水', en: 'Water' }, quantity: '4', unitPrice: '1.50', amount: '6.00', adjustments: [] }],
  totals: { gross: '6.00', discount: '0.00', pointsCash: '0.00', rounding: '0.00', payable: '6.00', payableFen: 600 },
  member: { name: '会员9', maskedPhone: '138****0009', cardNo: null, tierId: 'silver', points: 500, storedValue: '120.00', storedValueFen: 12000, coupons: 2 },
  pointsEarned: 6,
  explanation: [],
  message: null,
  lastReceipt: null,
  suspended: [],
  sync: { state: 'online', pending: 0 },
};

let browser: Browser;
let page: Page;
let cashier: CashierPage;
const views = new Subject<CashierView>();
const commands: PageCommand[] = [];

beforeAll(async () => {
  cashier = await startCashierPage({ view$: views, handle: (command) => void commands.push(command) });
  views.next(VIEW);
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(cashier.url);
});

afterAll(async () => {
  await browser?.close();
  await cashier?.close();
});

describe('cashier page: member coupons', () => {
  it('shows the member coupon button with the count and sends applyMemberCoupons', async () => {
    await expect.poll(() => page.textContent('[data-testid=member-coupons]')).toBe('使用会员券 (2)');
    await page.click('[data-testid=member-coupons]');
    await expect.poll(() => commands.length).toBe(1);
    expect(commands).toEqual([{ type: 'applyMemberCoupons' }]);
  });

  it('shows no button for a member without coupons', async () => {
    views.next({ ...VIEW, member: { ...VIEW.member!, coupons: 0 } });
    await expect.poll(() => page.textContent('[data-testid=member]')).toBe('会员: 会员9 138****0009 积分 500 · 储值余额 ¥120.00');
    expect(await page.$('[data-testid=member-coupons]')).toBeNull();
  });
});
