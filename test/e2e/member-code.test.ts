// The dynamic member code end to end: the gateway issues the member's code secret, the terminal
// receives it with the member record, a code scanned by the simulated scanner attaches the member
// offline, and a replayed or expired code is refused with a message.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberCodeAt } from '@pos/protocol';
import { MemberCodeService } from '../../gateway/src/members/member-code-service.js';
import { startDemoStack, type DemoStack } from '../../scripts/demo-stack.js';

let stack: DemoStack;
let secret: string;

beforeAll(async () => {
  stack = await startDemoStack({ root: join(mkdtempSync(join(tmpdir(), 'pos-code-')), 'demo'), logger: pino({ level: 'silent' }) });
  secret = await new MemberCodeService(stack.gateway.services.gdb, { nowMs: () => Date.now() }).secretFor(stack.merchantId, stack.memberId);
}, 60_000);

afterAll(async () => stack?.stop());

describe('dynamic member code', () => {
  it('reaches the terminal with the member record', async () => {
    await expect.poll(() => stack.terminal.store.members.member(stack.memberId)?.codeSecret, { timeout: 5000 }).toBe(secret);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  });

  it('a scanned code attaches the member; the same code again is refused as replayed', async () => {
    const scanner = stack.sim.device('scanner', 'scanner').device;
    const { payload } = memberCodeAt(stack.memberId, secret, Date.now());
    await scanner.scan(payload);
    await expect.poll(() => stack.terminal.checkout.state.member?.via, { timeout: 5000 }).toBe('qr');
    expect(stack.terminal.checkout.state.member?.member.name).toBe('王小明');
    expect(stack.terminal.checkout.detachMember()).toEqual({ ok: true });
    await scanner.scan(payload);
    await expect.poll(() => stack.terminal.checkout.state.lastRefusal?.code, { timeout: 5000 }).toBe('QR_REPLAYED');
    expect(stack.terminal.checkout.state.lastRefusal?.text.zh).toBe('会员码已使用，请刷新');
    expect(stack.terminal.checkout.state.member).toBeNull();
  });

  it('a screenshot two minutes old is refused', async () => {
    const { payload } = memberCodeAt(stack.memberId, secret, Date.now() - 120_000);
    await stack.sim.device('scanner', 'scanner').device.scan(payload);
    await expect.poll(() => stack.terminal.checkout.state.lastRefusal?.code, { timeout: 5000 }).toBe('QR_INVALID');
    expect(stack.terminal.checkout.state.lastRefusal?.text).toEqual({ zh: '会员码无效或已过期', en: 'The member code is invalid or expired' });
    expect(stack.terminal.checkout.state.member).toBeNull();
  });
});
