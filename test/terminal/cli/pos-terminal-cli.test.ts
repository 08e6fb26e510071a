// The pos-terminal command line against a real gateway: enrol with a one-time code (the secret
// lands in a 0600 file), status, and clear refusals with exit code 2.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../../gateway/src/context.js';
import { startTestGateway, type TestGateway } from '../../gateway/http-harness.js';

const bin = fileURLToPath(new URL('../../../terminal/bin/pos-terminal.js', import.meta.url));

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: tmpdir() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let t: TestGateway;
let dir: string;
let terminalId: string;
let code: string;

beforeAll(async () => {
  t = await startTestGateway('sqlite', { clock: { nowMs: () => Date.now() } });
  const s = t.gw.services;
  const merchant = await s.hierarchy.createMerchant({ code: 'CLI', name: 'CLI' });
  const sys = systemActor(merchant.id);
  const region = await s.hierarchy.createRegion(sys, { name: 'R' });
  const shop = await s.hierarchy.createStore(sys, { regionId: region.id, code: 'C1', name: '一店' });
  terminalId = (await s.hierarchy.createTerminal(sys, { storeId: shop.id, name: 'POS' })).id;
  code = (await t.gw.sync.keys.issueEnrolmentCode(merchant.id, terminalId, null)).code;
  dir = mkdtempSync(join(tmpdir(), 'pos-cli-'));
});

afterAll(async () => {
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('pos-terminal', () => {
  it('status before enrolment is refused with exit code 2', async () => {
    const run = await cli(['status', '--data', dir]);
    expect([run.code, run.stderr.trim()]).toEqual([2, 'pos-terminal: not enrolled / 尚未注册']);
  });

  it('enrol redeems the code and keeps the secret in a 0600 file', async () => {
    const run = await cli(['enrol', code, '--gateway', t.gw.url, '--data', dir]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`enrolled terminal ${terminalId}`);
    expect(statSync(join(dir, 'enrolment.json')).mode & 0o777).toBe(0o600);
  });

  it('the same code a second time is refused by the gateway', async () => {
    const run = await cli(['enrol', code, '--gateway', t.gw.url, '--data', join(dir, 'other')]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('pos-terminal: enrolment refused: 注册码无效或已过期 / enrolment code is invalid, used or expired');
  });

  it('status reports the enrolment and an empty outbox', async () => {
    const run = await cli(['status', '--data', dir]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ terminalId, outbox: 0, journal: 0, cursor: null, lastReceipt: null });
  });

  it('a malformed code never reaches the gateway', async () => {
    const run = await cli(['enrol', '12ab', '--gateway', t.gw.url, '--data', dir]);
    expect([run.code, run.stderr.trim()]).toEqual([2, 'pos-terminal: enrolment code must be 6-12 digits / 注册码应为 6-12 位数字']);
  });
});
