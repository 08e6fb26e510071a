// Messages between the cashier page (browser) and the terminal runtime over the local WebSocket.
// Commands from the page are validated here, at the edge; views to the page are plain data.
import { z } from 'zod';
import { Preset, PumpNo, type LocalizedText } from '@pos/protocol';

const CashierTender = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cash'), amountFen: z.number().int().min(1).max(100_000_000) }),
  z.object({ kind: z.literal('storedValue'), amountFen: z.number().int().min(1).max(100_000_000) }),
  z.object({ kind: z.literal('bankCard'), amountFen: z.number().int().min(1).max(100_000_000) }),
]);
export type CashierTender = z.infer<typeof CashierTender>;

/** What the cashier can do from the page (the devices send their own events on the bus). */
export const PageCommand = z.discriminatedUnion('type', [
  /** A barcode typed by hand when the scanner cannot read it. */
  z.object({ type: z.literal('scan'), code: z.string().min(1).max(64) }),
  z.object({ type: z.literal('attachMemberByPhone'), phone: z.string().min(5).max(32) }),
  z.object({ type: z.literal('detachMember') }),
  z.object({ type: z.literal('changeQuantity'), lineNo: z.number().int().min(1), quantityMilli: z.number().int().min(1).max(1_000_000) }),
  z.object({ type: z.literal('voidLine'), lineNo: z.number().int().min(1) }),
  z.object({ type: z.literal('voidSale') }),
  z.object({ type: z.literal('suspend') }),
  z.object({ type: z.literal('resume'), suspendId: z.string().min(1).max(64) }),
  z.object({ type: z.literal('redeemPoints'), points: z.union([z.number().int().min(0).max(100_000_000), z.literal('max')]) }),
  z.object({ type: z.literal('addCoupon'), couponId: z.string().min(1).max(64) }),
  /** Presents the attached member's own coupons (from the member record) that are valid now. */
  z.object({ type: z.literal('applyMemberCoupons') }),
  /** Pays with the given tenders; the amounts must cover what is due (cash may exceed it). */
  z.object({ type: z.literal('pay'), tenders: z.array(CashierTender).min(1).max(5) }),
  z.object({ type: z.literal('newSale') }),
  z.object({ type: z.literal('reprint') }),
  // ── the forecourt kiosk ──
  /** Authorise a pump with a preset: amount in fen, volume in millilitres, or a full tank. */
  z.object({ type: z.literal('authorizePump'), pumpNo: PumpNo, preset: Preset }),
  z.object({ type: z.literal('stopPump'), pumpNo: PumpNo }),
  z.object({ type: z.literal('resumePump'), pumpNo: PumpNo }),
  z.object({ type: z.literal('emergencyStop') }),
  /** Brings the pump's finished delivery into the sale (locked for this till at the controller). */
  z.object({ type: z.literal('settlePump'), pumpNo: PumpNo }),
  /** Retries releasing paid pumps that could not be released yet. */
  z.object({ type: z.literal('releasePumps') }),
  /** 开班: read every pump's totalizers as the shift's start. 班结: close it, journal, print, start the next. */
  z.object({ type: z.literal('openShift') }),
  z.object({ type: z.literal('closeShift') }),
]);
export type PageCommand = z.infer<typeof PageCommand>;

export interface CashierLineView {
  lineNo: number;
  name: LocalizedText;
  quantity: string;
  unitPrice: string;
  amount: string;
  adjustments: Array<{ label: string; amount: string }>;
}

export interface CashierView {
  phase: 'idle' | 'basket' | 'memberAttached' | 'tendering' | 'committed' | 'printed';
  lines: CashierLineView[];
  totals: { gross: string; discount: string; pointsCash: string; rounding: string; payable: string; payableFen: number } | null;
  member: {
    name: string;
    maskedPhone: string | null;
    cardNo: string | null;
    tierId: string | null;
    points: number;
    storedValue: string;
    storedValueFen: number;
    /** Coupons the member record carries (the till presents those valid now). */
    coupons?: number;
  } | null;
  pointsEarned: number;
  explanation: LocalizedText[];
  message: { level: 'error' | 'info'; text: LocalizedText } | null;
  lastReceipt: { receiptNo: string; text: string; change: string | null } | null;
  suspended: Array<{ suspendId: string; lines: number }>;
  sync: { state: string; pending: number };
  /** The forecourt, when the terminal drives pumps (kiosk page). */
  pumps?: KioskPumpView[];
}

/** One pump on the kiosk page, formatted for a person. */
export interface KioskPumpView {
  pumpNo: number;
  state: 'offline' | 'idle' | 'calling' | 'authorized' | 'fueling' | 'paused' | 'finished' | 'error';
  nozzleNo: number | null;
  grade: string | null;
  /** Litres with three decimals, e.g. "25.316". */
  litres: string | null;
  amount: string | null;
  unitPrice: string | null;
  transactionId: string | null;
  incomplete: boolean;
  /** Who is settling it: this till, another till, or nobody. */
  lock: 'mine' | 'other' | null;
  inSale: boolean;
  errorCode: string | null;
}

export type PageMessage =
  | { type: 'view'; view: CashierView }
  | { type: 'refused'; code: string; text: LocalizedText };
