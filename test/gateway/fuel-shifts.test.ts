// A synced shift close (班结) is stored once per shift (header and one row per nozzle) in the event's transaction,
// however often it is delivered, and read back per grade to the millilitre. On SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShiftClosedBody } from '@pos/protocol';
import { fuelDb, shiftGrades } from '../../gateway/src/fuel/index.js';
import { SyncEventApplier } from '../../gateway/src/sync/index.js';
import { DIALECTS, openServices, silentLogger, type ServiceFixture } from './harness.js';
import { seedMerchant, type MerchantFixture } from './fixtures.js';
import { EXAMPLES } from '../protocol/message-examples.js';

describe.each(DIALECTS)('fuel shift reports on %s', (dialect) => {
  let fx: ServiceFixture;
  let merchant: MerchantFixture;
  let applier: SyncEventApplier;
  let terminal: { merchantId: string; storeId: string; terminalId: string };
  let shift: ShiftClosedBody;
  const db = () => fuelDb(fx.gdb);

  beforeAll(async () => {
    fx = await openServices(dialect);
    merchant = await seedMerchant(fx.services, `FS${dialect === 'sqlite' ? 'L' : 'P'}`);
    const till = await fx.services.hierarchy.createTerminal(merchant.system, { storeId: merchant.storeA1, name: 'kiosk' });
    terminal = { merchantId: merchant.merchantId, storeId: merchant.storeA1, terminalId: till.id };
    applier = new SyncEventApplier({ gdb: fx.gdb, clock: fx.clock, ledger: fx.services.ledger, members: fx.services.members, cards: fx.services.cards, logger: silentLogger });
    const base = EXAMPLES.shiftClosed as ShiftClosedBody;
    shift = {
      ...base,
      storeId: terminal.storeId,
      terminalId: terminal.terminalId,
      nozzles: [
        base.nozzles[0]!,
        { pumpNo: 3, nozzleNo: 2, grade: '92', startMilliLitre: 1_000, endMilliLitre: 6_000, pumpedMilliLitre: 5_000, soldMilliLitre: 4_321, differenceMilliLitre: 679, soldAmountFen: 3_111 },
        { pumpNo: 4, nozzleNo: 2, grade: '92', startMilliLitre: 0, endMilliLitre: 0, pumpedMilliLitre: 0, soldMilliLitre: 1_000, differenceMilliLitre: -1_000, soldAmountFen: 720 },
      ],
      grades: [
        { grade: '92', pumpedMilliLitre: 5_000, soldMilliLitre: 5_321, differenceMilliLitre: -321, soldAmountFen: 3_831 },
        base.grades[0]!,
      ],
    };
  });
  afterAll(async () => fx?.close());

  it('stores a shift delivered twice once, and sums it per grade to the millilitre', async () => {
    expect(await applier.apply(terminal, 'shiftClosed', shift)).toBe('applied');
    expect(await applier.apply(terminal, 'shiftClosed', shift)).toBe('duplicate');
    const rows = await db().selectFrom('fuel_shifts').selectAll().where('merchant_id', '=', merchant.merchantId).execute();
    expect(rows.map((r) => ({ ...r, opened_at: Number(r.opened_at), closed_at: Number(r.closed_at), difference_ml: Number(r.difference_ml) }))).toEqual([
      {
        merchant_id: merchant.merchantId,
        shift_id: shift.shiftId,
        event_id: shift.eventId,
        store_id: terminal.storeId,
        terminal_id: terminal.terminalId,
        business_date: '2026-11-25',
        opened_at: Date.parse('2026-11-25T08:00:00.000+08:00'),
        closed_at: Date.parse('2026-11-25T20:00:00.000+08:00'),
        fuel_sale_count: 1,
        incomplete_line_count: 0,
        difference_ml: -321,
      },
    ]);
    expect(await db().selectFrom('fuel_shift_nozzles').select((eb) => eb.fn.countAll<string | number>().as('n')).where('merchant_id', '=', merchant.merchantId).executeTakeFirstOrThrow()).toEqual({ n: 3 });
    expect(await shiftGrades(db(), merchant.merchantId, shift.shiftId)).toEqual([
      { grade: '92', pumpedMilliLitre: 5_000, soldMilliLitre: 5_321, differenceMilliLitre: -321 },
      { grade: '95', pumpedMilliLitre: 25_316, soldMilliLitre: 25_316, differenceMilliLitre: 0 },
    ]);
  });
});
