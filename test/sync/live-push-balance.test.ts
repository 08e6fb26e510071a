// With live push (the full gateway with its change feed), a till that spends stored value online
// ends with a cached balance equal to the gateway's: the acked spends are neither lost from the
// known balance (which would let an offline till spend them again) nor counted twice (which would
// refuse good spends). The delta each spend causes may arrive before or after its ack. Real
// gateway, real checkout, real sync client; SQLite and PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, systemActor, type RunningGateway } from '../../gateway/src/index.js';
import { CatalogueService } from '../../gateway/src/catalogue/catalogue-service.js';
import { CheckoutMachine } from '../../terminal/src/checkout/index.js';
import { LocalStore } from '../../terminal/src/store/index.js';
import { SyncClient } from '../../terminal/src/sync/index.js';
import { createTestDatabase, DIALECTS, silentLogger, type TestDatabase } from '../gateway/harness.js';
import { waitFor } from './sync-stack.js';

describe.each(DIALECTS)('cached balance under live push on %s', (dialect) => {
  let db: TestDatabase;
  let gw: RunningGateway;
  let dir: string;
  let store: LocalStore;
  let client: SyncClient;
  let machine: CheckoutMachine;
  let merchantId: string;
  let memberId: string;
  const cardNo = '6200000000005678';

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
    gw = await startGateway({ databaseUrl: db.url, port: 0, logger: silentLogger });
    const s = gw.services;
    const merchant = await s.hierarchy.createMerchant({ code: `LPB${dialect.slice(0, 1)}`, name: '实时余额' });
    merchantId = merchant.id;
    const sys = systemActor(merchantId);
    const region = await s.hierarchy.createRegion(sys, { name: '华东' });
    const shop = await s.hierarchy.createStore(sys, { regionId: region.id, code: 'B1', name: '一店' });
    const type = await s.cards.createCardType(sys, { name: '普通卡', kind: 'personal', level: 'regular', discountPerMille: 1000, offlineLimitFen: 5000, tierId: null });
    const member = await s.members.createMember(sys, { name: '韩梅梅', phone: '13700000002', storeId: shop.id });
    memberId = member.id;
    await s.cards.issueCard(sys, { memberId, cardTypeId: type.id, cardNo });
    await s.ledger.rechargeExplicit(sys, { idempotencyKey: 'lpb-seed', cardNo, principalFen: 20_000, bonusFen: 0 });
    await new CatalogueService(s.gdb, s.clock).upsert(sys, [
      { sku: 'TEA', barcodes: [], name: { zh: '茶', en: 'Tea' }, unitPriceFen: 1_000, unit: 'piece', category: 'gifts', noDiscount: true, noPoints: true, pointsMultiplierPerMille: 1000 },
    ]);
    const t = await s.hierarchy.createTerminal(sys, { storeId: shop.id, name: 'POS-1' });
    const { code } = await gw.sync.keys.issueEnrolmentCode(merchantId, t.id, null);
    const terminal = await gw.sync.keys.redeem(code);
    dir = mkdtempSync(join(tmpdir(), `pos-lpb-${dialect}-`));
    store = LocalStore.open(join(dir, 'terminal.db'));
    client = new SyncClient({ url: `${gw.url.replace('http', 'ws')}/v1/sync`, terminalId: terminal.terminalId, secret: terminal.secret, store, softwareVersion: 'test', initialReconnectDelayMs: 20 });
    machine = new CheckoutMachine({
      store,
      clock: { nowMs: () => Date.now() },
      identity: { storeId: shop.id, terminalId: terminal.terminalId, receiptPrefix: 'L-' },
      verifyManagerPin: async () => null,
      isOnline: () => client.status$.value.state === 'online',
    });
  }, 60_000);

  afterAll(async () => {
    machine?.close();
    await client?.stop();
    store?.close();
    await gw?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('after online spends are acked and pushed, the cached balance is the gateway balance', async () => {
    client.start();
    await waitFor('the member in the cache', () => store.members.member(memberId)?.storedValue.principalFen === 20_000 && client.status$.value.state === 'online', 20_000);
    for (let i = 0; i < 7; i += 1) {
      expect(machine.identifyByCard({ cardNo })).toEqual({ ok: true });
      expect(machine.addSku('TEA')).toEqual({ ok: true });
      expect(machine.startTendering()).toEqual({ ok: true });
      expect(machine.addTender({ kind: 'storedValue', amountFen: 1_000 })).toEqual({ ok: true });
      expect(machine.state.committed?.offline).toBe(false);
      expect(machine.markPrinted()).toEqual({ ok: true });
      client.notifyOutbox();
      // Spends spaced out a little so some deltas arrive before their acks and some after.
      if (i % 2 === 0) await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await waitFor('the outbox to drain', () => store.journal.outboxSize() === 0, 20_000);
    const gatewayFen = (await gw.services.ledger.balanceOf(merchantId, cardNo)).principalFen;
    expect(gatewayFen).toBe(13_000);
    // Deltas still on the way settle within a second of live push.
    await waitFor('the cached balance to settle', () => store.members.member(memberId)?.storedValue.principalFen === 13_000, 2_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(store.members.member(memberId)?.storedValue).toEqual({ principalFen: 13_000, bonusFen: 0 });
  }, 60_000);
});
