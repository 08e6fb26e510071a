// The checkout state machine: basket, member, tenders, commit, refund, enrolment and recharge at
// the till. It prices through the engine (never by itself), commits through the local store, and
// emits its state as an rxjs observable for the cashier page and the printer.
//
// Guarantees: a refused action leaves the state as it was and says why (lastRefusal, zh-CN and en);
// a sale reaches `committed` only after the store returned from its durable journal+outbox commit,
// so nothing can print or open the drawer for a sale that is not on disk.
import { BehaviorSubject, type Observable } from 'rxjs';
import { pino, type Logger } from 'pino';
import {
  EngineError,
  type MemberContext,
  type PresentedCoupon,
  type PriceInput,
  type PricedBasket,
  RuleSet,
  type TenderRequest,
  planRecharge,
  price as enginePrice,
  refund as engineRefund,
} from '@pos/engine';
import {
  type CatalogueItem,
  type MemberRecord,
  type SaleCommittedBody,
  type SaleRefundedBody,
  type StoreSettings,
  type Tender,
  newId,
} from '@pos/protocol';
import { type LocalStore, StoreError } from '../store/index.js';
import { CheckoutError, type CheckoutErrorCode } from './checkout-error.js';
import {
  type AttachedMember,
  type BasketEntry,
  type CheckoutPhase,
  type CheckoutState,
  INITIAL_STATE,
  type SuspendedSale,
} from './checkout-state.js';
import { type Clock, businessDateOf } from './clock.js';
import {
  type Identification,
  type MemberCodeVerifier,
  TotpMemberCodeVerifier,
  identifyByCard,
  identifyByPhone,
  checkCachedMember,
  identifyByQr,
  memberContextOf,
  normalisePhone,
} from './member-identification.js';

export type CheckoutResult = { ok: true } | { ok: false; error: CheckoutError };

export interface CheckoutIdentity {
  storeId: string;
  terminalId: string;
  receiptPrefix: string;
  cashierId?: string;
}

export interface CheckoutOptions {
  store: LocalStore;
  clock: Clock;
  identity: CheckoutIdentity;
  /** Checks a manager PIN; the id of the manager, or null. */
  verifyManagerPin: (pin: string) => Promise<string | null>;
  /** Whether the gateway is connected now (journaled as the events' `offline` flag). */
  isOnline?: () => boolean;
  /** The engine's price(); injectable so a benchmark can measure it through the machine. */
  price?: (input: PriceInput) => PricedBasket;
  memberCode?: MemberCodeVerifier;
  maxBasketLines?: number;
  maxSuspendedSales?: number;
  logger?: Logger;
}

const ALL_SALE_PHASES: CheckoutPhase[] = ['idle', 'basket', 'memberAttached', 'committed', 'printed'];
const EDITING: CheckoutPhase[] = ['basket', 'memberAttached'];
const BETWEEN_SALES: CheckoutPhase[] = ['idle', 'committed', 'printed'];
const MAX_QUANTITY_MILLI = 9_999_000;
const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** Coupons one basket may present to the engine (its PriceInput bound). */
const MAX_PRESENTED_COUPONS = 20;

export class CheckoutMachine {
  private readonly subject = new BehaviorSubject<CheckoutState>(INITIAL_STATE);
  readonly state$: Observable<CheckoutState> = this.subject.asObservable();
  private readonly price: (input: PriceInput) => PricedBasket;
  private readonly memberCode: MemberCodeVerifier;
  private readonly maxBasketLines: number;
  private readonly maxSuspendedSales: number;
  private readonly log: Logger;
  private tendering = false;
  private cachedRules: { syncVersion: number; ruleSetId: string | null; rules: RuleSet; version: number; settings: StoreSettings | null } | null = null;

  constructor(private readonly options: CheckoutOptions) {
    this.price = options.price ?? enginePrice;
    this.memberCode = options.memberCode ?? new TotpMemberCodeVerifier(options.store);
    this.maxBasketLines = options.maxBasketLines ?? 200;
    this.maxSuspendedSales = options.maxSuspendedSales ?? 10;
    this.log = (options.logger ?? pino({ level: 'silent' })).child({ module: 'terminal/checkout' });
    // Baskets parked before a restart come back; their member balances are re-read on resume.
    const parked = options.store.listSuspended(this.maxSuspendedSales).map((row) => row.basket as SuspendedSale);
    if (parked.length > 0) this.subject.next({ ...INITIAL_STATE, suspended: parked });
  }

