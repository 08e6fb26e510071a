// Concurrency through the real HTTP server: 50 parallel spends of 1,000 fen against a 30,000-fen card,
// and the same recharge sent 10 times at once under one idempotency key, on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../gateway/src/context.js';
import { checkLedger } from '../../gateway/src/ledger/ledger-check.js';
import { DIALECTS } from './harness.js';
import { login, startTestGateway, type Client, type TestGateway } from './http-harness.js';

describe.each(DIALECTS)('concurrent requests on %s', (dialect) => {
  let t: TestGateway;
  let cashier: Client;
  let merchantId: string;
  beforeAll(async () => {
    t = await startTestGateway(dialect);
    const s = t.gw.services;
    const m = await s.hierarchy.createMerchant({ code: 'race', name: 'race' });
    merchantId = m.id;
    const sys = systemActor(m.id);
    const region = await s.hierarchy.createRegion(sys, { name: 'r' });
    const store = await s.hierarchy.createStore(sys, { regionId: region.id, code: 'R1', name: 'r1' });
    const type = await s.cards.createCardType(sys, { name: '卡', kind: 'personal', level: 'regular', discountPerMille: 1000, offlineLimitFen: 0, tierId: null });
    for (const [phone, cardNo] of [['13300000001', '5500000001'], ['13300000002', '5500000002']] as const) {
      const member = await s.members.createMember(sys, { name: '并发', phone, storeId: store.id });
      await s.cards.issueCard(sys, { memberId: member.id, cardTypeId: type.id, cardNo });
    }
    await s.hierarchy.createStaff(sys, { username: 'c1', displayName: 'c1', password: 'password-c1', role: 'cashier', storeId: store.id });
    cashier = await login(t.client, 'race', 'c1', 'password-c1');
  });
  afterAll(async () => t?.close());

  it('50 parallel spends of 1,000 fen on 30,000 fen: 30 × 201, 20 × 422, balance 0', async () => {
    expect((await cashier.post('/v1/recharges', { idempotencyKey: 'rc', cardNo: '5500000001', paidFen: 30_000 })).status).toBe(201);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => cashier.post('/v1/spends', { idempotencyKey: `sp-${i}`, cardNo: '5500000001', amountFen: 1_000 })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(30).fill(201), ...Array(20).fill(422)]);
    expect(results.filter((r) => r.status === 422).every((r) => r.body.error.code === 'INSUFFICIENT_BALANCE')).toBe(true);
    expect((await cashier.get('/v1/cards/5500000001')).body.balance).toEqual({ principalFen: 0, bonusFen: 0 });
    expect((await checkLedger(t.gw.services.gdb, merchantId)).ok).toBe(true);
  });

  it('the same recharge 10 times at once under one key is applied once; every answer is the first result', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => cashier.post('/v1/recharges', { idempotencyKey: 'dup', cardNo: '5500000002', paidFen: 7_700 })));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(results.map((r) => r.body.transactionId)).size).toBe(1);
    expect(results.filter((r) => r.body.replayed === false).length).toBe(1);
    expect((await cashier.get('/v1/cards/5500000002')).body.balance).toEqual({ principalFen: 7_700, bonusFen: 0 });
    const rows = await t.gw.services.gdb.db.selectFrom('ledger_transactions').select('id').where('merchant_id', '=', merchantId).where('idempotency_key', '=', 'dup').execute();
    expect(rows.length).toBe(1);
  });
});
