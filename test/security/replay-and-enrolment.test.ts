// The security properties the existing suites left open (docs/security.md lists which test proves
// what): a frame replayed after the gateway restarted is still refused (the last accepted seq is
// stored, not only held by the session); ten simultaneous redemptions of one enrolment code give
// exactly one terminal secret; logout ends the token at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { encodeFrame, newId, openFrame, signFrame, type Frame } from '@pos/protocol';
import { startGateway, type RunningGateway } from '../../gateway/src/index.js';
import { memberWithCard, seedMerchant, type MerchantFixture } from '../gateway/fixtures.js';
import { createTestDatabase, DIALECTS, ManualClock, silentLogger, type TestDatabase } from '../gateway/harness.js';
import { login, startTestGateway, type TestGateway } from '../gateway/http-harness.js';
import { saleDraft } from '../terminal/store/fixtures/records.js';

/** One WebSocket session speaking for a terminal: send a frame, read the gateway's signed answers. */
async function session(url: string, secret: string) {
  const ws = new WebSocket(url);
  const received: Frame[] = [];
  let closeCode: number | null = null;
  ws.on('message', (data) => {
    const opened = openFrame(data.toString(), 'gateway', () => ({ secret, lastSeq: 0 }));
    if (opened.ok) received.push(opened.value);
  });
  ws.on('close', (code) => (closeCode = code));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const next = async (type: string): Promise<Frame> => {
    for (let waited = 0; waited < 10_000; waited += 10) {
      const i = received.findIndex((f) => f.type === type);
      if (i >= 0) return received.splice(i, 1)[0]!;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no ${type} frame; close ${closeCode}`);
  };
  return { ws, next, send: (wire: string) => ws.send(wire) };
}

describe.each(DIALECTS)('replay across a gateway restart on %s', (dialect) => {
  let db: TestDatabase;
  let gw: RunningGateway;
  let merchant: MerchantFixture;
  const clock = new ManualClock(Date.now());
  const cardNo = '8800000000000777';

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    gw = await startGateway({ databaseUrl: db.url, port: 0, logger: silentLogger, clock });
    merchant = await seedMerchant(gw.services, 'RPL');
  });
  afterAll(async () => {
    await gw?.close();
    await db?.drop();
  });

  it('a sale frame accepted before the restart is REPLAYED_SEQ after it, and lands once', async () => {
    const { member } = await memberWithCard(gw.services, merchant, { phone: '13812340777', cardNo });
    await gw.services.ledger.recharge(merchant.system, { idempotencyKey: 'rpl-seed', cardNo, paidFen: 100_000 });
    const terminal = await gw.services.hierarchy.createTerminal(merchant.system, { storeId: merchant.storeA1, name: 'replay till' });
    const { code } = await gw.sync.keys.issueEnrolmentCode(merchant.merchantId, terminal.id, null);
    const { terminalId, secret } = await gw.sync.keys.redeem(code);
    const frame = (type: 'hello' | 'saleCommitted', seq: number, body: unknown) =>
      encodeFrame(signFrame({ type: type as 'hello', id: newId(Date.now()), terminalId, seq, sentAt: new Date().toISOString(), body: body as never }, secret));
    const sale = { ...saleDraft(1, { storeId: merchant.storeA1, terminalId, memberId: member.id, cardNo, tenders: [{ kind: 'storedValue', amountFen: 300, principalFen: 300, bonusFen: 0, cardNo }] }), receiptNo: 'RPL-1' };
    const url = gw.url.replace(/^http/, 'ws') + '/v1/sync';
    const hello = (seq: number) => frame('hello', seq, { softwareVersion: 'test', cursor: null, ruleSetVersion: null, pendingEvents: 0 });

    const first = await session(url, secret);
    first.send(hello(1));
    await first.next('welcome');
    const saleWire = frame('saleCommitted', 2, sale);
    first.send(saleWire);
    expect((await first.next('ack')).body).toEqual({ acks: [{ eventId: sale.eventId, outcome: 'applied' }] });
    first.ws.close();

    await gw.close();
    gw = await startGateway({ databaseUrl: db.url, port: 0, logger: silentLogger, clock });
    const again = await session(gw.url.replace(/^http/, 'ws') + '/v1/sync', secret);
    // Before any hello, and after one: the old frame is a replay either way.
    again.send(saleWire);
    expect((await again.next('error')).body).toMatchObject({ code: 'REPLAYED_SEQ', fatal: false });
    again.send(hello(3));
    await again.next('welcome');
    again.send(saleWire);
    expect((await again.next('error')).body).toMatchObject({ code: 'REPLAYED_SEQ' });
    again.ws.close();
    const rows = await gw.services.gdb.db.selectFrom('sync_events' as never).select((eb) => eb.fn.countAll<number>().as('n')).where('merchant_id' as never, '=', merchant.merchantId as never).executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBe(1);
  }, 60_000);
});

describe.each(DIALECTS)('enrolment codes and sessions on %s', (dialect) => {
  let t: TestGateway;
  let merchant: MerchantFixture;

  beforeAll(async () => {
    t = await startTestGateway(dialect);
    merchant = await seedMerchant(t.gw.services, 'ENR');
    await t.gw.services.hierarchy.createStaff(merchant.system, { username: 'hq', displayName: 'HQ', password: 'password 123', role: 'hq_admin' });
  });
  afterAll(async () => t?.close());

  it('ten simultaneous redemptions of one code: exactly one gets a secret, nine get 404', async () => {
    const hq = await login(t.client, 'ENR', 'hq', 'password 123');
    const terminal = await hq.post('/v1/terminals', { storeId: merchant.storeA1, name: 'race till' });
    const { code } = (await hq.post(`/v1/terminals/${terminal.body.id}/enrolment-code`)).body;
    const answers = await Promise.all(Array.from({ length: 10 }, () => t.client.post('/v1/terminals/enrol', { code })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 404, 404, 404, 404, 404, 404, 404, 404, 404]);
    expect(answers.find((a) => a.status === 200)!.body.terminalId).toBe(terminal.body.id);
  });

  it('logout ends the token at once', async () => {
    const hq = await login(t.client, 'ENR', 'hq', 'password 123');
    expect((await hq.get('/v1/auth/me')).status).toBe(200);
    expect((await hq.post('/v1/auth/logout')).status).toBe(200);
    const after = await hq.get('/v1/auth/me');
    expect([after.status, after.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
  });
});
