// With a certificate the gateway serves https:// and wss:// only, and a terminal that trusts the
// certificate syncs over wss://. The certificate is made for the test with Debian's openssl.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, systemActor, type RunningGateway } from '../../gateway/src/index.js';
import { LocalStore } from '../../terminal/src/store/index.js';
import { SyncClient, syncUrlOf } from '../../terminal/src/index.js';
import { createTestDatabase, silentLogger, type TestDatabase } from '../gateway/harness.js';
import { saleDraft } from '../terminal/store/fixtures/records.js';

let db: TestDatabase;
let gateway: RunningGateway;
let dir: string;
let cert: Buffer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pos-wss-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  cert = readFileSync(join(dir, 'cert.pem'));
  db = await createTestDatabase('sqlite');
  gateway = await startGateway({ databaseUrl: db.url, port: 0, logger: silentLogger, tls: { key: readFileSync(join(dir, 'key.pem')), cert } });
});

afterAll(async () => {
  await gateway?.close();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('wss://', () => {
  it('a terminal that trusts the certificate syncs a sale; plain ws:// is not served', async () => {
    expect(gateway.url.startsWith('https://')).toBe(true);
    const s = gateway.services;
    const merchant = await s.hierarchy.createMerchant({ code: 'TLS', name: 'TLS' });
    const sys = systemActor(merchant.id);
    const region = await s.hierarchy.createRegion(sys, { name: 'R' });
    const shop = await s.hierarchy.createStore(sys, { regionId: region.id, code: 'T1', name: '一店' });
    const t = await s.hierarchy.createTerminal(sys, { storeId: shop.id, name: 'POS' });
    const { code } = await gateway.sync.keys.issueEnrolmentCode(merchant.id, t.id, null);
    const key = await gateway.sync.keys.redeem(code);
    const store = LocalStore.open(join(dir, 'terminal.db'));
    const sale = store.commitSale(saleDraft(1, { storeId: shop.id, terminalId: key.terminalId }), 'T-');
    const url = syncUrlOf(gateway.url);
    expect(url.startsWith('wss://')).toBe(true);
    const client = new SyncClient({ url, terminalId: key.terminalId, secret: key.secret, store, softwareVersion: 'test', webSocketOptions: { ca: cert } });
    client.start();
    await client.whenDrained();
    await client.stop();
    const row = await s.gdb.db.selectFrom('sync_events' as never).select('event_id' as never).where('event_id' as never, '=', sale.eventId as never).executeTakeFirst();
    expect(row).toEqual({ event_id: sale.eventId });
    store.close();
    const plain = await fetch(gateway.url.replace('https', 'http') + '/openapi.json').then(() => 'answered', () => 'refused');
    expect(plain).toBe('refused');
  });
});
