// The gateway-only start path: the demo seed (idempotent, every demo login works) and the
// `ledger:check` command run as a real child process against the same database.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MERCHANT_CODE, DEMO_PASSWORD, seedDemo } from '../../gateway/src/demo/seed-demo.js';
import { DIALECTS } from './harness.js';
import { startTestGateway, type TestGateway } from './http-harness.js';

const gatewayDir = fileURLToPath(new URL('../../gateway/', import.meta.url));

function ledgerCheck(databaseUrl: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/ledger-check.ts'], { cwd: gatewayDir, env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: 'utf8', timeout: 60_000 });
}

describe.each(DIALECTS)('demo seed and ledger:check on %s', (dialect) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(dialect);
  });
  afterAll(async () => t?.close());

  it('seeds once; every demo login works and sees its scope', async () => {
    const first = await seedDemo(t.gw.services);
    const second = await seedDemo(t.gw.services);
    expect([first.created, second.created, second.merchantId]).toEqual([true, false, first.merchantId]);
    const seen: Record<string, number> = {};
    for (const l of first.logins) {
      const r = await t.client.post('/v1/auth/login', { merchantCode: DEMO_MERCHANT_CODE, username: l.username, password: DEMO_PASSWORD });
      expect(r.status).toBe(200);
      seen[l.username] = (await t.client.withToken(r.body.token).get('/v1/reports/summary')).body.members;
    }
    expect(seen).toEqual({ hq: 12, east: 8, 'sh01-manager': 4, 'sh01-cashier': 4 });
  });

  it('ledger:check exits 0 on a sound ledger and 1 naming the mismatch when a balance is tampered with', async () => {
    const ok = ledgerCheck(t.db.url);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('balance = sum of postings: ok');
    expect(ok.stdout).toContain('debits = credits per merchant and unit: ok');
    const db = t.gw.services.gdb.db;
    const acc = await db.selectFrom('accounts').select(['id', 'merchant_id', 'balance']).where('kind', '=', 'card_bonus').where('balance', '>', 0).orderBy('id').executeTakeFirstOrThrow();
    await db.updateTable('accounts').set({ balance: Number(acc.balance) - 1 }).where('merchant_id', '=', acc.merchant_id).where('id', '=', acc.id).execute();
    const broken = ledgerCheck(t.db.url);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain('balance = sum of postings: 1 mismatches');
    expect(broken.stdout).toContain(`"accountId":"${acc.id}","storedBalance":${Number(acc.balance) - 1},"postedBalance":${Number(acc.balance)}`);
  });
});
