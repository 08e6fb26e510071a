// The member page in Debian Chromium at a phone viewport (360×740), against the demo stack (gateway,
// simulator, terminal over their real transports): register with the one-time code read from the
// console provider's inbox, get a card and a recharge from HQ, show the member code, which the
// terminal reads through the simulated scanner and attaches the member; a sale on the terminal
// syncs; the page then shows the exact balance and points. A replayed and an expired code are
// refused at the till with their messages. A friend registers through the member's invite link.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberCodeAt } from '@pos/protocol';
import { DEMO_MERCHANT_CODE, systemActor } from '@pos/gateway';
import { syntheticCardNumber } from '@pos/hardware-sim';
import type { InboxLine } from '../../gateway/src/notifications/index.js';
import { DEMO_ITEMS, startDemoStack, type DemoStack } from '../../scripts/demo-stack.js';
import { launchChromium } from '../support/browser.js';

const PHONE = '13900008888';
const FRIEND = '13900009999';
let stack: DemoStack;
let browser: Browser;
let page: Page;
const scriptBytes: number[] = [];

beforeAll(async () => {
  stack = await startDemoStack({ root: join(mkdtempSync(join(tmpdir(), 'pos-member-page-')), 'demo'), logger: pino({ level: 'silent' }) });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  page.on('response', async (res) => {
    if (res.request().resourceType() === 'script') scriptBytes.push((await res.body()).byteLength);
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

function otpFromInbox(phone = PHONE): string | null {
  try {
    const lines = readFileSync(join(stack.root, 'notifications.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as InboxLine);
    const last = lines.filter((l) => l.phone === `+86${phone}` && l.template === 'otp').at(-1);
    return last ? String(last.vars.code) : null;
  } catch {
    return null;
  }
}

describe('member page on a phone', () => {
  let memberId: string;
  let payload: string;

  it('registers with the code from the console provider, in zh-CN, on a 360 px screen', async () => {
    await page.goto(`${stack.gateway.url}/m/`);
    expect(new URL(page.url()).pathname).toBe(`/m/${DEMO_MERCHANT_CODE}/`);
    await page.getByLabel('手机号').fill(PHONE);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await expect.poll(() => page.textContent('#login-status'), { timeout: 10_000 }).toBe('验证码已发送');
    const code = otpFromInbox();
    expect(code).toMatch(/^\d{6}$/);
    await page.getByLabel('验证码').fill(code!);
    await page.getByRole('button', { name: '登录 / 注册' }).click();
    await expect.poll(() => page.textContent('#welcome'), { timeout: 10_000 }).toBe('欢迎加入！请完善资料');
    expect(await page.textContent('#card-h')).toBe('会员8888 · 普通会员');
    expect(await page.textContent('#balance-total')).toBe('¥0.00');
    // Nothing wider than the phone.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    // The whole page ships one script, well under 100 KB.
    expect(scriptBytes.length).toBe(1);
    expect(scriptBytes[0]!).toBeLessThan(100 * 1024);

    const row = await stack.gateway.services.gdb.db.selectFrom('members').select(['id', 'name']).where('merchant_id', '=', stack.merchantId).where('phone', '=', `+86${PHONE}`).executeTakeFirstOrThrow();
    memberId = row.id;

    // The profile is completed on the page.
    await page.getByLabel('姓名').fill('李小红');
    await page.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => page.textContent('#card-h'), { timeout: 10_000 }).toBe('李小红 · 普通会员');
  }, 60_000);

  it('shows the member code; the terminal scans it through the simulated scanner and attaches the member', async () => {
    // HQ issues a card and the member recharges ¥100 at the store (payment is out of the page's scope).
    const s = stack.gateway.services;
    const regular = (await s.cards.listCardTypes(systemActor(stack.merchantId)))
      // The personal regular card (普通卡); 家庭副卡 is regular too but linked to a main card, and ids made in one millisecond list in any order.
      .find((t) => t.level === 'regular' && t.kind === 'personal')!;
    const cardNo = syntheticCardNumber(20261126);
    await s.cards.issueCard(systemActor(stack.merchantId), { memberId, cardTypeId: regular.id, cardNo });
    const storeId = (await s.gdb.db.selectFrom('stores').select('id').where('merchant_id', '=', stack.merchantId).where('code', '=', 'SH01').executeTakeFirstOrThrow()).id;
    await s.ledger.recharge(systemActor(stack.merchantId, storeId), { idempotencyKey: 'page-test-recharge', cardNo, paidFen: 10_000 });

    await page.getByRole('button', { name: '出示会员码' }).click();
    await page.waitForSelector('#member-qr svg');
    payload = (await page.getAttribute('#member-qr', 'data-payload'))!;
    expect(payload).toMatch(new RegExp(`^PM1\\.${memberId}\\.\\d{8}$`));
    expect(await page.textContent('#member-code-text')).toBe(payload.split('.')[2]);
    expect(await page.textContent('#code-countdown')).toMatch(/^\d{1,2}秒后刷新$/);

    // The secret issued for the page reaches the till with the member record, with the new balance.
    await expect.poll(() => stack.terminal.store.members.member(memberId)?.codeSecret ?? null, { timeout: 10_000 }).not.toBeNull();
    await expect.poll(() => stack.terminal.store.members.member(memberId)?.storedValue.principalFen, { timeout: 10_000 }).toBe(10_000);

    const scanner = stack.sim.device('scanner', 'scanner').device;
    await scanner.scan(payload);
    await expect.poll(() => stack.terminal.checkout.state.member?.via, { timeout: 10_000 }).toBe('qr');
    expect(stack.terminal.checkout.state.member?.member.memberId).toBe(memberId);
    expect(stack.terminal.checkout.state.member?.member.name).toBe('李小红');
  }, 60_000);

  it('a sale on the terminal shows on the page as exact balance, points and a purchase with its receipt', async () => {
    const checkout = stack.terminal.checkout;
    const scanner = stack.sim.device('scanner', 'scanner').device;
    await scanner.scan(DEMO_ITEMS[3]!.barcodes[0]!); // 东北大米 5kg 39.90
    await scanner.scan(DEMO_ITEMS[2]!.barcodes[0]!); // 乌龙茶 500ml 4.50
    await expect.poll(() => checkout.state.lines.length, { timeout: 10_000 }).toBe(2);
    // No tier, 满50减5 not reached, already whole jiao: 44.40.
    expect(checkout.state.priced?.totals.payableFen).toBe(4_440);
    expect(checkout.startTendering()).toEqual({ ok: true });
    expect(checkout.addTender({ kind: 'storedValue', amountFen: 4_000 })).toEqual({ ok: true });
    expect(checkout.addTender({ kind: 'cash', amountFen: 440 })).toEqual({ ok: true });
    expect(checkout.state.phase).toBe('committed');
    const sale = checkout.state.committed!;
    // One point per yuan paid, stored value included: 44.
    expect(sale.pointsEarned).toBe(44);
    await stack.terminal.sync.whenDrained();

    await page.reload();
    await expect.poll(() => page.textContent('#balance-total'), { timeout: 10_000 }).toBe('¥60.00');
    expect(await page.textContent('#points-balance')).toBe('44');
    expect(await page.textContent('#points-lots')).toMatch(/^44 · /);
    const summary = await page.textContent('#orders summary');
    expect(summary).toBe(`${sale.occurredAt.slice(0, 10)} 上海南京路店 ¥44.40`);
    await page.click('#orders summary');
    expect(await page.textContent('#orders details')).toContain(`#${sale.receiptNo} · 44 获得积分`);
    expect(await page.textContent('#orders details')).toContain('东北大米 5kg × 1 ¥39.90');
    // Growth and tier progress towards 金卡 (gold from 0 growth in the demo rules: already reachable).
    expect(await page.textContent('#tier')).toContain('成长值 44');

    // English on the switch.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await expect.poll(() => page.textContent('#balance-h'), { timeout: 5_000 }).toBe('Stored value');
  }, 60_000);

  it("a friend registers through the member's invite link and is recorded as referred", async () => {
    const invite = (await page.getAttribute('#invite-link', 'href'))!;
    expect(invite).toBe(`${stack.gateway.url}/m/${DEMO_MERCHANT_CODE}/?ref=${memberId}`);
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
    try {
      const friend = await context.newPage();
      await friend.goto(invite);
      await friend.getByLabel('手机号').fill(FRIEND);
      await friend.getByRole('button', { name: '获取验证码' }).click();
      await expect.poll(() => friend.textContent('#login-status'), { timeout: 10_000 }).toBe('验证码已发送');
      await friend.getByLabel('验证码').fill(otpFromInbox(FRIEND)!);
      await friend.getByRole('button', { name: '登录 / 注册' }).click();
      await expect.poll(() => friend.textContent('#welcome'), { timeout: 10_000 }).toBe('欢迎加入！请完善资料');
      const row = await stack.gateway.services.gdb.db.selectFrom('members').select(['referrer_id']).where('merchant_id', '=', stack.merchantId).where('phone', '=', `+86${FRIEND}`).executeTakeFirstOrThrow();
      expect(row.referrer_id).toBe(memberId);
    } finally {
      await context.close();
    }
  }, 30_000);

  it('the till refuses the same code again (replayed) and a code two minutes old (expired), with their messages', async () => {
    const checkout = stack.terminal.checkout;
    const scanner = stack.sim.device('scanner', 'scanner').device;
    await scanner.scan(payload);
    await expect.poll(() => checkout.state.lastRefusal?.code, { timeout: 10_000 }).toBe('QR_REPLAYED');
    expect(checkout.state.lastRefusal?.text).toEqual({ zh: '会员码已使用，请刷新', en: 'This member code was already used; refresh it' });

    const secret = stack.terminal.store.members.member(memberId)!.codeSecret!;
    await scanner.scan(memberCodeAt(memberId, secret, Date.now() - 120_000).payload);
    await expect.poll(() => checkout.state.lastRefusal?.code, { timeout: 10_000 }).toBe('QR_INVALID');
    expect(checkout.state.lastRefusal?.text).toEqual({ zh: '会员码无效或已过期', en: 'The member code is invalid or expired' });
  }, 30_000);
});
