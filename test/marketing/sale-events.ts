// Sale and refund event bodies for the marketing suites: cash only, one line, coupons as the till's
// engine would write them (a `coupon` adjustment of 1,000 fen per coupon, named in couponsRedeemed).
import type { SaleCommittedBody, SaleRefundedBody } from '@pos/protocol';
import { EXAMPLES } from '../protocol/message-examples.js';
import { fixedUlid } from './marketing-fixtures.js';

export type Till = { merchantId: string; storeId: string; terminalId: string };

/** A cash sale of `paidFen` by `memberId`; each redeemed coupon took 1,000 fen off the one line. */
export function cashSale(till: Till, label: string, memberId: string | null, paidFen: number, coupons: string[] = [], occurredAt = '2026-03-10T12:00:00.000+08:00'): SaleCommittedBody {
  const discountFen = 1_000 * coupons.length;
  return {
    ...(EXAMPLES.saleCommitted as SaleCommittedBody),
    storeId: till.storeId,
    terminalId: till.terminalId,
    eventId: fixedUlid(`event-${label}`),
    saleId: fixedUlid(`sale-${label}`),
    receiptNo: `R-${label}`,
    occurredAt,
    businessDate: occurredAt.slice(0, 10),
    memberId,
    cardNo: null,
    lines: [
      {
        lineNo: 1,
        sku: 'SKU-1',
        name: '商品',
        quantityMilli: 1000,
        unitPriceFen: paidFen + discountFen,
        grossFen: paidFen + discountFen,
        adjustments: coupons.map((c) => ({ ruleId: c, kind: 'coupon' as const, amountFen: 1_000, label: '满100减10' })),
        netFen: paidFen,
        pointsEarned: 0,
      },
    ],
    orderAdjustments: [],
    totals: { grossFen: paidFen + discountFen, discountFen, pointsCashFen: 0, roundingFen: 0, payableFen: paidFen },
    tenders: [{ kind: 'cash', amountFen: paidFen }],
    pointsEarned: 0,
    pointsSpent: 0,
    growthEarned: 0,
    couponsRedeemed: coupons,
  };
}

export function cashRefund(till: Till, label: string, sale: SaleCommittedBody, refundFen: number): SaleRefundedBody {
  return {
    ...(EXAMPLES.saleRefunded as SaleRefundedBody),
    storeId: till.storeId,
    terminalId: till.terminalId,
    eventId: fixedUlid(`event-${label}`),
    refundId: fixedUlid(`refund-${label}`),
    saleId: sale.saleId,
    receiptNo: `RF-${label}`,
    occurredAt: '2026-03-12T10:00:00.000+08:00',
    businessDate: '2026-03-12',
    offline: false,
    memberId: sale.memberId,
    lines: [{ lineNo: 1, quantityMilli: 1000, refundFen, pointsReversed: 0 }],
    refundFen,
    tenders: [{ kind: 'cash', amountFen: refundFen }],
    pointsReversed: 0,
    pointsRestored: 0,
    growthReversed: 0,
  };
}
