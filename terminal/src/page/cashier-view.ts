// Turns the checkout state into what the cashier page shows: amounts formatted as yuan, phones
// masked, refusals as zh-CN/en messages. Pure, so the page stays a dumb renderer.
import { formatQuantity, formatYuan, maskPhone } from '@pos/protocol';
import type { CheckoutState } from '../checkout/checkout-state.js';
import type { CashierView } from './page-messages.js';

export interface CashierViewExtras {
  lastReceipt: CashierView['lastReceipt'];
  sync: CashierView['sync'];
}

export function toCashierView(state: CheckoutState, extras: CashierViewExtras): CashierView {
  const priced = state.priced;
  const member = state.member;
  return {
    phase: state.phase,
    lines: (priced?.lines ?? []).map((line) => ({
      lineNo: line.lineNo,
      name: line.name,
      quantity: formatQuantity(line.quantityMilli),
      unitPrice: formatYuan(line.unitPriceFen),
      amount: formatYuan(line.netFen),
      adjustments: line.adjustments
        .filter((a) => a.amountFen !== 0)
        .map((a) => ({ label: a.label ?? a.ruleId, amount: formatYuan(-a.amountFen) })),
    })),
    totals: priced
      ? {
          gross: formatYuan(priced.totals.grossFen),
          discount: formatYuan(priced.totals.discountFen),
          pointsCash: formatYuan(priced.totals.pointsCashFen),
          rounding: formatYuan(priced.totals.roundingFen),
          payable: formatYuan(priced.totals.payableFen),
          payableFen: priced.totals.payableFen,
        }
      : null,
    member: member
      ? {
          name: member.member.name,
          maskedPhone: member.member.phone ? maskPhone(member.member.phone) : null,
          cardNo: member.card?.cardNo ?? null,
          tierId: member.member.tierId,
          points: member.context.pointsLots.reduce((sum, lot) => sum + lot.points, 0),
          storedValue: formatYuan(storedValueOf(member)),
          storedValueFen: storedValueOf(member),
          coupons: member.member.coupons?.length ?? 0,
        }
      : null,
    pointsEarned: priced?.points.earned ?? 0,
    explanation: priced?.explanation ?? [],
    message: state.lastRefusal ? { level: 'error', text: state.lastRefusal.text } : null,
    lastReceipt: extras.lastReceipt,
    suspended: state.suspended.map((s) => ({ suspendId: s.suspendId, lines: s.lines.length })),
    sync: extras.sync,
  };
}

function storedValueOf(member: NonNullable<CheckoutState['member']>): number {
  const sv = member.context.storedValue;
  return sv.principalFen + sv.bonusFen;
}
