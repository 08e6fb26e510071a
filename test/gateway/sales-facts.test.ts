// The sales fact tables: a synced sale and its refund each become exactly one fact row (plus line
// rows for the sale), in the event's transaction, however often the event is delivered; events
// synced before migration 0004 are back-filled from sync_events. On SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SaleCommittedBody, SaleRefundedBody } from '@pos/protocol';
import { migrateDatabase, openDatabase } from '../../gateway/src/db/database.js';
import { localHourOf, salesDb } from '../../gateway/src/sales/index.js';
import { SyncEventApplier } from '../../gateway/src/sync/index.js';
import { DIALECTS, createTestDatabase, openServices, silentLogger, type ServiceFixture } from './harness.js';
import { memberWithCard, seedMerchant, type MerchantFixture } from './fixtures.js';
import { EXAMPLES } from '../protocol/message-examples.js';

describe.each(DIALECTS)('sales facts on %s', (dialect) => {
  let fx: ServiceFixture;
  let merchant: MerchantFixture;
  let applier: SyncEventApplier;
  let terminal: { merchantId: string; storeId: string; terminalId: string };
  let sale: SaleCommittedBody;
  let refund: SaleRefundedBody;
  const cardNo = '6200000000000001';

  beforeAll(async () => {
    fx = await openServices(dialect);
    merchant = await seedMerchant(fx.services, `SF${dialect === 'sqlite' ? 'L' : 'P'}`);
    const { member } = await memberWithCard(fx.services, merchant, { phone: '13812345678', cardNo });
    await fx.services.ledger.recharge(merchant.system, { idempotencyKey: 'seed', cardNo, paidFen: 10_000 });
    const till = await fx.services.hierarchy.createTerminal(merchant.system, { storeId: merchant.storeA1, name: 'till' });
    terminal = { merchantId: merchant.merchantId, storeId: merchant.storeA1, terminalId: till.id };
    applier = new SyncEventApplier({ gdb: fx.gdb, clock: fx.clock, ledger: fx.services.ledger, members: fx.services.members, cards: fx.services.cards, logger: silentLogger });
    const header = { storeId: terminal.storeId, terminalId: terminal.terminalId, memberId: member.id };
    sale = { ...(EXAMPLES.saleCommitted as SaleCommittedBody), ...header };
    refund = { ...(EXAMPLES.saleRefunded as SaleRefundedBody), ...header };
  });
  afterAll(async () => fx?.close());

  it('a sale delivered twice is one fact row and one line row, with the store wall-clock hour', async () => {
    expect(await applier.apply(terminal, 'saleCommitted', sale)).toBe('applied');
    expect(await applier.apply(terminal, 'saleCommitted', sale)).toBe('duplicate');
    const rows = await salesDb(fx.gdb).selectFrom('sales').selectAll().where('merchant_id', '=', merchant.merchantId).execute();
    expect(rows.map((r) => ({ ...r, occurred_at: Number(r.occurred_at), gross_fen: Number(r.gross_fen), amount_fen: Number(r.amount_fen), discount_fen: Number(r.discount_fen), points_earned: Number(r.points_earned), points_spent: Number(r.points_spent) }))).toEqual([
      {
        merchant_id: merchant.merchantId,
        id: '01JD00000000000000000SA001',
        kind: 'sale',
        event_id: '01JD00000000000000000EV001',
        store_id: merchant.storeA1,
        terminal_id: terminal.terminalId,
        member_id: sale.memberId,
        receipt_no: 'T01-000123',
        refunded_sale_id: null,
        occurred_at: Date.parse('2026-11-25T08:02:11Z'),
        business_date: '2026-11-25',
        local_hour: 16,
        gross_fen: 2500,
        discount_fen: 125,
        amount_fen: 2370,
        points_earned: 23,
        points_spent: 0,
        coupon_count: 0,
        offline: 1,
        pump_transaction_id: null,
      },
    ]);
    const lines = await salesDb(fx.gdb).selectFrom('sale_lines').select(['sku', 'name', 'quantity_milli', 'gross_fen', 'net_fen', 'line_no']).where('merchant_id', '=', merchant.merchantId).execute();
    expect(lines.map((l) => ({ ...l, quantity_milli: Number(l.quantity_milli), gross_fen: Number(l.gross_fen), net_fen: Number(l.net_fen) }))).toEqual([
      { sku: 'MILK-1L', name: '鲜牛奶 1L', quantity_milli: 2000, gross_fen: 2500, net_fen: 2375, line_no: 1 },
    ]);
  });

  it('a refund is a fact row of its own that names the sale it refunds', async () => {
    expect(await applier.apply(terminal, 'saleRefunded', refund)).toBe('applied');
    expect(await applier.apply(terminal, 'saleRefunded', refund)).toBe('duplicate');
    const rows = await salesDb(fx.gdb).selectFrom('sales').select(['id', 'kind', 'refunded_sale_id', 'amount_fen', 'local_hour']).where('merchant_id', '=', merchant.merchantId).orderBy('id').execute();
    expect(rows.map((r) => ({ ...r, amount_fen: Number(r.amount_fen) }))).toEqual([
      { id: '01JD00000000000000000RF001', kind: 'refund', refunded_sale_id: '01JD00000000000000000SA001', amount_fen: 1185, local_hour: 17 },
      { id: '01JD00000000000000000SA001', kind: 'sale', refunded_sale_id: null, amount_fen: 2370, local_hour: 16 },
    ]);
  });

  it('migration 0004 back-fills the facts of events synced before it', async () => {
    const db = await createTestDatabase(dialect);
    const gdb = await openDatabase(db.url, { logger: silentLogger, migrate: false });
    try {
      await migrateDatabase(gdb, '0003_growth_history');
      const register = (eventId: string, type: string, body: unknown) =>
        gdb.db
          .insertInto('sync_events' as never)
          .values({ merchant_id: 'M1', event_id: eventId, terminal_id: 'T1', store_id: 'S1', type, sale_id: null, member_id: null, occurred_at: '2026-11-25T16:02:11.000+08:00', received_at: 1, offline: 0, body: JSON.stringify(body) } as never)
          .execute();
      await register(sale.eventId, 'saleCommitted', sale);
      await register(refund.eventId, 'saleRefunded', refund);
      await register('01JD00000000000000000EV003', 'rechargeCommitted', EXAMPLES.rechargeCommitted);
      await migrateDatabase(gdb);
      const rows = await salesDb(gdb).selectFrom('sales').select(['id', 'kind', 'store_id', 'terminal_id']).orderBy('id').execute();
      expect(rows).toEqual([
        { id: '01JD00000000000000000RF001', kind: 'refund', store_id: 'S1', terminal_id: 'T1' },
        { id: '01JD00000000000000000SA001', kind: 'sale', store_id: 'S1', terminal_id: 'T1' },
      ]);
      const lines = await salesDb(gdb).selectFrom('sale_lines').select(['sale_id', 'sku']).execute();
      expect(lines).toEqual([{ sale_id: '01JD00000000000000000SA001', sku: 'MILK-1L' }]);
    } finally {
      await gdb.close();
      await db.drop();
    }
  });

  it('reads the hour from the offset the terminal wrote', () => {
    expect(localHourOf('2026-11-25T23:59:59.999+08:00')).toBe(23);
    expect(localHourOf('2026-11-25T00:00:00Z')).toBe(0);
  });
});