  get state(): CheckoutState {
    return this.subject.value;
  }

  // ── basket ────────────────────────────────────────────────────────────────

  /** A scanned code: a member QR attaches the member, anything else is looked up as a barcode. */
  scan(code: string): CheckoutResult {
    if (this.memberCode.recognise(code)) return this.identifyByQr(code);
    if (!this.allowed(ALL_SALE_PHASES)) return this.refuse('NOT_ALLOWED_NOW');
    const item = this.options.store.catalogue.itemByBarcode(code.trim());
    if (!item) return this.refuse('UNKNOWN_BARCODE');
    return this.addItem(item, 1000);
  }

  /** Adds by SKU (keyed in, or a fuel nozzle), with an optional open price. */
  addSku(sku: string, quantityMilli = 1000, unitPriceFen?: number): CheckoutResult {
    if (!this.allowed(ALL_SALE_PHASES)) return this.refuse('NOT_ALLOWED_NOW');
    const item = this.options.store.catalogue.item(sku);
    if (!item) return this.refuse('UNKNOWN_SKU');
    return this.addItem(item, quantityMilli, unitPriceFen);
  }

  /**
   * Adds a pump delivery as a fuel line: the grade's sku at the pump's price per litre for the delivered volume.
   * The same delivery cannot be in the basket twice.
   */
  addFuel(line: { sku: string; quantityMilli: number; unitPriceFen: number; fuel: NonNullable<BasketEntry['fuel']> }): CheckoutResult {
    if (!this.allowed(ALL_SALE_PHASES)) return this.refuse('NOT_ALLOWED_NOW');
    const item = this.options.store.catalogue.item(line.sku);
    if (!item) return this.refuse('UNKNOWN_SKU');
    const base = this.freshIfDone();
    if (base.lines.some((l) => l.fuel?.controllerTransactionId === line.fuel.controllerTransactionId && l.fuel.pumpNo === line.fuel.pumpNo)) {
      return this.refuse('PUMP_ALREADY_IN_SALE');
    }
    return this.addItem(item, line.quantityMilli, line.unitPriceFen, line.fuel);
  }

  private addItem(item: CatalogueItem, quantityMilli: number, unitPriceFen?: number, fuel?: BasketEntry['fuel']): CheckoutResult {
    const base = this.freshIfDone();
    if (!validQuantity(item, quantityMilli)) return this.refuse('QUANTITY_INVALID');
    const same = unitPriceFen === undefined ? base.lines.find((l) => l.sku === item.sku && l.unitPriceFen === undefined) : undefined;
    let lines: BasketEntry[];
    if (same) {
      if (same.quantityMilli + quantityMilli > MAX_QUANTITY_MILLI) return this.refuse('QUANTITY_INVALID');
      lines = base.lines.map((l) => (l === same ? { ...l, quantityMilli: l.quantityMilli + quantityMilli } : l));
    } else {
      if (base.lines.length >= this.maxBasketLines) return this.refuse('BASKET_FULL');
      const lineNo = base.lines.reduce((max, l) => Math.max(max, l.lineNo), 0) + 1;
      const entry: BasketEntry = { lineNo, sku: item.sku, name: item.name, item, quantityMilli };
      if (unitPriceFen !== undefined) entry.unitPriceFen = unitPriceFen;
      if (fuel) entry.fuel = fuel;
      lines = [...base.lines, entry];
    }
    return this.reprice({ ...base, lines, saleId: base.saleId ?? newId(this.options.clock.nowMs()) });
  }

  voidLine(lineNo: number): CheckoutResult {
    if (!this.allowed(EDITING)) return this.refuse('NOT_ALLOWED_NOW');
    if (!this.state.lines.some((l) => l.lineNo === lineNo)) return this.refuse('UNKNOWN_LINE');
    return this.reprice({ ...this.state, lines: this.state.lines.filter((l) => l.lineNo !== lineNo) });
  }

