// Stores a synced shift close (班结) and reads shift reports back. Called by the event applier inside the
// event's transaction.
import type { ShiftClosedBody } from '@pos/protocol';
import type { Kysely } from 'kysely';
import type { FuelDatabase, FuelShiftNozzleTable } from './fuel-tables.js';

export interface ShiftSource {
  merchantId: string;
  storeId: string;
  terminalId: string;
}

/** Rows per multi-row insert: 11 columns × 400 stays under SQLite's and PostgreSQL's bind limits. */
const maxRowsPerInsert = 400;

export async function recordShiftClosed(db: Kysely<FuelDatabase>, source: ShiftSource, shift: ShiftClosedBody): Promise<void> {
  await db
    .insertInto('fuel_shifts')
    .values({
      merchant_id: source.merchantId,
      shift_id: shift.shiftId,
      event_id: shift.eventId,
      store_id: source.storeId,
      terminal_id: source.terminalId,
      business_date: shift.businessDate,
      opened_at: Date.parse(shift.openedAt),
      closed_at: Date.parse(shift.closedAt),
      fuel_sale_count: shift.fuelSaleCount,
      incomplete_line_count: shift.incompleteLineCount,
      difference_ml: shift.nozzles.reduce((sum, n) => sum + n.differenceMilliLitre, 0),
    })
    .execute();
  const rows: FuelShiftNozzleTable[] = shift.nozzles.map((n) => ({
    merchant_id: source.merchantId,
    shift_id: shift.shiftId,
    pump_no: n.pumpNo,
    nozzle_no: n.nozzleNo,
    grade: n.grade,
    start_ml: n.startMilliLitre,
    end_ml: n.endMilliLitre,
    pumped_ml: n.pumpedMilliLitre,
    sold_ml: n.soldMilliLitre,
    difference_ml: n.differenceMilliLitre,
    sold_amount_fen: n.soldAmountFen,
  }));
  for (let i = 0; i < rows.length; i += maxRowsPerInsert) {
    await db.insertInto('fuel_shift_nozzles').values(rows.slice(i, i + maxRowsPerInsert)).execute();
  }
}

export interface ShiftGradeRow {
  grade: string;
  pumpedMilliLitre: number;
  soldMilliLitre: number;
  differenceMilliLitre: number;
}

/** Per grade: pumped, sold and the difference in millilitres of one stored shift. */
export async function shiftGrades(db: Kysely<FuelDatabase>, merchantId: string, shiftId: string): Promise<ShiftGradeRow[]> {
  const rows = await db
    .selectFrom('fuel_shift_nozzles')
    .select((eb) => ['grade', eb.fn.sum<string | number>('pumped_ml').as('pumped'), eb.fn.sum<string | number>('sold_ml').as('sold'), eb.fn.sum<string | number>('difference_ml').as('diff')])
    .where('merchant_id', '=', merchantId)
    .where('shift_id', '=', shiftId)
    .groupBy('grade')
    .orderBy('grade')
    .execute();
  // PostgreSQL returns SUM(bigint) as a numeric string
  return rows.map((r) => ({ grade: r.grade, pumpedMilliLitre: Number(r.pumped), soldMilliLitre: Number(r.sold), differenceMilliLitre: Number(r.diff) }));
}
