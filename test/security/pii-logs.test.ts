// PII and secrets: the whole demo (gateway, simulator, terminal in one process) logs at trace level
// to a file while a member sale runs through the simulated scanner, card reader and printer, HQ logs
// in, issues a member code secret, reads the member and exports; then every log line is scanned for
// a full phone number, the card number or its track data, the bearer token, the password, the
// terminal's secret and the member code secret. The receipt shows the phone masked; member exports
// are masked for every role, and full phones need the member.pii right (HQ only).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPageCommand } from '@pos/terminal';
import { systemClock } from '../../gateway/src/context.js';
import { DEMO_MERCHANT_CODE, DEMO_PASSWORD } from '../../gateway/src/demo/seed-demo.js';
import { MemberCodeService } from '../../gateway/src/members/member-code-service.js';
import { TerminalConfigStore } from '../../terminal/src/config/terminal-config-store.js';
import { DEMO_ITEMS, startDemoStack, until, type DemoStack } from '../../scripts/demo-stack.js';

/** An 11-digit mainland mobile number not inside a longer digit run (timestamps, seqs). */
const FULL_PHONE = /(?<![\d])(?:\+?86)?1[3-9]\d{9}(?!\d)/;
const ROLE_LOGINS = ['hq', 'east', 'sh01-manager', 'sh01-cashier'] as const;

describe('no PII or secret in any log line of a whole demo sale', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pos-pii-'));
  const logPath = join(dir, 'demo.log');
  let stack: DemoStack;
  let lines: string[] = [];
  const secrets: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  let receipt = '';

  const http = async (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers: Record<string, string> = { ...(init.headers as Record<string, string>) };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    return fetch(stack.gateway.url + path, { ...init, headers });
  };

  beforeAll(async () => {
    const logger = pino({ level: 'trace' }, pino.destination({ dest: logPath, sync: true }));
    stack = await startDemoStack({ root: join(dir, 'demo'), logger });
    const { terminal, sim, gateway } = stack;
    for (const username of ROLE_LOGINS) {
      const r = await http('/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ merchantCode: DEMO_MERCHANT_CODE, username, password: DEMO_PASSWORD }) });
      tokens[username] = ((await r.json()) as { token: string }).token;
    }
    // A failed login logs too: the wrong password must not appear either.
    await http('/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ merchantCode: DEMO_MERCHANT_CODE, username: 'hq', password: 'wrong-password-42' }) });
    secrets.memberCodeSecret = await new MemberCodeService(gateway.services.gdb, systemClock).secretFor(stack.merchantId, stack.memberId);
    secrets.terminalSecret = (await new TerminalConfigStore(join(stack.root, 'terminal')).requireEnrolment()).secret;

    const scanner = sim.device('scanner', 'scanner').device;
    for (const item of [DEMO_ITEMS[0]!, DEMO_ITEMS[1]!]) {
      await scanner.scan(item.barcodes[0]!);
      await new Promise((r) => setTimeout(r, 150));
    }
    await until('2 scanned lines', () => terminal.checkout.state.lines.length === 2);
    await sim.device('magstripe', 'magstripe').device.swipe({ pan: stack.cardNo, name: 'WANG/XIAOMING', expiryYymm: '3012', serviceCode: '101', discretionary: '000000' });
    await until('the member card', () => terminal.checkout.state.member !== null);
    const payable = terminal.checkout.state.priced!.totals.payableFen;
    await runPageCommand({ type: 'pay', tenders: [{ kind: 'storedValue', amountFen: 1_000 }, { kind: 'cash', amountFen: Math.ceil((payable - 1_000) / 100) * 100 }] }, terminal.checkout, terminal.bus);
    await until('the printed receipt', () => stack.printed.length > 0);
    receipt = stack.printed[0]!.text;
    await terminal.sync.whenDrained();
    // HQ reads the member's full view (with the phone) and exports: the responses carry PII, the logs must not.
    await http(`/v1/members/${stack.memberId}`, { token: tokens.hq });
    await http('/v1/exports/members?phones=full', { token: tokens.hq });
    await http(`/v1/members?phone=13812345678`, { token: tokens['sh01-cashier'] });
    lines = readFileSync(logPath, 'utf8').split('\n').filter(Boolean);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the run logged at trace level from every part', () => {
    expect(lines.length).toBeGreaterThan(20);
    const modules = new Set(lines.map((l) => (JSON.parse(l) as { module?: string }).module).filter(Boolean));
    expect(modules.size).toBeGreaterThan(3);
  });

  it('no log line holds a full phone number, the card number or its tracks, a token, a password or a secret', () => {
    const forbidden: Record<string, string> = {
      ...secrets,
      password: DEMO_PASSWORD,
      wrongPassword: 'wrong-password-42',
      cardNo: stack.cardNo,
      ...Object.fromEntries(Object.entries(tokens).map(([u, t]) => [`token of ${u}`, t])),
    };
    const found: string[] = [];
    for (const line of lines) {
      const phone = FULL_PHONE.exec(line);
      if (phone) found.push(`full phone ${phone[0]}: ${line.slice(0, 200)}`);
      for (const [what, value] of Object.entries(forbidden)) if (value && line.includes(value)) found.push(`${what}: ${line.slice(0, 200)}`);
      if (/%B\d{12,19}\^|;\d{12,19}=/.test(line)) found.push(`card track data: ${line.slice(0, 200)}`);
    }
    expect(found).toEqual([]);
  });

  it('the receipt shows the phone masked', () => {
    expect(receipt).toContain('138****5678');
    expect(FULL_PHONE.test(receipt)).toBe(false);
  });

  it('member exports mask phones for every role; full phones only with member.pii (HQ)', async () => {
    const masked: Record<string, string> = {};
    for (const username of ROLE_LOGINS) {
      const r = await http('/v1/exports/members', { token: tokens[username] });
      const csv = await r.text();
      masked[username] = `${r.status} ${csv.split('\n')[0]!.replace('\uFEFF', '').split(',')[2]} ${FULL_PHONE.test(csv) ? 'FULL PHONE' : 'masked'} ${csv.includes('138****5678') ? 'has 138****5678' : ''}`;
    }
    expect(masked).toEqual({
      hq: '200 phone_masked masked has 138****5678',
      east: '200 phone_masked masked has 138****5678',
      'sh01-manager': '200 phone_masked masked has 138****5678',
      'sh01-cashier': '403 undefined masked ',
    });
    const full: Record<string, number> = {};
    for (const username of ROLE_LOGINS) full[username] = (await http('/v1/exports/members?phones=full', { token: tokens[username] })).status;
    expect(full).toEqual({ hq: 200, east: 403, 'sh01-manager': 403, 'sh01-cashier': 403 });
    const csv = await (await http('/v1/exports/members?phones=full&format=csv', { token: tokens.hq })).text();
    expect(csv).toContain('+8613812345678');
  });
});