  changeQuantity(lineNo: number, quantityMilli: number): CheckoutResult {
    if (!this.allowed(EDITING)) return this.refuse('NOT_ALLOWED_NOW');
    const line = this.state.lines.find((l) => l.lineNo === lineNo);
    if (!line) return this.refuse('UNKNOWN_LINE');
    if (!validQuantity(line.item, quantityMilli)) return this.refuse('QUANTITY_INVALID');
    return this.reprice({ ...this.state, lines: this.state.lines.map((l) => (l === line ? { ...l, quantityMilli } : l)) });
  }

  applyCoupon(coupon: PresentedCoupon): CheckoutResult {
    if (!this.allowed(EDITING)) return this.refuse('NOT_ALLOWED_NOW');
    if (this.state.coupons.some((c) => c.couponId === coupon.couponId)) return this.refuse('COUPON_ALREADY_APPLIED');
    return this.reprice({ ...this.state, coupons: [...this.state.coupons, coupon] });
  }

  /**
   * Presents the attached member's own coupons (carried in the member record) that are valid now and
   * not redeemed by one of this till's unacked sales; the engine keeps the most valuable
   * non-stackable one and every applicable stackable one, and refuses the rest.
   */
  applyMemberCoupons(): CheckoutResult {
    if (!this.allowed(EDITING)) return this.refuse('NOT_ALLOWED_NOW');
    if (!this.state.member) return this.refuse('NO_MEMBER');
    const nowMs = this.options.clock.nowMs();
    const used = this.options.store.journal.pendingCouponCodesOf(this.state.member.member.memberId);
    const presented = new Set(this.state.coupons.map((c) => c.couponId));
    const usable = (this.state.member.member.coupons ?? [])
      .filter((c) => Date.parse(c.validFrom) <= nowMs && nowMs < Date.parse(c.validUntil) && !used.has(c.code) && !presented.has(c.code))
      .map((c) => ({ couponId: c.code, couponDefId: c.couponDefId }))
      .slice(0, Math.max(0, MAX_PRESENTED_COUPONS - this.state.coupons.length));
    return this.reprice({ ...this.state, coupons: [...this.state.coupons, ...usable] });
  }

  /** 积分抵现: points to spend as cash, or 'max'. */
  redeemPoints(points: number | 'max'): CheckoutResult {
    if (!this.allowed(EDITING)) return this.refuse('NOT_ALLOWED_NOW');
    if (!this.state.member) return this.refuse('NO_MEMBER');
    if (points !== 'max' && (!Number.isSafeInteger(points) || points < 0)) return this.refuse('QUANTITY_INVALID');
    return this.reprice({ ...this.state, pointsToRedeem: points });
  }

  // ── member ────────────────────────────────────────────────────────────────

  /** A card read from the bus adapter: card number from the track, or an RFID UID. */
  identifyByCard(read: { cardNo?: string; uid?: string }): CheckoutResult {
    return this.attach(() => identifyByCard(this.options.store, read));
  }

  identifyByPhone(typed: string): CheckoutResult {
    return this.attach(() => identifyByPhone(this.options.store, typed));
  }

  identifyByQr(payload: string): CheckoutResult {
    return this.attach(() => identifyByQr(this.options.store, this.memberCode, payload, this.options.clock.nowMs()));
  }

  detachMember(): CheckoutResult {
    if (!this.allowed(['memberAttached'])) return this.refuse('NOT_ALLOWED_NOW');
    return this.reprice({ ...this.state, member: null, pointsToRedeem: 0 });
  }

  private attach(identify: () => Identification): CheckoutResult {
    if (!this.allowed(['idle', 'basket', 'committed', 'printed'])) {
      return this.refuse(this.state.phase === 'memberAttached' ? 'MEMBER_ALREADY_ATTACHED' : 'NOT_ALLOWED_NOW');
    }
    const found = identify();
    if (!found.ok) return this.fail(found.error);
    const base = this.freshIfDone();
    const member: AttachedMember = { ...found.value, context: memberContextOf(this.options.store, found.value, this.offline()) };
    this.log.info({ memberId: member.member.memberId, via: member.via }, 'member attached');
    return this.reprice({ ...base, member, saleId: base.saleId ?? newId(this.options.clock.nowMs()) });
  }

  // ── suspend / resume / void ───────────────────────────────────────────────

