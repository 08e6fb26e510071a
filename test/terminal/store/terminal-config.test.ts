// Config and enrolment documents on a real temp directory: 0600, validated on read, atomic writes.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigError,
  TerminalConfigStore,
  hashManagerPin,
  verifyManagerPin,
  type Enrolment,
} from '../../../terminal/src/config/index.js';

const enrolment: Enrolment = {
  terminalId: '01JTERM0000000000000000001',
  storeId: '01JST0RE000000000000000001',
  secret: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0',
  gatewayUrl: 'wss://gw.example.test/v1/sync',
  enrolledAt: '2026-11-25T08:00:00+08:00',
};

describe('terminal config store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pos-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('returns null before anything is written, and NOT_ENROLLED when enrolment is required', async () => {
    const store = new TerminalConfigStore(dir);
    expect(await store.readConfig()).toBeNull();
    expect(await store.readEnrolment()).toBeNull();
    await expect(store.requireEnrolment()).rejects.toMatchObject({ code: 'NOT_ENROLLED' });
  });

  it('writes enrolment with mode 0600 and reads it back in a new instance', async () => {
    const old = process.umask(0o000); // the widest umask must still give 0600
    try {
      await new TerminalConfigStore(dir).writeEnrolment(enrolment);
    } finally {
      process.umask(old);
    }
    const file = path.join(dir, 'enrolment.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await new TerminalConfigStore(dir).requireEnrolment()).toEqual(enrolment);
    // no temp file left behind
    expect(readdirSync(dir)).toEqual(['enrolment.json']);
  });

  it('applies defaults to the terminal config and keeps the device map location', async () => {
    const store = new TerminalConfigStore(dir);
    await store.writeConfig({ deviceMapPath: '/etc/pos/devices.json', dataDir: '/var/lib/pos' } as never);
    expect(statSync(path.join(dir, 'terminal.json')).mode & 0o777).toBe(0o600);
    expect(await new TerminalConfigStore(dir).readConfig()).toEqual({
      receiptPrefix: '',
      locale: 'zh-CN',
      deviceMapPath: '/etc/pos/devices.json',
      dataDir: '/var/lib/pos',
      managers: [],
      maxBasketLines: 200,
      maxSuspendedSales: 10,
    });
  });

  it.each([
    ['not JSON', '{"terminalId": ', ''],
    ['a bad gateway URL', JSON.stringify({ ...enrolment, gatewayUrl: 'ftp://x' }), 'gatewayUrl'],
    ['a missing secret', JSON.stringify({ ...enrolment, secret: undefined }), 'secret'],
    ['a bad terminal id', JSON.stringify({ ...enrolment, terminalId: 'T1' }), 'terminalId'],
  ])('refuses an enrolment file with %s as CONFIG_INVALID', async (_name, text, field) => {
    writeFileSync(path.join(dir, 'enrolment.json'), text);
    const error = await new TerminalConfigStore(dir).readEnrolment().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
    if (field) expect((error as ConfigError).field).toBe(field);
  });

  it('refuses to write an invalid document and leaves the good one in place', async () => {
    const store = new TerminalConfigStore(dir);
    await store.writeEnrolment(enrolment);
    await expect(store.writeEnrolment({ ...enrolment, secret: 'short' })).rejects.toThrow();
    expect(JSON.parse(readFileSync(path.join(dir, 'enrolment.json'), 'utf8'))).toEqual(enrolment);
  });

  it('verifies manager PINs against salted hashes without storing the PIN', async () => {
    const managers = [await hashManagerPin('mgr-1', '2468'), await hashManagerPin('mgr-2', '1357')];
    expect(JSON.stringify(managers)).not.toContain('2468');
    expect(await verifyManagerPin(managers, '1357')).toBe('mgr-2');
    expect(await verifyManagerPin(managers, '2468')).toBe('mgr-1');
    expect(await verifyManagerPin(managers, '0000')).toBeNull();
    expect(await verifyManagerPin([], '2468')).toBeNull();
  });
});
