// The forecourt kiosk page in Debian Chromium against the demo stack with a simulated forecourt controller (TCP):
// authorise pump 3 for 200 yuan, the simulator fuels, settle with the member's fuel card (stored value), and the
// receipt the simulated ESC/POS printer decoded shows litres, unit price, member discount per litre and points.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoStack, type DemoStack } from '../../scripts/demo-stack.js';
import { launchChromium } from '../support/browser.js';

let stack: DemoStack;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  stack = await startDemoStack({ root: join(mkdtempSync(join(tmpdir(), 'pos-kiosk-')), 'demo'), logger: pino({ level: 'silent' }), forecourt: true });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${stack.terminal.page.url}kiosk`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('the forecourt kiosk page', () => {
  it('authorises pump 3 for 200 yuan, watches the fill, settles with a member fuel card and prints the fuel receipt', async () => {
    const fcc = stack.sim.device('forecourt', 'forecourt').controller;
    await expect.poll(() => page.textContent('[data-testid=pump-3-state]'), { timeout: 10_000 }).toBe('空闲');
    await page.click('[data-testid=pump-3]');
    await page.selectOption('[data-testid=preset-kind]', 'amount');
    await page.fill('[data-testid=preset-input]', '200');
    await page.click('[data-testid=authorize]');
    await expect.poll(() => page.textContent('[data-testid=pump-3-state]')).toBe('已授权');

    // the driver lifts the 95# nozzle: the pump delivers at 30–40 L/min (30× simulated speed)
    fcc.liftNozzle(3, 2);
    await expect.poll(() => page.textContent('[data-testid=pump-3-state]'), { timeout: 10_000 }).toBe('加油中');
    // 200 yuan at 7.90/L: the largest volume whose amount is at most 200.00 is 25.317 L (200.0043 → 200.00)
    await expect.poll(() => page.textContent('[data-testid=pump-3-state]'), { timeout: 15_000 }).toBe('待结算');
    expect(await page.textContent('[data-testid=pump-3-litres]')).toBe('25.317');
    expect(await page.textContent('[data-testid=pump-3-amount]')).toBe('200.00');
    fcc.hangUpNozzle(3);

    await page.click('[data-testid=settle]');
    await expect.poll(() => page.textContent('[data-testid=payable]'), { timeout: 10_000 }).toBe('¥200.00');
    expect(fcc.status(3).lockedBy).toBe(stack.terminalId);
    // the member's card (a stored-value fuel card) is swiped at the kiosk's reader
    await stack.sim.device('magstripe', 'magstripe').device.swipe({ pan: stack.cardNo, name: 'WANG/XIAOMING', expiryYymm: '3012', serviceCode: '101', discretionary: '000000' });
    await expect.poll(() => page.textContent('[data-testid=member-balance]'), { timeout: 10_000 }).toBe('300.00');
    // gold: 0.30/L off: 25317 × 30 / 1000 = 759.51 → 7.60; 200.00 − 7.60 = 192.40 (抹零 to the jiao takes nothing)
    await expect.poll(() => page.textContent('[data-testid=payable]')).toBe('¥192.40');
    expect(await page.textContent('[data-testid=points-earned]')).toBe('192');

    await page.click('[data-testid=pay-fuel-card]');
    await expect.poll(() => stack.printed.length, { timeout: 10_000 }).toBe(1);
    const receipt = stack.printed[0]!.text.split('\n').map((l) => l.trimEnd());
    for (const line of [
      '95号汽油',
      '  油枪 3-2  P3-000001',
      '  25.317升 x 7.90/升      200.00',
      '  会员优惠 0.30/升         -7.60',
      '优惠合计                   -7.60',
      '应付                      192.40',
      `储值 ****${stack.cardNo.slice(-4)}             192.40`,
      '本次积分                    +192',
      '储值余额                  107.60',
    ]) {
      expect(receipt).toContain(line);
    }
    // paid and durable: the pump is released and idle again
    await expect.poll(() => page.textContent('[data-testid=pump-3-state]'), { timeout: 10_000 }).toBe('空闲');
    expect(fcc.status(3)).toMatchObject({ state: 'idle', transaction: null });

    await stack.terminal.sync.whenDrained();
    const balance = await stack.gateway.services.ledger.balanceOf(stack.merchantId, stack.cardNo);
    expect(balance.principalFen + balance.bonusFen).toBe(10_760);
    const sale = stack.terminal.checkout.state.committed!;
    expect(sale.lines[0]!.fuel).toEqual({ pumpNo: 3, nozzleNo: 2, grade: '95', controllerTransactionId: 'P3-000001', memberOffFenPerLitre: 30, incomplete: false });
    expect(sale.pointsEarned).toBe(192);
  }, 90_000);
});
