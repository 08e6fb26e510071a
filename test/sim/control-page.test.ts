// The technicians' control page in Debian's headless Chromium (playwright-core, never a downloaded
// browser, a fresh temp profile): buttons drive the devices through their transports, printed
// receipts show as pictures, and the page speaks zh-CN and en.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlServer, startSimulator, type ControlServer, type RunningSimulator } from '../../hardware-sim/src/index.js';
import { connectPrinter, openSerial } from './sim-clients.js';

let sim: RunningSimulator;
let control: ControlServer;
let context: BrowserContext;
let page: Page;
const profile = mkdtempSync(join(tmpdir(), 'pos-sim-chromium-'));

beforeAll(async () => {
  sim = await startSimulator({
    devices: [
      { class: 'printer', id: 'printer', tcpPort: 0, usb: false },
      { class: 'scanner', id: 'scanner', transport: 'serial' },
      { class: 'scanner', id: 'scanner-2', transport: 'hid', vendorId: 0x05e0, productId: 0x1200 },
      { class: 'magstripe', id: 'magstripe', transport: 'hid', vendorId: 0x0801, productId: 0x0001 },
      { class: 'pole-display', id: 'pole-display' },
    ],
  });
  control = await startControlServer(sim, { port: 0 });
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    headless: true,
  });
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await control?.close();
  await sim?.close();
  rmSync(profile, { recursive: true, force: true });
});

const tcpPort = (): number => Number(sim.map.devices.find((d) => d.id === 'printer')!.address.split(':')[1]);

describe('control page', () => {
  it('lists every device in Chinese with its address', async () => {
    await page.goto(control.url);
    await page.getByTestId('device-printer').waitFor();
    expect(await page.title()).toBe('POS 硬件模拟器 控制台');
    const headings = await page.locator('.card h2').allTextContents();
    expect(headings).toEqual(['小票打印机 · printer', '扫码枪 · scanner', '扫码枪 · scanner-2', '磁条卡读卡器 · magstripe', '客显屏 · pole-display']);
    expect(await page.getByTestId('device-scanner').locator('.addr').textContent()).toBe(`serial ${sim.map.devices.find((d) => d.id === 'scanner')!.address}`);
    expect(await page.getByTestId('device-scanner-2').locator('.addr').textContent()).toBe('hid hid_05e0:1200');
  });

  it('prints the demo receipt and shows it as a picture', async () => {
    await page.getByTestId('device-printer').getByTestId('print-demo').click();
    const img = page.getByTestId('receipt').first();
    await img.waitFor();
    // Runs in the page (no DOM types in our Node tsconfig, hence the string).
    await page.waitForFunction('(() => { const i = document.querySelector(\'img[data-testid="receipt"]\'); return i !== null && i.complete && i.naturalWidth > 0; })()');
    expect(await img.evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth)).toBe(608);
    expect(await img.getAttribute('alt')).toContain('星光便利店');
    // The receipt ends with ESC p: the kick pulse opened the drawer.
    await expect.poll(() => page.getByTestId('drawer-printer').textContent()).toBe('打开');
    await page.getByTestId('drawer-close').click();
    await expect.poll(() => page.getByTestId('drawer-printer').textContent()).toBe('关闭');
  });

  it('paper out from the page shows in the status bytes a TCP client reads', async () => {
    await page.getByTestId('paper-out').click();
    await expect.poll(() => page.getByTestId('status-printer').textContent()).toBe('0x1a 0x32 0x12 0x7e');
    const client = await connectPrinter(tcpPort());
    try {
      expect(await client.status(1)).toBe(0x1a);
      await page.getByTestId('paper-in').click();
      await expect.poll(() => page.getByTestId('status-printer').textContent()).toBe('0x12 0x12 0x12 0x12');
      expect(await client.status(1)).toBe(0x12);
    } finally {
      client.close();
    }
  });

  it('the drawer buttons open and close the drawer the printer reports', async () => {
    await page.getByTestId('drawer-open').click();
    await expect.poll(() => page.getByTestId('drawer-printer').textContent()).toBe('打开');
    expect(sim.device('printer', 'printer').printer.drawer?.isOpen).toBe(true);
    await page.getByTestId('drawer-close').click();
    await expect.poll(() => page.getByTestId('drawer-printer').textContent()).toBe('关闭');
  });

  it('a scan typed on the page arrives on the scanner PTY', async () => {
    const client = await openSerial(sim.map.devices.find((d) => d.id === 'scanner')!.address);
    try {
      await page.getByTestId('code-scanner').fill('4006381333931');
      await page.getByTestId('device-scanner').getByTestId('scan').click();
      expect((await client.waitFor((b) => b.includes(0x0a))).toString('latin1')).toBe('4006381333931\r\n');
    } finally {
      await client.close();
    }
  });

  it('unplug and plug in from the page', async () => {
    await page.getByTestId('device-magstripe').getByTestId('unplug').click();
    await expect.poll(() => page.getByTestId('plugged-magstripe').textContent()).toBe('已拔出');
    expect(sim.hidBackend.devices().map((d) => d.productId)).toEqual([0x1200]);
    await page.getByTestId('device-magstripe').getByTestId('replug').click();
    await expect.poll(() => page.getByTestId('plugged-magstripe').textContent()).toBe('已连接');
    expect(sim.hidBackend.devices()).toHaveLength(2);
  });

  it('switches to English', async () => {
    await Promise.all([page.waitForURL(/lang=en/), page.locator('#lang-switch').click()]);
    await page.getByTestId('device-printer').waitFor();
    expect(await page.title()).toBe('POS hardware simulator control');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByTestId('paper-out').textContent()).toBe('Paper out');
    expect(await page.locator('.card h2').first().textContent()).toBe('Receipt printer · printer');
  });

  it('the API refuses a bad action with a coded 400', async () => {
    const res = await fetch(`${control.url}api/devices/scanner/actions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'scan', code: '' }) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'BAD_ACTION', message: 'Too small: expected string to have >=1 characters', field: 'code' } });
    const missing = await fetch(`${control.url}api/devices/nope/actions`, { method: 'POST', body: JSON.stringify({ action: 'unplug' }) });
    expect(missing.status).toBe(404);
  });
});
