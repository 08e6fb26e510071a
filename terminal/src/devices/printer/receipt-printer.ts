// ESC/POS receipt printer driver: lays out and prints receipts, holds jobs while the printer cannot print and
// prints them when it is back, reprints the last receipt, kicks the drawer and reports printer and drawer state.
import { EMPTY, Subject, exhaustMap, firstValueFrom, from, ignoreElements, merge, timer, type Observable } from 'rxjs';
import type { DeviceCommand, DeviceEvent, PrinterState } from '../../bus/device-events.js';
import type { ReceiptInput } from '../../bus/receipt-input.js';
import { DeviceError, type DeviceErrorCode } from '../../bus/device-error.js';
import { TransportDevice, deviceErrorEvent, type DriverOptions } from '../transport-device.js';
import type { ByteTransport } from '../transports/byte-transport.js';
import { layoutReceipt, type PaperWidth } from './receipt-layout.js';
import { layoutReport } from './report-layout.js';
import { drawerKickBytes, encodeReceipt, statusRequestBytes } from './escpos-encoder.js';
import { canPrint, readPrinterStatus, type PrinterReading } from './escpos-status.js';
import { statusReply } from './status-reply.js';

export interface ReceiptPrinterOptions extends DriverOptions {
  paperWidth: PaperWidth;
  startsInChineseMode?: boolean;
  /** How often to read DLE EOT status while attached (drawer state, paper, cover). */
  statusPollMs?: number;
  statusTimeoutMs?: number;
  /** Receipts waiting for the printer; a print beyond this is refused with PRINT_QUEUE_FULL. */
  maxHeldJobs?: number;
  drawerOpenWhenPin3High?: boolean;
}

interface PrintJob {
  jobId: string;
  /** Lays the document out again, e.g. marked as a reprint. */
  render: (reprint: boolean) => Buffer;
  reprint: boolean;
  /** Laid out when accepted, so a receipt that cannot be laid out is refused to the caller, not stuck in the queue. */
  bytes: Buffer;
}

function heldCode(reading: PrinterReading): DeviceErrorCode {
  return reading.paperOut ? 'PAPER_OUT' : reading.coverOpen ? 'COVER_OPEN' : reading.online ? 'PRINTER_ERROR' : 'PRINTER_OFFLINE';
}

export class ReceiptPrinter extends TransportDevice {
  readonly deviceClass = 'printer' as const;
  readonly accepts = ['print', 'printReport', 'reprintLast', 'kickDrawer'] as const;
  private readonly paperWidth: PaperWidth;
  private readonly startsInChineseMode: boolean;
  private readonly statusPollMs: number;
  private readonly statusTimeoutMs: number;
  private readonly maxHeldJobs: number;
  private readonly drawerOpenWhenPin3High: boolean;
  private readonly queue: PrintJob[] = [];
  private lastPrinted: PrintJob | null = null;
  /** Sent, but the printer stopped before confirming it could go on (it holds the rest in its buffer). */
  private stalled: PrintJob | null = null;
  private reprintCount = 0;
  private lastReading: PrinterReading | null = null;
  private heldReported: DeviceErrorCode | null = null;
  private readonly wake$ = new Subject<void>();
  private data$: Observable<Buffer> = EMPTY;
  /** Serialises use of the transport: a status request must not interleave with a job's bytes. */
  private lock: Promise<unknown> = Promise.resolve();

  constructor(transport: ByteTransport, options: ReceiptPrinterOptions) {
    super(transport, options);
    this.paperWidth = options.paperWidth;
    this.startsInChineseMode = options.startsInChineseMode ?? false;
    this.statusPollMs = options.statusPollMs ?? 1_000;
    this.statusTimeoutMs = options.statusTimeoutMs ?? 1_000;
    this.maxHeldJobs = options.maxHeldJobs ?? 20;
    this.drawerOpenWhenPin3High = options.drawerOpenWhenPin3High ?? true;
  }

  /** Jobs waiting for the printer, oldest first. */
  heldJobIds(): string[] {
    return [...(this.stalled ? [this.stalled.jobId] : []), ...this.queue.map((j) => j.jobId)];
  }

  /** The printer and drawer state from the last status reading, if any. */
  reading(): PrinterReading | null {
    return this.lastReading;
  }

  /** Lays out and encodes a receipt as this printer would print it. */
  receiptBytes(receipt: ReceiptInput, reprint = false): Buffer {
    return encodeReceipt(layoutReceipt(receipt, { paperWidth: this.paperWidth, reprint }), { startsInChineseMode: this.startsInChineseMode });
  }

  protected session(data$: Observable<Buffer>): Observable<DeviceEvent> {
    this.data$ = data$;
    if (this.stalled) {
      this.queue.unshift(this.stalled);
      this.stalled = null;
    }
    this.lastReading = null;
    this.heldReported = null;
    return merge(timer(0, this.statusPollMs, this.scheduler), this.wake$).pipe(
      exhaustMap(() => from(this.withLock(() => this.cycle()))),
      ignoreElements(),
    );
  }

