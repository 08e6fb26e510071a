// The mutable working copy of a basket line inside one price() call (never shared across calls).
import type { Adjustment, CatalogueItem } from '@pos/protocol';

export interface WorkLine {
  lineNo: number;
  item: CatalogueItem;
  quantityMilli: number;
  unitPriceFen: number;
  grossFen: number;
  /** Gross minus the discounts applied so far (item, order, coupon). */
  netFen: number;
  adjustments: Adjustment[];
  itemDiscountFen: number;
  orderDiscountFen: number;
  couponFen: number;
  pointsCashFen: number;
  roundingFen: number;
  pointsSpent: number;
  /** Fen off per unit when a per-unit member discount (fuel per litre) priced this line. */
  unitMemberOffFen?: number;
}

export function cloneLines(lines: readonly WorkLine[]): WorkLine[] {
  return lines.map((l) => ({ ...l, adjustments: [...l.adjustments] }));
}

/** Whole units on a line (pieces; a kg or litre line counts whole kilograms or litres). */
export function wholeUnits(line: WorkLine): number {
  return Math.floor(line.quantityMilli / 1000);
}

export function inScope(line: WorkLine, scope: { skus: string[]; categories: string[] }): boolean {
  if (scope.skus.length === 0 && scope.categories.length === 0) return true;
  return scope.skus.includes(line.item.sku) || scope.categories.includes(line.item.category);
}
