// The attendant's side of the forecourt: live pump states from the bus, pump commands, and settling a pump
// delivery through the ONE checkout machine (a fuel line among shop lines). Exactly once across tills: the
// delivery is locked at the controller with this till's id before it enters the basket, closed (released)
// after the sale is durable in the journal, and unlocked when the basket drops it unpaid.
import { BehaviorSubject, type Observable, type Subscription } from 'rxjs';
import { pino, type Logger } from 'pino';
import type { FuelGrade, LocalizedText, Preset, PumpStatus, SaleCommittedBody } from '@pos/protocol';
import type { LocalStore } from '../store/local-store.js';
import type { DeviceBus } from '../bus/device-bus.js';
import { DeviceError, deviceErrorText } from '../bus/device-error.js';
import type { DeviceEvent } from '../bus/device-events.js';
import type { CheckoutMachine } from '../checkout/checkout-machine.js';
import type { CheckoutState } from '../checkout/checkout-state.js';

/** Catalogue sku per grade; the pump's price per litre is the line's open price. */
export const DEFAULT_GRADE_SKUS: Readonly<Record<FuelGrade, string>> = { '92': 'FUEL-92', '95': 'FUEL-95', '98': 'FUEL-98', '0': 'FUEL-0' };

export interface KioskPump {
  status: PumpStatus;
  /** The pump went offline or into error mid-delivery: the figures are the last ones reported. */
  incomplete: boolean;
}

export type KioskErrorCode = 'NO_TRANSACTION' | 'NOT_SETTLEABLE' | 'CHECKOUT_REFUSED' | 'PUMP_REFUSED' | 'UNKNOWN_PUMP';

const TEXT: Record<Exclude<KioskErrorCode, 'CHECKOUT_REFUSED' | 'PUMP_REFUSED'>, LocalizedText> = {
  NO_TRANSACTION: { zh: '该油机没有待结算的交易', en: 'This pump has no transaction to settle' },
  NOT_SETTLEABLE: { zh: '加油尚未结束，不能结算', en: 'The delivery has not finished; it cannot be settled yet' },
  UNKNOWN_PUMP: { zh: '没有这个油机', en: 'No such pump' },
};

export class KioskError extends Error {
  override readonly name = 'KioskError';
  constructor(
    readonly code: KioskErrorCode,
    readonly text: LocalizedText,
    /** The controller's or checkout's own code. */
    readonly causeCode?: string,
  ) {
    super(text.en);
  }
}

export interface ForecourtKioskOptions {
  bus: DeviceBus;
  checkout: CheckoutMachine;
  /** This till's id at the controller (the terminal id). */
  tillId: string;
  gradeSkus?: Readonly<Record<FuelGrade, string>>;
  /**
   * Whether this till's journal holds a sale of that delivery. Lets a restarted till finish what it left: a delivery
   * still locked by this till is released when it was paid, unlocked when it was not (and is in no parked basket).
   */
  isSettled?: (pumpNo: number, controllerTransactionId: string) => boolean;
  logger?: Logger;
}

type Held = { pumpNo: number; transactionId: string };
const key = (pumpNo: number, transactionId: string) => `${pumpNo}/${transactionId}`;
const SETTLEABLE = new Set<PumpStatus['state']>(['finished', 'offline', 'error']);
/** At most this many sales' pumps wait for their release at once (a pump stays offline for a while). */
const MAX_PENDING_RELEASES = 99;
/** How far back a restarted till looks in its journal for the sale of a delivery it still holds. */
const MAX_JOURNAL_LOOKBACK = 2_000;

/**
 * Looks for a sale of the delivery among the last journal entries (a restart finds only recent ones; a delivery
 * locked and paid further back is released by hand from the page).
 */
export function settledInJournal(store: LocalStore, pumpNo: number, controllerTransactionId: string): boolean {
  let seq = Math.max(0, store.journal.journalSize() - MAX_JOURNAL_LOOKBACK);
  for (;;) {
    const page = store.journal.journalAfter(seq, 200);
    if (page.length === 0) return false;
    for (const entry of page) {
      if (entry.type !== 'saleCommitted') continue;
      const sale = entry.body as SaleCommittedBody;
      if (sale.lines.some((l) => l.fuel?.pumpNo === pumpNo && l.fuel.controllerTransactionId === controllerTransactionId)) return true;
    }
    seq = page[page.length - 1]!.journalSeq;
  }
}