  suspend(): CheckoutResult {
    if (!this.allowed(EDITING)) return this.refuse('NOT_ALLOWED_NOW');
    if (this.state.suspended.length >= this.maxSuspendedSales) return this.refuse('SUSPEND_LIMIT');
    const s = this.state;
    const suspended: SuspendedSale = {
      suspendId: s.saleId ?? newId(this.options.clock.nowMs()),
      suspendedAtMs: this.options.clock.nowMs(),
      lines: s.lines,
      member: s.member,
      coupons: s.coupons,
      pointsToRedeem: s.pointsToRedeem,
    };
    try {
      this.options.store.putSuspended(suspended.suspendId, suspended.suspendedAtMs, suspended);
    } catch (error) {
      if (error instanceof StoreError) return this.fail(new CheckoutError('STORE_REFUSED', { zh: error.messageZh, en: error.messageEn }, error.code));
      throw error;
    }
    this.log.info({ saleId: s.saleId, lines: s.lines.length }, 'sale suspended');
    this.set({ ...INITIAL_STATE, suspended: [...s.suspended, suspended], lastOutcome: s.lastOutcome });
    return { ok: true };
  }

  resume(suspendId: string): CheckoutResult {
    if (!this.allowed(BETWEEN_SALES)) return this.refuse('NOT_ALLOWED_NOW');
    const found = this.state.suspended.find((s) => s.suspendId === suspendId);
    if (!found) return this.refuse('SUSPENDED_NOT_FOUND');
    // Balances and card status may have moved while it waited: look the member up again.
    let member: AttachedMember | null = null;
    if (found.member) {
      const again = found.member.card
        ? identifyByCard(this.options.store, { cardNo: found.member.card.cardNo })
        : checkCachedMember(this.options.store, found.member.member.memberId, found.member.via);
      if (!again.ok) return this.fail(again.error);
      member = { ...again.value, via: found.member.via, context: memberContextOf(this.options.store, again.value, this.offline()) };
    }
    const resumed = this.reprice({
      ...INITIAL_STATE,
      saleId: found.suspendId,
      lines: found.lines,
      member,
      coupons: found.coupons,
      pointsToRedeem: found.pointsToRedeem,
      suspended: this.state.suspended.filter((s) => s !== found),
      lastOutcome: this.state.lastOutcome,
    });
    if (resumed.ok) this.options.store.deleteSuspended(found.suspendId);
    return resumed;
  }

  /** Drops a parked basket that will not be resumed (e.g. its card was reported lost meanwhile). */
  discardSuspended(suspendId: string): CheckoutResult {
    const found = this.state.suspended.find((s) => s.suspendId === suspendId);
    if (!found) return this.refuse('SUSPENDED_NOT_FOUND');
    try {
      this.options.store.deleteSuspended(suspendId);
    } catch (error) {
      if (error instanceof StoreError) return this.fail(new CheckoutError('STORE_REFUSED', { zh: error.messageZh, en: error.messageEn }, error.code));
      throw error;
    }
    this.log.info({ saleId: suspendId, lines: found.lines.length }, 'suspended sale discarded');
    this.set({ ...this.state, suspended: this.state.suspended.filter((s) => s !== found), lastRefusal: null });
    return { ok: true };
  }

  /** Whole-sale void before commit: nothing was journaled, so nothing is reversed. */
  voidSale(): CheckoutResult {
    if (!this.allowed(['basket', 'memberAttached', 'tendering'])) return this.refuse('NOT_ALLOWED_NOW');
    this.log.info({ saleId: this.state.saleId, lines: this.state.lines.length }, 'sale voided before commit');
    this.tendering = false;
    this.set({ ...INITIAL_STATE, suspended: this.state.suspended, lastOutcome: this.state.lastOutcome });
    return { ok: true };
  }

  // ── tendering and commit ──────────────────────────────────────────────────

  startTendering(): CheckoutResult {
    if (!this.allowed(EDITING)) return this.refuse('NOT_ALLOWED_NOW');
    if (this.state.lines.length === 0) return this.refuse('BASKET_EMPTY');
    this.tendering = true;
    this.set({ ...this.state, phase: 'tendering', lastRefusal: null });
    return { ok: true };
  }

  cancelTendering(): CheckoutResult {
    if (!this.allowed(['tendering'])) return this.refuse('NOT_ALLOWED_NOW');
    this.tendering = false;
    return this.reprice({ ...this.state, tenders: [] });
  }

