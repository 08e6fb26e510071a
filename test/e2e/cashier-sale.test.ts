// A whole sale on the cashier page in Debian Chromium, with every device simulated over its real
// transport: items scanned by the simulated serial scanner, the member attached by a magstripe
// swipe, paid with stored value and cash typed on the page, the receipt shown on the page and
// printed by the simulated ESC/POS printer, the sale synced to the gateway.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ITEMS, startDemoStack, type DemoStack } from '../../scripts/demo-stack.js';
import { launchChromium } from '../support/browser.js';

let stack: DemoStack;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  stack = await startDemoStack({ root: join(mkdtempSync(join(tmpdir(), 'pos-e2e-')), 'demo'), logger: pino({ level: 'silent' }) });
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(stack.terminal.page.url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('a sale on the cashier page', () => {
  it('scans from the simulator, attaches the member by swipe, pays mixed and shows the receipt', async () => {
    const scanner = stack.sim.device('scanner', 'scanner').device;
    await scanner.scan(DEMO_ITEMS[2]!.barcodes[0]!); // 乌龙茶 4.50
    await scanner.scan(DEMO_ITEMS[3]!.barcodes[0]!); // 东北大米 39.90
    await expect.poll(() => page.textContent('[data-testid=lines]'), { timeout: 10_000 }).toBe('乌龙茶 500ml14.504.50删除东北大米 5kg139.9039.90删除');
    await expect.poll(() => page.textContent('[data-testid=payable]')).toBe('¥44.40');
    // The customer's pole display (serial, simulated) shows the last line and the total.
    const pole = stack.sim.device('pole-display', 'pole-display').device;
    await expect.poll(() => pole.lines().map((l) => l.trimEnd()), { timeout: 10_000 }).toEqual(['东北大米 5kg   39.90', '合计           44.40']);

    await stack.sim.device('magstripe', 'magstripe').device.swipe({ pan: stack.cardNo, name: 'WANG/XIAOMING', expiryYymm: '3012', serviceCode: '101', discretionary: '000000' });
    await expect.poll(() => page.textContent('[data-testid=member-balance]'), { timeout: 10_000 }).toBe('300.00');
    // Gold tier 9.5折 on both lines, then 抹零 to the jiao: 44.40 − 0.22 − 1.99 = 42.19 → 42.10.
    await expect.poll(() => page.textContent('[data-testid=payable]')).toBe('¥42.10');

    await page.fill('[data-testid=sv-input]', '40');
    await page.fill('[data-testid=cash-input]', '5');
    await page.click('[data-testid=pay]');
    await expect.poll(() => page.textContent('[data-testid=receipt]'), { timeout: 10_000 }).toContain('应付                       42.10');
    const receipt = (await page.textContent('[data-testid=receipt]'))!;
    for (const line of ['乌龙茶 500ml', '东北大米 5kg', '储值 ****' + stack.cardNo.slice(-4) + '              40.00', '现金                        5.00', '  找零                      2.90', '  等级折扣                 -0.22', '抹零                       -0.09', '储值余额                  260.00']) {
      expect(receipt.split('\n')).toContain(line);
    }
    expect(receipt.endsWith('找零: ¥2.90')).toBe(true);

    await expect.poll(() => stack.printed.length, { timeout: 10_000 }).toBe(1);
    expect(stack.printed[0]!.text).toContain('东北大米 5kg');
    await stack.terminal.sync.whenDrained();
    const balance = await stack.gateway.services.ledger.balanceOf(stack.merchantId, stack.cardNo);
    expect(balance.principalFen + balance.bonusFen).toBe(26_000);
  }, 60_000);
});
