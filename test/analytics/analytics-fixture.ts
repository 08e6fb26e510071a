// Sales facts written straight into the `sales` table for the analytics jobs (which read only the
// facts; how a synced sale becomes its fact row is tested in test/gateway/sales-facts.test.ts).
import type { GatewayDb } from '../../gateway/src/db/database.js';
import { salesDb } from '../../gateway/src/sales/sales-db.js';

export interface FactSale {
  memberId: string | null;
  date: string;
  amountFen: number;
  kind?: 'sale' | 'refund';
}

export async function insertSales(gdb: GatewayDb, merchantId: string, storeId: string, sales: readonly FactSale[], idPrefix = 'S'): Promise<void> {
  const rows = sales.map((s, i) => {
    const id = `${idPrefix}${String(i).padStart(8, '0')}`;
    return {
      merchant_id: merchantId,
      id,
      kind: s.kind ?? 'sale',
      event_id: id,
      store_id: storeId,
      terminal_id: 'T1',
      member_id: s.memberId,
      receipt_no: id,
      refunded_sale_id: null,
      occurred_at: Date.parse(`${s.date}T04:00:00Z`),
      business_date: s.date,
      local_hour: 12,
      gross_fen: s.amountFen,
      discount_fen: 0,
      amount_fen: s.amountFen,
      points_earned: 0,
      points_spent: 0,
      coupon_count: 0,
      offline: 0,
      pump_transaction_id: null,
    };
  });
  for (let i = 0; i < rows.length; i += 200) await salesDb(gdb).insertInto('sales').values(rows.slice(i, i + 200)).execute();
}

/** A small deterministic PRNG (mulberry32), so a random fixture is the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