  /**
   * Offers a tender; the engine validates it (balance, points, what is due). When nothing is left
   * to pay, the sale is committed at once.
   */
  addTender(tender: TenderRequest): CheckoutResult {
    if (!this.allowed(['tendering'])) return this.refuse('NOT_ALLOWED_NOW');
    if (tender.kind === 'storedValue' && !this.state.member) return this.refuse('NO_MEMBER');
    // The link may have dropped (or come back) since the member was attached: balances as of now.
    const m = this.state.member;
    const member = m ? { ...m, context: memberContextOf(this.options.store, m, this.offline()) } : null;
    const priced = this.priceState({ ...this.state, member, tenders: [...this.state.tenders, tender] });
    if (!priced.ok) return priced;
    if (priced.state.priced?.payment.dueFen === 0) return this.commitState(priced.state);
    this.set(priced.state);
    return { ok: true };
  }

  /** Commits a fully paid sale again after the store refused it (e.g. disk full, then space freed). */
  commit(): CheckoutResult {
    if (!this.allowed(['tendering'])) return this.refuse('NOT_ALLOWED_NOW');
    if (this.state.priced?.payment.dueFen !== 0) return this.refuse('AMOUNT_DUE');
    return this.commitState(this.state);
  }

  private commitState(s: CheckoutState): CheckoutResult {
    const priced = s.priced!;
    const nowMs = this.options.clock.nowMs();
    const draft = this.saleDraft(s, priced, nowMs);
    try {
      const entry = this.options.store.commitSale(draft, this.options.identity.receiptPrefix, priced);
      this.tendering = false;
      this.set({ ...s, phase: 'committed', committed: entry.body, lastRefusal: null, lastOutcome: { type: 'saleCommitted', body: entry.body } });
      return { ok: true };
    } catch (error) {
      // The store rolled everything back; the cashier sees why and the tenders stay for a retry.
      if (error instanceof StoreError) {
        this.set(s);
        return this.fail(new CheckoutError('STORE_REFUSED', { zh: error.messageZh, en: error.messageEn }, error.code));
      }
      throw error;
    }
  }

  /** The printer reports the receipt is out: the sale is done. */
  markPrinted(): CheckoutResult {
    if (!this.allowed(['committed'])) return this.refuse('NOT_ALLOWED_NOW');
    this.set({ ...this.state, phase: 'printed', lastRefusal: null });
    return { ok: true };
  }

  /** Clears a finished sale off the screen; the next scan does this too. */
  newSale(): CheckoutResult {
    if (!this.allowed(['committed', 'printed', 'idle'])) return this.refuse('NOT_ALLOWED_NOW');
    this.set(this.freshIfDone());
    return { ok: true };
  }

  // ── refund, enrolment, recharge ───────────────────────────────────────────

  /**
   * Refunds whole lines of a past sale (all lines when `lineNos` is omitted) after a manager PIN.
   * Checks, first failure wins: phase → PIN → sale exists → lines valid (engine).
   */
  async refund(request: { receiptNo: string; lineNos?: number[]; managerPin: string; reason: string }): Promise<CheckoutResult> {
    if (!this.allowed(BETWEEN_SALES)) return this.refuse('NOT_ALLOWED_NOW');
    const managerId = await this.options.verifyManagerPin(request.managerPin);
    if (!managerId) return this.refuse('MANAGER_PIN_INVALID');
    const store = this.options.store;
    const found = store.journal.byReceiptNo(request.receiptNo);
    if (!found || found.type !== 'saleCommitted') return this.refuse('SALE_NOT_FOUND');
    const sale = found.body as SaleCommittedBody;
    const priced = store.pricingOf(sale.saleId) as PricedBasket | null;
    if (!priced) return this.refuse('SALE_NOT_FOUND');
    const already = store.journal.refundsOf(sale.saleId).flatMap((r) => r.body.lines.map((l) => l.lineNo));
    const lineNos = request.lineNos ?? sale.lines.map((l) => l.lineNo).filter((n) => !already.includes(n));
    if (lineNos.length === 0) return this.refuse('REFUND_EXCEEDS_SALE');
    let result;
    try {
      result = engineRefund(priced, { lineNos, alreadyRefunded: already });
    } catch (error) {
      if (error instanceof EngineError) return this.fail(new CheckoutError('REFUND_EXCEEDS_SALE', error.text, error.code));
      throw error;
    }
    const nowMs = this.options.clock.nowMs();
    const tenders: Tender[] = [...result.tenders];
    if (tenders.length === 0) {
      tenders.push(result.pointsRestored > 0 ? { kind: 'points', amountFen: 0, points: result.pointsRestored } : { kind: 'cash', amountFen: 0 });
    }
    const draft: Omit<SaleRefundedBody, 'receiptNo'> = {
      ...this.header(nowMs),
      refundId: newId(nowMs),
      saleId: sale.saleId,
      memberId: sale.memberId,
      lines: result.lines.map((l) => ({ lineNo: l.lineNo, quantityMilli: l.quantityMilli, refundFen: l.refundFen, pointsReversed: l.pointsReversed })),
      refundFen: result.refundFen,
      tenders,
      pointsReversed: result.pointsReversed,
      pointsRestored: result.pointsRestored,
      growthReversed: result.growthReversed,
      approvedBy: managerId,
      reason: request.reason,
    };
    return this.journal(() => store.commitRefund(draft, this.options.identity.receiptPrefix), 'saleRefunded');
  }

