// The pumps as the kiosk page shows them: litres to the millilitre, amounts and prices in yuan, who settles them.
import { formatYuan } from '@pos/protocol';
import type { CheckoutState } from '../checkout/checkout-state.js';
import type { KioskPumpView } from '../page/page-messages.js';
import type { KioskPump } from './forecourt-kiosk.js';

/** 25316 mL → "25.316" (always three decimals, as a pump display shows it). */
export function formatLitres(milliLitre: number): string {
  return `${Math.trunc(milliLitre / 1000)}.${String(milliLitre % 1000).padStart(3, '0')}`;
}

export function toKioskPumpViews(pumps: readonly KioskPump[], tillId: string, state: CheckoutState): KioskPumpView[] {
  return pumps.map(({ status, incomplete }) => {
    const tx = status.transaction;
    const lockedBy = status.lockedBy ?? null;
    return {
      pumpNo: status.pumpNo,
      state: status.state,
      nozzleNo: status.nozzleNo,
      grade: tx?.grade ?? null,
      litres: tx ? formatLitres(tx.volumeMilliLitre) : null,
      amount: tx ? formatYuan(tx.amountFen) : null,
      unitPrice: tx ? formatYuan(tx.unitPriceFen) : null,
      transactionId: tx?.transactionId ?? null,
      incomplete,
      lock: lockedBy === null ? null : lockedBy === tillId ? 'mine' : 'other',
      inSale: tx !== null && state.lines.some((l) => l.fuel?.pumpNo === status.pumpNo && l.fuel.controllerTransactionId === tx.transactionId),
      errorCode: status.errorCode,
    };
  });
}