export class ForecourtKiosk {
  private readonly pumpsSubject = new BehaviorSubject<readonly KioskPump[]>([]);
  readonly pumps$: Observable<readonly KioskPump[]> = this.pumpsSubject.asObservable();
  private readonly gradeSkus: Readonly<Record<FuelGrade, string>>;
  private readonly log: Logger;
  private readonly subscriptions: Subscription[] = [];
  /** Deliveries this till has locked and holds in a basket (current or suspended). */
  private readonly held = new Map<string, Held>();
  /** Paid deliveries whose pump is not released yet (offline pump, lost link): retried on the pump's next status. */
  private readonly toRelease = new Map<string, Held>();
  private releasedSaleId: string | null = null;
  /** Lock requests in flight: the pump's status shows our lock before the reply arrives. */
  private readonly locking = new Set<string>();
  /** Our locks found on the controller that this kiosk did not take (a restart), already dealt with. */
  private readonly recovered = new Set<string>();

  constructor(private readonly options: ForecourtKioskOptions) {
    this.gradeSkus = options.gradeSkus ?? DEFAULT_GRADE_SKUS;
    this.log = (options.logger ?? pino({ level: 'silent' })).child({ module: 'terminal/forecourt-kiosk' });
    this.subscriptions.push(options.bus.events$.subscribe((event) => this.onDeviceEvent(event)));
    this.subscriptions.push(options.checkout.state$.subscribe((state) => this.onCheckoutState(state)));
  }

  get pumps(): readonly KioskPump[] {
    return this.pumpsSubject.value;
  }

  pump(pumpNo: number): KioskPump | undefined {
    return this.pumps.find((p) => p.status.pumpNo === pumpNo);
  }

  async authorize(pumpNo: number, preset: Preset): Promise<void> {
    await this.command({ type: 'authorizePump', pumpNo, preset });
  }

  async stop(pumpNo: number): Promise<void> {
    await this.command({ type: 'stopPump', pumpNo });
  }

  async resume(pumpNo: number): Promise<void> {
    await this.command({ type: 'resumePump', pumpNo });
  }

  async emergencyStop(): Promise<void> {
    await this.command({ type: 'emergencyStop' });
  }

  /**
   * Brings a pump's finished delivery into the sale: lock it at the controller for this till (another till's
   * lock wins: TRANSACTION_LOCKED), then add the fuel line. A delivery cut short by offline/error is settled
   * from its last reported figures and flagged incomplete.
   */
  async settle(pumpNo: number): Promise<void> {
    const pump = this.pump(pumpNo);
    if (!pump) throw new KioskError('UNKNOWN_PUMP', TEXT.UNKNOWN_PUMP);
    const tx = pump.status.transaction;
    if (!tx) throw new KioskError('NO_TRANSACTION', TEXT.NO_TRANSACTION);
    if (!SETTLEABLE.has(pump.status.state)) throw new KioskError('NOT_SETTLEABLE', TEXT.NOT_SETTLEABLE, 'NOT_FINISHED');
    const k = key(pumpNo, tx.transactionId);
    if (this.toRelease.has(k)) throw new KioskError('PUMP_REFUSED', deviceErrorText('UNKNOWN_TRANSACTION'), 'UNKNOWN_TRANSACTION');
    this.locking.add(k);
    try {
      await this.command({ type: 'lockPumpTransaction', pumpNo, transactionId: tx.transactionId, tillId: this.options.tillId });
    } finally {
      this.locking.delete(k);
    }
    const wasHeld = this.held.has(k);
    this.held.set(k, { pumpNo, transactionId: tx.transactionId });
    const result = this.options.checkout.addFuel({
      sku: this.gradeSkus[tx.grade],
      quantityMilli: tx.volumeMilliLitre,
      unitPriceFen: tx.unitPriceFen,
      fuel: {
        pumpNo,
        nozzleNo: tx.nozzleNo,
        grade: tx.grade,
        controllerTransactionId: tx.transactionId,
        incomplete: pump.incomplete || pump.status.state !== 'finished',
      },
    });
    if (!result.ok) {
      // already in this basket: keep the lock it holds; anything else: give the delivery back
      if (!wasHeld) await this.unlock(k);
      throw new KioskError('CHECKOUT_REFUSED', result.error.text, result.error.code);
    }
    this.log.info({ pumpNo, transactionId: tx.transactionId, volumeMilliLitre: tx.volumeMilliLitre }, 'pump delivery in the sale');
  }

  /** Retries the release of paid pumps (the page's button; also done on each status of such a pump). */
  async releasePending(): Promise<void> {
    for (const [k, h] of [...this.toRelease]) await this.release(k, h);
  }

  close(): void {
    for (const s of this.subscriptions) s.unsubscribe();
    this.pumpsSubject.complete();
  }