  /** Enrols a member at the till (phone + name), journals it, and attaches them to the sale. */
  enrol(request: { phone: string; name: string }): CheckoutResult {
    if (!this.allowed(['idle', 'basket', 'committed', 'printed'])) return this.refuse('NOT_ALLOWED_NOW');
    const phone = normalisePhone(request.phone);
    if (!phone) return this.refuse('PHONE_INVALID');
    const name = request.name.trim();
    if (name.length === 0 || name.length > 100) return this.refuse('NAME_INVALID');
    const store = this.options.store;
    if (store.members.memberByPhone(phone)) return this.refuse('MEMBER_EXISTS');
    const nowMs = this.options.clock.nowMs();
    const occurredAt = new Date(nowMs).toISOString();
    const memberId = newId(nowMs);
    const member: MemberRecord = {
      memberId,
      name,
      phone,
      tierId: null,
      birthday: null,
      status: 'active',
      storedValue: { principalFen: 0, bonusFen: 0 },
      pointsBalance: 0,
      pointsLots: [],
      growth: 0,
      flags: [],
      updatedAt: occurredAt,
    };
    const { businessDate: _bd, cashierId: _c, ...header } = this.header(nowMs);
    const result = this.journal(
      () => store.commitEnrolment({ ...header, memberId, phone, name }, member),
      'memberEnrolled',
    );
    if (!result.ok) return result;
    return this.attach(() => ({ ok: true, value: { member, card: null, via: 'phone' } }));
  }

  /**
   * Recharges the attached member's stored value by plan (充100送20): the engine says what the plan
   * credits; the payment is one money tender for the amount paid.
   */
  recharge(request: { paidFen: number; planId?: string; tender: { kind: Tender['kind']; reference?: string } }): CheckoutResult {
    if (!this.allowed(['memberAttached'])) return this.refuse(this.state.member ? 'NOT_ALLOWED_NOW' : 'NO_MEMBER');
    if (this.state.lines.length > 0) return this.refuse('NOT_ALLOWED_NOW');
    if (['storedValue', 'points', 'coupon'].includes(request.tender.kind)) return this.refuse('RECHARGE_INVALID');
    const member = this.state.member!;
    const nowMs = this.options.clock.nowMs();
    let plan;
    try {
      plan = planRecharge({
        now: new Date(nowMs).toISOString(),
        storeId: this.options.identity.storeId,
        rules: this.rules().rules,
        paidFen: request.paidFen,
        member: member.context,
        ...(request.planId !== undefined ? { planId: request.planId } : {}),
      });
    } catch (error) {
      if (error instanceof EngineError) return this.fail(new CheckoutError('RECHARGE_INVALID', error.text, error.code));
      throw error;
    }
    const tender: Tender = { kind: request.tender.kind, amountFen: request.paidFen };
    if (request.tender.reference) tender.reference = request.tender.reference;
    const result = this.journal(
      () =>
        this.options.store.commitRecharge({
          ...this.header(nowMs),
          rechargeId: newId(nowMs),
          memberId: member.member.memberId,
          cardNo: member.card?.cardNo ?? null,
          planId: plan.planId,
          paidFen: plan.paidFen,
          principalFen: plan.principalFen,
          bonusFen: plan.bonusFen,
          bonusPoints: plan.bonusPoints,
          tenders: [tender],
        }),
      'rechargeCommitted',
    );
    if (!result.ok) return result;
    // Show the new balance at once: the recharge is pending in the outbox.
    return this.reprice({ ...this.state, member: { ...member, context: memberContextOf(this.options.store, member, this.offline()) } });
  }