  private withLock<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work, work);
    this.lock = run.catch(() => undefined);
    return run;
  }

  async execute(command: DeviceCommand): Promise<void> {
    switch (command.type) {
      case 'print': {
        const receipt = command.receipt;
        return this.enqueue(command.jobId, (reprint) => this.receiptBytes(receipt, reprint), command.reprint ?? false);
      }
      case 'printReport': {
        const report = command.report;
        return this.enqueue(command.jobId, (reprint) => encodeReceipt(layoutReport(report, { paperWidth: this.paperWidth, reprint }), { startsInChineseMode: this.startsInChineseMode }), false);
      }
      case 'reprintLast': {
        const last = this.lastPrinted;
        if (!last) throw new DeviceError('NOTHING_TO_REPRINT');
        this.reprintCount += 1;
        return this.enqueue(`${last.jobId}#reprint${this.reprintCount}`, last.render, true);
      }
      case 'kickDrawer':
        if (!this.isAttached) throw new DeviceError('PRINTER_OFFLINE', 'cannot open the drawer');
        await this.withLock(() => this.transport.write(drawerKickBytes(command.pin ?? 2)));
        this.wake$.next(); // read the drawer switch promptly
        return;
      default:
        throw new DeviceError('UNSUPPORTED_COMMAND', `${command.type} on ${this.id}`);
    }
  }

  private async enqueue(jobId: string, render: (reprint: boolean) => Buffer, reprint: boolean): Promise<void> {
    // the same jobId again (a retried command) is the same receipt: print it once
    if (this.queue.some((j) => j.jobId === jobId) || this.stalled?.jobId === jobId || this.lastPrinted?.jobId === jobId) return;
    if (this.queue.length + (this.stalled ? 1 : 0) >= this.maxHeldJobs) throw new DeviceError('PRINT_QUEUE_FULL', `${this.maxHeldJobs} receipts already waiting`);
    this.queue.push({ jobId, render, reprint, bytes: render(reprint) });
    if (!this.isAttached) this.reportHeld('PRINTER_OFFLINE');
    this.wake$.next();
  }

  /**
   * One status read, then print what is held while the printer can print.
   * A printer that stops mid-receipt (paper end, cover) keeps the rest in its buffer and finishes it once it
   * can print again, so that job counts as printed then. If the connection drops first, the buffer may be
   * gone with the power, so the job goes back to the head of the queue and prints whole (at least once).
   */
  private async cycle(): Promise<void> {
    let reading = await this.readStatus();
    if (this.stalled) {
      if (!canPrint(reading)) return this.reportHeld(heldCode(reading));
      const job = this.stalled;
      this.stalled = null;
      this.finish(job);
    }
    while (this.queue.length > 0) {
      if (!canPrint(reading)) return this.reportHeld(heldCode(reading));
      const job = this.queue.shift()!;
      try {
        await this.transport.write(job.bytes);
      } catch (error) {
        this.queue.unshift(job);
        throw error;
      }
      reading = await this.readStatus();
      if (!canPrint(reading)) {
        this.stalled = job;
        return this.reportHeld(heldCode(reading));
      }
      this.finish(job);
    }
  }

  private finish(job: PrintJob): void {
    this.lastPrinted = job;
    this.heldReported = null;
    this.emit({ type: 'printed', deviceId: this.id, jobId: job.jobId, reprint: job.reprint });
  }

  private reportHeld(code: DeviceErrorCode): void {
    if (this.heldReported === code) return;
    this.heldReported = code;
    this.emit(deviceErrorEvent(this.id, code, `${this.queue.length} receipt(s) held`));
  }

  private async requestStatus(n: 1 | 2 | 4): Promise<number> {
    const reply = firstValueFrom(this.data$.pipe(statusReply(this.statusTimeoutMs, `DLE EOT ${n}`, this.scheduler)));
    try {
      await this.transport.write(statusRequestBytes(n));
    } catch (error) {
      reply.catch(() => undefined); // the request never left; only the write failure matters
      throw error;
    }
    return reply;
  }

  /** Reads DLE EOT 1, 2 and 4; a printer that does not answer is offline. Emits printer and drawer events on change. */
  private async readStatus(): Promise<PrinterReading> {
    let reading: PrinterReading;
    try {
      const printer = await this.requestStatus(1);
      const offlineCause = await this.requestStatus(2);
      const rollPaper = await this.requestStatus(4);
      reading = readPrinterStatus({ printer, offlineCause, rollPaper }, this.drawerOpenWhenPin3High);
    } catch (error) {
      if (!(error instanceof DeviceError)) throw error;
      const drawerOpen = this.lastReading?.drawerOpen ?? false;
      reading = { online: false, paperOut: false, coverOpen: false, paperNearEnd: false, drawerOpen, error: false };
    }
    const before = this.lastReading;
    this.lastReading = reading;
    const state = (r: PrinterReading): PrinterState => ({ online: r.online, paperOut: r.paperOut, coverOpen: r.coverOpen, paperNearEnd: r.paperNearEnd });
    if (!before || JSON.stringify(state(before)) !== JSON.stringify(state(reading))) this.emit({ type: 'printer', deviceId: this.id, ...state(reading) });
    if (!before || before.drawerOpen !== reading.drawerOpen) this.emit({ type: 'drawer', deviceId: this.id, state: reading.drawerOpen ? 'open' : 'closed' });
    if (canPrint(reading) && this.queue.length === 0) this.heldReported = null;
    return reading;
  }
}
