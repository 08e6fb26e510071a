// Row types of the forecourt shift tables (see fuel-migration.ts): one row per shift close (班结) synced from a
// kiosk, and one per nozzle with its totalizer readings against the journal. Written by the event applier in the
// event's own transaction, so a shift is stored exactly once.
type Int = number;

export interface FuelShiftTable {
  merchant_id: string;
  shift_id: string;
  event_id: string;
  store_id: string;
  terminal_id: string;
  business_date: string;
  /** Epoch ms (terminal wall clock). */
  opened_at: Int;
  closed_at: Int;
  fuel_sale_count: Int;
  incomplete_line_count: Int;
  /** Σ over nozzles of pumped − sold, in millilitres. */
  difference_ml: Int;
}

export interface FuelShiftNozzleTable {
  merchant_id: string;
  shift_id: string;
  pump_no: Int;
  nozzle_no: Int;
  grade: string;
  start_ml: Int;
  end_ml: Int;
  pumped_ml: Int;
  sold_ml: Int;
  difference_ml: Int;
  sold_amount_fen: Int;
}

export interface FuelDatabase {
  fuel_shifts: FuelShiftTable;
  fuel_shift_nozzles: FuelShiftNozzleTable;
}
