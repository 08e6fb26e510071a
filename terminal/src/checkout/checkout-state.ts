// The state the checkout machine emits: what the cashier page shows and what the printer prints.
import type { CatalogueItem, FuelLineInfo, LocalizedText, MemberRecord, CardRecord, SaleCommittedBody, SaleRefundedBody, RechargeCommittedBody, MemberEnrolledBody } from '@pos/protocol';
import type { MemberContext, PresentedCoupon, PricedBasket, TenderRequest } from '@pos/engine';
import type { CheckoutErrorCode } from './checkout-error.js';

/**
 * idle → basket → memberAttached → tendering → committed → printed, and back to idle for the next sale.
 * A member may be attached before the first scan (idle → memberAttached).
 */
export type CheckoutPhase = 'idle' | 'basket' | 'memberAttached' | 'tendering' | 'committed' | 'printed';

export interface BasketEntry {
  lineNo: number;
  sku: string;
  name: LocalizedText;
  /** The catalogue item as it was when scanned: the sale is priced at the price on the shelf then. */
  item: CatalogueItem;
  quantityMilli: number;
  /** Open price (fuel, weighed goods), when the catalogue price does not apply. */
  unitPriceFen?: number;
  /** A fuel line: the pump delivery it settles (quantityMilli is its volume in mL, unitPriceFen the pump price). */
  fuel?: Omit<FuelLineInfo, 'memberOffFenPerLitre'>;
}

export interface AttachedMember {
  member: MemberRecord;
  card: CardRecord | null;
  via: 'card' | 'phone' | 'qr';
  /** What the engine sees: cached balances minus this till's unacked spends. */
  context: MemberContext;
}

export interface SuspendedSale {
  suspendId: string;
  suspendedAtMs: number;
  lines: readonly BasketEntry[];
  member: AttachedMember | null;
  coupons: readonly PresentedCoupon[];
  pointsToRedeem: number | 'max';
}

export interface CheckoutRefusal {
  code: CheckoutErrorCode;
  text: LocalizedText;
  /** The engine's or store's own code when one of them refused. */
  causeCode?: string;
  atMs: number;
}

/** The last durable event this till journaled, for the printer (receipt, refund slip, recharge slip). */
export type JournaledOutcome =
  | { type: 'saleCommitted'; body: SaleCommittedBody }
  | { type: 'saleRefunded'; body: SaleRefundedBody }
  | { type: 'rechargeCommitted'; body: RechargeCommittedBody }
  | { type: 'memberEnrolled'; body: MemberEnrolledBody };

export interface CheckoutState {
  phase: CheckoutPhase;
  /** Generated when the first line or member arrives; the sale keeps it through commit. */
  saleId: string | null;
  lines: readonly BasketEntry[];
  member: AttachedMember | null;
  coupons: readonly PresentedCoupon[];
  pointsToRedeem: number | 'max';
  tenders: readonly TenderRequest[];
  /** The engine's answer for the current basket; null when the basket is empty. */
  priced: PricedBasket | null;
  /** The committed sale, in committed and printed. */
  committed: SaleCommittedBody | null;
  suspended: readonly SuspendedSale[];
  lastRefusal: CheckoutRefusal | null;
  lastOutcome: JournaledOutcome | null;
}

export const INITIAL_STATE: CheckoutState = {
  phase: 'idle',
  saleId: null,
  lines: [],
  member: null,
  coupons: [],
  pointsToRedeem: 0,
  tenders: [],
  priced: null,
  committed: null,
  suspended: [],
  lastRefusal: null,
  lastOutcome: null,
};
