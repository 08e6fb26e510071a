// From the till to the report: a sale and its refund applied by the sync event applier (delivered
// twice each) show up once in the sales reports, on the store's wall-clock hour, on both dialects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SaleCommittedBody, SaleRefundedBody } from '@pos/protocol';
import { runReport } from '../../gateway/src/reports/report-runner.js';
import { salesByHour } from '../../gateway/src/reports/sales-by-hour.js';
import { salesByStore } from '../../gateway/src/reports/sales-by-store.js';
import { topProducts } from '../../gateway/src/reports/top-products.js';
import { SyncEventApplier } from '../../gateway/src/sync/index.js';
import { DIALECTS, openServices, silentLogger, type ServiceFixture } from '../gateway/harness.js';
import { memberWithCard, seedMerchant, type MerchantFixture } from '../gateway/fixtures.js';
import { EXAMPLES } from '../protocol/message-examples.js';

describe.each(DIALECTS)('reports over synced sales on %s', (dialect) => {
  let fx: ServiceFixture;
  let merchant: MerchantFixture;

  beforeAll(async () => {
    fx = await openServices(dialect);
    merchant = await seedMerchant(fx.services, `SY${dialect === 'sqlite' ? 'L' : 'P'}`);
    const cardNo = '6200000000000001'; // the card the example sale pays with
    const { member } = await memberWithCard(fx.services, merchant, { phone: '13812340000', cardNo });
    await fx.services.ledger.recharge(merchant.system, { idempotencyKey: 'seed', cardNo, paidFen: 10_000 });
    const till = await fx.services.hierarchy.createTerminal(merchant.system, { storeId: merchant.storeA2, name: 'till' });
    const terminal = { merchantId: merchant.merchantId, storeId: merchant.storeA2, terminalId: till.id };
    const applier = new SyncEventApplier({ gdb: fx.gdb, clock: fx.clock, ledger: fx.services.ledger, members: fx.services.members, cards: fx.services.cards, logger: silentLogger });
    const header = { storeId: terminal.storeId, terminalId: terminal.terminalId, memberId: member.id };
    const sale = { ...(EXAMPLES.saleCommitted as SaleCommittedBody), ...header };
    const refund = { ...(EXAMPLES.saleRefunded as SaleRefundedBody), ...header };
    for (const _ of [1, 2]) {
      await applier.apply(terminal, 'saleCommitted', sale);
      await applier.apply(terminal, 'saleRefunded', refund);
    }
  });
  afterAll(async () => fx?.close());

  it('the example sale (paid 2370 at 16:02 +08:00) and its refund (1185 at 17:30) count once', async () => {
    const range = { from: '2026-11-25', to: '2026-11-25' };
    const byStore = await runReport(fx.gdb, fx.clock, merchant.system, salesByStore, range);
    expect(byStore.rows.find((r) => r.storeId === merchant.storeA2)).toMatchObject({ sales: 1, grossFen: 2500, discountFen: 125, paidFen: 2370, refunds: 1, refundFen: 1185, netFen: 1185 });
    expect(byStore.totals).toMatchObject({ sales: 1, refunds: 1, netFen: 1185 });
    const byHour = await runReport(fx.gdb, fx.clock, merchant.system, salesByHour, range);
    expect(byHour.rows.filter((r) => r.sales !== 0 || r.refunds !== 0).map((r) => [r.hour, r.sales, r.refunds, r.netFen])).toEqual([[16, 1, 0, 2370], [17, 0, 1, -1185]]);
    const products = await runReport(fx.gdb, fx.clock, merchant.system, topProducts, { ...range, by: 'net', limit: 20 });
    expect(products.rows).toEqual([{ rank: 1, sku: 'MILK-1L', name: '鲜牛奶 1L', quantityMilli: 2000, sales: 1, grossFen: 2500, netFen: 2375 }]);
  });
});