  // ── internals ─────────────────────────────────────────────────────────────

  private journal(commit: () => { body: unknown }, type: 'saleRefunded' | 'memberEnrolled' | 'rechargeCommitted'): CheckoutResult {
    try {
      const entry = commit();
      this.set({ ...this.state, lastRefusal: null, lastOutcome: { type, body: entry.body } as CheckoutState['lastOutcome'] });
      return { ok: true };
    } catch (error) {
      if (error instanceof StoreError) return this.fail(new CheckoutError('STORE_REFUSED', { zh: error.messageZh, en: error.messageEn }, error.code));
      throw error;
    }
  }

  private offline(): boolean {
    return !(this.options.isOnline?.() ?? false);
  }

  private header(nowMs: number) {
    const id = this.options.identity;
    return {
      eventId: newId(nowMs),
      storeId: id.storeId,
      terminalId: id.terminalId,
      occurredAt: new Date(nowMs).toISOString(),
      businessDate: businessDateOf(nowMs, this.rules().settings?.timezone ?? DEFAULT_TIME_ZONE),
      offline: this.offline(),
      ...(id.cashierId ? { cashierId: id.cashierId } : {}),
    };
  }

  private saleDraft(s: CheckoutState, priced: PricedBasket, nowMs: number): Omit<SaleCommittedBody, 'receiptNo'> {
    // Tenders are the money taken, summing to payableFen; points as cash and coupons are in
    // totals, pointsSpent and couponsRedeemed, so they are not repeated here as tenders.
    const tenders: Tender[] = priced.payment.tenders.map((t) => ({ ...t }));
    // A basket settled wholly by points or discounts still records how (the protocol wants a tender).
    if (tenders.length === 0) {
      tenders.push(priced.points.spent > 0 ? { kind: 'points', amountFen: 0, points: priced.points.spent } : { kind: 'cash', amountFen: 0, changeFen: 0 });
    }
    return {
      ...this.header(nowMs),
      saleId: s.saleId ?? newId(nowMs),
      memberId: s.member?.member.memberId ?? null,
      cardNo: s.member?.card?.cardNo ?? null,
      ruleSetVersion: this.rules().version,
      lines: priced.lines.map((l) => {
        const fuel = s.lines.find((e) => e.lineNo === l.lineNo)?.fuel;
        return {
          lineNo: l.lineNo,
          sku: l.sku,
          name: l.name.zh,
          quantityMilli: l.quantityMilli,
          unitPriceFen: l.unitPriceFen,
          grossFen: l.grossFen,
          adjustments: l.adjustments,
          netFen: l.netFen,
          pointsEarned: l.pointsEarned,
          ...(fuel ? { fuel: { ...fuel, ...(l.memberOffFenPerUnit !== undefined ? { memberOffFenPerLitre: l.memberOffFenPerUnit } : {}) } } : {}),
        };
      }),
      orderAdjustments: [],
      totals: {
        grossFen: priced.totals.grossFen,
        discountFen: priced.totals.discountFen,
        pointsCashFen: priced.totals.pointsCashFen,
        roundingFen: priced.totals.roundingFen,
        payableFen: priced.totals.payableFen,
      },
      tenders,
      pointsEarned: priced.points.earned,
      pointsSpent: priced.points.spent,
      growthEarned: priced.growth.earned,
      couponsRedeemed: priced.coupons.accepted.map((c) => c.couponId),
    };
  }

