// refund(): reverses exactly what a priced sale allocated to the refunded lines: the money
// each tender took (stored value back to principal and bonus as spent), points spent and
// earned, and growth. Refunding every line returns the sale's totals to the fen.
import type { Tender } from '@pos/protocol';
import { z } from 'zod';
import { EngineError } from './engine-error.js';
import type { PricedBasket } from './priced-basket.js';

export const RefundRequest = z.object({
  /** Lines to refund now, whole lines. */
  lineNos: z.array(z.number().int().min(1)).min(1).max(500),
  /** Lines refunded by earlier refunds of the same sale. */
  alreadyRefunded: z.array(z.number().int().min(1)).max(500).default([]),
});
export type RefundRequest = z.infer<typeof RefundRequest>;

export interface RefundLine {
  lineNo: number;
  quantityMilli: number;
  refundFen: number;
  pointsReversed: number;
  pointsRestored: number;
  growthReversed: number;
  discountFen: number;
  couponFen: number;
}

export interface RefundResult {
  lines: RefundLine[];
  refundFen: number;
  /** Per original tender, what goes back to it (stored value with its principal/bonus split). */
  tenders: Tender[];
  /** Points earned by these lines, taken back. */
  pointsReversed: number;
  /** Points spent as cash on these lines, given back. */
  pointsRestored: number;
  growthReversed: number;
  /** Coupons whose every discounted line is now refunded (the merchant may reissue them). */
  couponsReleased: string[];
}

export function refund(sale: PricedBasket, request: RefundRequest): RefundResult {
  const byNo = new Map(sale.lines.map((l) => [l.lineNo, l]));
  const done = new Set(request.alreadyRefunded);
  const now = new Set<number>();
  request.lineNos.forEach((lineNo, i) => {
    const field = `lineNos.${i}`;
    if (!byNo.has(lineNo)) throw invalid(field, `销售中没有第 ${lineNo} 行`, `the sale has no line ${lineNo}`);
    if (done.has(lineNo)) throw invalid(field, `第 ${lineNo} 行已退`, `line ${lineNo} was already refunded`);
    if (now.has(lineNo)) throw invalid(field, `第 ${lineNo} 行重复`, `line ${lineNo} is listed twice`);
    now.add(lineNo);
  });
  const lines: RefundLine[] = [];
  const tenderBack = sale.payment.tenders.map(() => ({ amountFen: 0, principalFen: 0, bonusFen: 0 }));
  for (const line of sale.lines) {
    if (!now.has(line.lineNo)) continue;
    const sumKinds = (kinds: string[]) =>
      line.adjustments.filter((a) => kinds.includes(a.kind)).reduce((s, a) => s + a.amountFen, 0);
    lines.push({
      lineNo: line.lineNo,
      quantityMilli: line.quantityMilli,
      refundFen: line.payableFen,
      pointsReversed: line.pointsEarned,
      pointsRestored: line.pointsSpent,
      growthReversed: line.growthEarned,
      discountFen: line.grossFen - line.netFen,
      couponFen: sumKinds(['coupon']),
    });
    for (const share of line.tenderShares) {
      const back = tenderBack[share.tenderIndex]!;
      back.amountFen += share.amountFen;
      back.principalFen += share.principalFen;
      back.bonusFen += share.bonusFen;
    }
  }
  const tenders: Tender[] = [];
  sale.payment.tenders.forEach((t, i) => {
    const back = tenderBack[i]!;
    if (back.amountFen === 0) return;
    const tender: Tender = { kind: t.kind, amountFen: back.amountFen };
    if (t.kind === 'storedValue') {
      tender.principalFen = back.principalFen;
      tender.bonusFen = back.bonusFen;
    }
    if (t.cardNo) tender.cardNo = t.cardNo;
    if (t.reference) tender.reference = t.reference;
    tenders.push(tender);
  });
  const refunded = new Set([...done, ...now]);
  const couponsReleased = sale.coupons.accepted
    .map((c) => c.couponId)
    .filter((id) =>
      sale.lines.every((l) => refunded.has(l.lineNo) || !l.adjustments.some((a) => a.kind === 'coupon' && a.ruleId === id)),
    );
  const total = (f: (l: RefundLine) => number) => lines.reduce((s, l) => s + f(l), 0);
  return {
    lines,
    refundFen: total((l) => l.refundFen),
    tenders,
    pointsReversed: total((l) => l.pointsReversed),
    pointsRestored: total((l) => l.pointsRestored),
    growthReversed: total((l) => l.growthReversed),
    couponsReleased,
  };
}

function invalid(field: string, zh: string, en: string): EngineError {
  return new EngineError('REFUND_INVALID', { zh, en }, field);
}