  private async command(command: Record<string, unknown> & { type: string }): Promise<void> {
    try {
      await this.options.bus.send(command);
    } catch (error) {
      if (error instanceof DeviceError) throw new KioskError('PUMP_REFUSED', deviceErrorText(error.code), error.code);
      throw error;
    }
  }

  private onDeviceEvent(event: DeviceEvent): void {
    if (event.type !== 'pump') return;
    const others = this.pumps.filter((p) => p.status.pumpNo !== event.status.pumpNo);
    const next = [...others, { status: event.status, incomplete: event.incomplete }].sort((a, b) => a.status.pumpNo - b.status.pumpNo);
    this.pumpsSubject.next(next);
    const tx = event.status.transaction;
    if (!tx) return;
    const k = key(event.status.pumpNo, tx.transactionId);
    if (event.status.lockedBy === this.options.tillId) this.recover(k, { pumpNo: event.status.pumpNo, transactionId: tx.transactionId });
    if (event.status.state === 'finished') {
      const pending = this.toRelease.get(k);
      if (pending) void this.release(k, pending);
    }
  }

  /** A lock of ours this kiosk does not know (it restarted): release it if paid, keep it if parked, else give it back. */
  private recover(k: string, h: Held): void {
    if (this.locking.has(k) || this.held.has(k) || this.toRelease.has(k) || this.recovered.has(k)) return;
    if (this.recovered.size >= MAX_PENDING_RELEASES) this.recovered.clear();
    this.recovered.add(k);
    const state = this.options.checkout.state;
    const parked = [...state.lines, ...state.suspended.flatMap((s) => s.lines)].some((l) => l.fuel && key(l.fuel.pumpNo, l.fuel.controllerTransactionId) === k);
    if (parked) {
      this.held.set(k, h);
      return;
    }
    if (this.options.isSettled?.(h.pumpNo, h.transactionId)) {
      this.log.info({ ...h }, 'paid before a restart: releasing the pump');
      this.toRelease.set(k, h);
      void this.release(k, h);
      return;
    }
    this.log.info({ ...h }, 'locked before a restart and not paid: unlocking');
    this.held.set(k, h);
    void this.unlock(k);
  }

  /**
   * A committed sale releases its pumps (it is durable in the journal already); deliveries that left the
   * basket unpaid (line or sale voided) are unlocked so another till may settle them.
   */
  private onCheckoutState(state: CheckoutState): void {
    const sale = state.committed;
    if ((state.phase === 'committed' || state.phase === 'printed') && sale && sale.saleId !== this.releasedSaleId) {
      this.releasedSaleId = sale.saleId;
      for (const line of sale.lines) {
        if (!line.fuel) continue;
        const k = key(line.fuel.pumpNo, line.fuel.controllerTransactionId);
        const h = { pumpNo: line.fuel.pumpNo, transactionId: line.fuel.controllerTransactionId };
        this.held.delete(k);
        if (this.toRelease.size >= MAX_PENDING_RELEASES) {
          this.log.error({ ...h }, 'too many pumps waiting for release; release it from the controller');
          continue;
        }
        this.toRelease.set(k, h);
        void this.release(k, h);
      }
      return;
    }
    const inBaskets = new Set<string>();
    for (const l of state.lines) if (l.fuel) inBaskets.add(key(l.fuel.pumpNo, l.fuel.controllerTransactionId));
    for (const s of state.suspended) for (const l of s.lines) if (l.fuel) inBaskets.add(key(l.fuel.pumpNo, l.fuel.controllerTransactionId));
    for (const k of [...this.held.keys()]) if (!inBaskets.has(k)) void this.unlock(k);
  }

  private async release(k: string, h: Held): Promise<void> {
    try {
      await this.options.bus.send({ type: 'closePumpTransaction', pumpNo: h.pumpNo, transactionId: h.transactionId, tillId: this.options.tillId });
      this.toRelease.delete(k);
      this.log.info({ ...h }, 'pump released');
    } catch (error) {
      const code = error instanceof DeviceError ? error.code : 'UNKNOWN';
      // already closed (a retry whose first reply was lost): nothing left to release
      if (code === 'UNKNOWN_TRANSACTION') this.toRelease.delete(k);
      else this.log.warn({ ...h, code }, 'pump not released yet; retried on its next status');
    }
  }

  private async unlock(k: string): Promise<void> {
    const h = this.held.get(k);
    if (!h) return;
    this.held.delete(k);
    try {
      await this.options.bus.send({ type: 'unlockPumpTransaction', pumpNo: h.pumpNo, transactionId: h.transactionId, tillId: this.options.tillId });
    } catch (error) {
      this.log.warn({ ...h, code: error instanceof DeviceError ? error.code : 'UNKNOWN' }, 'pump delivery not unlocked');
    }
  }
}