  /** The active rule set and store settings, read and parsed again only after the store applied sync data. */
  private rules(): { rules: RuleSet; version: number; settings: StoreSettings | null } {
    const store = this.options.store;
    if (!this.cachedRules || this.cachedRules.syncVersion !== store.syncVersion) {
      const record = store.activeRuleSet();
      const same = this.cachedRules && this.cachedRules.ruleSetId === (record?.ruleSetId ?? null);
      this.cachedRules = {
        syncVersion: store.syncVersion,
        ruleSetId: record?.ruleSetId ?? null,
        rules: same ? this.cachedRules!.rules : RuleSet.parse(record?.rules ?? {}),
        version: record?.version ?? 0,
        settings: store.storeSettings(),
      };
    }
    return this.cachedRules;
  }

  /** Prices the candidate state and emits it; on an engine refusal the current state stays as it was. */
  private reprice(candidate: CheckoutState): CheckoutResult {
    const priced = this.priceState(candidate);
    if (priced.ok) this.set(priced.state);
    return priced.ok ? { ok: true } : priced;
  }

  private priceState(candidate: CheckoutState): { ok: true; state: CheckoutState } | { ok: false; error: CheckoutError } {
    const phase = this.phaseOf(candidate);
    if (candidate.lines.length === 0) {
      return { ok: true, state: { ...candidate, phase, priced: null, tenders: [], lastRefusal: null } };
    }
    const catalogue = new Map<string, CatalogueItem>();
    for (const line of candidate.lines) catalogue.set(line.sku, line.item);
    const rules = this.rules();
    const settings = rules.settings;
    const input: PriceInput = {
      now: new Date(this.options.clock.nowMs()).toISOString(),
      storeId: this.options.identity.storeId,
      rules: rules.rules,
      catalogue: [...catalogue.values()],
      member: candidate.member?.context ?? null,
      basket: {
        lines: candidate.lines.map((l) => ({
          lineNo: l.lineNo,
          sku: l.sku,
          quantityMilli: l.quantityMilli,
          ...(l.unitPriceFen !== undefined ? { unitPriceFen: l.unitPriceFen } : {}),
        })),
      },
      coupons: [...candidate.coupons],
      pointsToRedeem: candidate.pointsToRedeem,
      tenders: [...candidate.tenders],
      ...(settings ? { roundingMode: settings.roundingMode } : {}),
    };
    let priced: PricedBasket;
    try {
      priced = this.price(input);
    } catch (error) {
      if (error instanceof EngineError) return this.fail(new CheckoutError('PRICING_REFUSED', error.text, error.code));
      throw error;
    }
    return { ok: true, state: { ...candidate, phase, priced, lastRefusal: null } };
  }

  private phaseOf(s: CheckoutState): CheckoutPhase {
    if (this.tendering && s.lines.length > 0) return 'tendering';
    if (s.member) return 'memberAttached';
    return s.lines.length > 0 ? 'basket' : 'idle';
  }

  /** After a finished sale, the next action starts a new one (keeping suspended sales). */
  private freshIfDone(): CheckoutState {
    const s = this.state;
    if (s.phase !== 'committed' && s.phase !== 'printed') return s;
    return { ...INITIAL_STATE, suspended: s.suspended, lastOutcome: s.lastOutcome };
  }

  private allowed(phases: readonly CheckoutPhase[]): boolean {
    return phases.includes(this.state.phase);
  }

  private refuse(code: CheckoutErrorCode): { ok: false; error: CheckoutError } {
    return this.fail(new CheckoutError(code));
  }

  private fail(error: CheckoutError): { ok: false; error: CheckoutError } {
    this.log.info({ code: error.code, causeCode: error.causeCode, phase: this.state.phase }, 'checkout refused');
    this.set({
      ...this.state,
      lastRefusal: { code: error.code, text: error.text, atMs: this.options.clock.nowMs(), ...(error.causeCode ? { causeCode: error.causeCode } : {}) },
    });
    return { ok: false, error };
  }

  private set(next: CheckoutState): void {
    this.subject.next(next);
  }

  /** Completes the observable; the machine accepts no more actions after this. */
  close(): void {
    this.subject.complete();
  }
}

function validQuantity(item: CatalogueItem, quantityMilli: number): boolean {
  if (!Number.isSafeInteger(quantityMilli) || quantityMilli <= 0 || quantityMilli > MAX_QUANTITY_MILLI) return false;
  // Pieces are whole; kilograms and litres may be fractional.
  return item.unit !== 'piece' || quantityMilli % 1000 === 0;
}

