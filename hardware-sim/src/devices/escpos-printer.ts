// A virtual ESC/POS receipt printer: a bounded receive buffer (back-pressure), real-time DLE EOT
// answered on arrival, a print engine that stops while offline (paper out, cover open) and keeps
// each cut receipt as text and PNG. Transports (TCP, USB) open sessions on it.
import { EventEmitter } from 'node:events';
import type { ParsedCommand, StatusKind } from '../escpos/commands.js';
import { EscPosStream } from '../escpos/escpos-stream.js';
import { isOffline, readyPrinterState, statusByte, type PrinterState } from '../escpos/printer-status.js';
import { ReceiptBuilder, type DecodeProblem, type Receipt } from '../escpos/receipt-builder.js';
import { renderReceiptPng } from '../escpos/receipt-png.js';
import { receiptToText } from '../escpos/receipt-text.js';
import type { CashDrawer } from './cash-drawer.js';

export interface PrinterJob {
  /** 1, 2, 3… in print order. */
  seq: number;
  receipt: Receipt;
  text: string;
  png: Buffer;
  printedAtMs: number;
}

export interface EscPosPrinterOptions {
  /** Receive buffer; when full, transports stop reading (TCP window, USB NAK). Epson's is 4 KB–64 KB. */
  receiveBufferBytes?: number;
  /** Print time per printed line or image block: 0 prints instantly; 100 is a slow printer. */
  lineDelayMs?: number;
  /** Simplified-Chinese models start in GB18030 kanji mode. */
  kanjiByDefault?: boolean;
  /** Receipts kept for the control page; older ones are dropped. */
  maxJobs?: number;
  drawer?: CashDrawer | null;
  now?: () => number;
}

export interface PrinterSession {
  /** Sends bytes to the printer; false means the buffer is full: wait for 'drain'. */
  write(chunk: Uint8Array): boolean;
}

type QueuedChunk = { bytes: Uint8Array; reply: (bytes: Buffer) => void };

/** How far past its buffer size a host may push before bytes are dropped (transports stop at 1×). */
const OVERFLOW_FACTOR = 4;
const REALTIME_STATUS: Record<number, StatusKind> = { 1: 'printer', 2: 'offline-cause', 3: 'error-cause', 4: 'roll-paper' };
const PRINTING_COMMANDS = new Set(['lineFeed', 'feedLines', 'raster', 'graphicsPrint', 'barcode', 'qrPrint']);

export class EscPosPrinter extends EventEmitter<{ receipt: [PrinterJob]; drain: []; state: [PrinterState]; problem: [DecodeProblem] }> {
  private readonly receiveBufferBytes: number;
  private lineDelayMs: number;
  private readonly maxJobs: number;
  private readonly now: () => number;
  readonly drawer: CashDrawer | null;
  private readonly stream = new EscPosStream();
  private readonly builder: ReceiptBuilder;
  private readonly queue: QueuedChunk[] = [];
  private pending: { command: ParsedCommand; reply: (bytes: Buffer) => void }[] = [];
  /** Received bytes not yet printed: queued chunks plus parsed commands waiting to run (an incomplete command inside the parser is not counted, so a large image can always complete). */
  private queuedBytes = 0;
  private full = false;
  private pumping = false;
  private faults: Omit<PrinterState, 'drawerOpen'> = readyPrinterState();
  private linesUntilPaperOut: number | null = null;
  private readonly jobList: PrinterJob[] = [];
  private jobSeq = 0;
  private idleWaiters: (() => void)[] = [];
  private receivedChunks = 0;
  printedLines = 0;
  overflowedBytes = 0;

  constructor(options: EscPosPrinterOptions = {}) {
    super();
    this.receiveBufferBytes = options.receiveBufferBytes ?? 64 * 1024;
    this.lineDelayMs = options.lineDelayMs ?? 0;
    this.maxJobs = options.maxJobs ?? 100;
    this.drawer = options.drawer ?? null;
    this.now = options.now ?? Date.now;
    this.builder = new ReceiptBuilder({ kanjiByDefault: options.kanjiByDefault ?? true });
  }

  get state(): PrinterState {
    return { ...this.faults, drawerOpen: this.drawer?.isOpen ?? false };
  }

  get jobs(): readonly PrinterJob[] {
    return this.jobList;
  }

  get bufferedBytes(): number {
    return this.queuedBytes;
  }

  /** A connection to the printer; replies (status, printer id) go back through `reply`. */
  openSession(reply: (bytes: Buffer) => void): PrinterSession {
    let tail = new Uint8Array(0);
    return {
      write: (chunk: Uint8Array): boolean => {
        // Real-time commands run on reception, before the buffer, even inside image data (Epson note on DLE EOT).
        const scan = new Uint8Array(tail.length + chunk.length);
        scan.set(tail, 0);
        scan.set(chunk, tail.length);
        for (let i = 0; i + 2 < scan.length; i++) {
          if (scan[i] === 0x10 && scan[i + 1] === 0x04 && i + 2 >= tail.length) {
            const kind = REALTIME_STATUS[scan[i + 2] ?? 0];
            if (kind) reply(Buffer.from([statusByte(kind, this.state)]));
          }
        }
        tail = scan.slice(Math.max(0, scan.length - 2));
        if (this.full && this.queuedBytes + chunk.length > this.receiveBufferBytes * OVERFLOW_FACTOR) {
          // A host that ignores "busy" overruns the buffer; like a real printer we lose the data, and say so.
          this.overflowedBytes += chunk.length;
          this.emit('problem', { offset: -1, bytesHex: '', reason: `receive buffer overflow: ${chunk.length} bytes dropped` });
          return false;
        }
        this.queue.push({ bytes: Uint8Array.from(chunk), reply });
        this.receivedChunks++;
        this.queuedBytes += chunk.length;
        void this.pump();
        if (this.queuedBytes >= this.receiveBufferBytes) this.full = true;
        return !this.full;
      },
    };
  }

  /** Fault injection and repair: paper, cover, offline, cutter. */
  setFaults(change: Partial<Omit<PrinterState, 'drawerOpen'>>): void {
    this.faults = { ...this.faults, ...change };
    if (change.paperOut === false) this.linesUntilPaperOut = null;
    this.emit('state', this.state);
    void this.pump();
  }

  /** The roll runs out after `lines` more printed lines (paper out in the middle of a job). */
  paperOutAfterLines(lines: number): void {
    this.linesUntilPaperOut = lines;
  }

  setLineDelayMs(ms: number): void {
    this.lineDelayMs = ms;
  }

  /**
   * Resolves once the printer has printed everything it received and no byte arrived for `quietMs`
   * (bytes may still be in flight on a socket), or it stopped on a fault.
   */
  async whenIdle(quietMs = 20): Promise<void> {
    for (;;) {
      if (this.pumping || (!isOffline(this.state) && (this.queue.length > 0 || this.pending.length > 0))) {
        const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
        void this.pump();
        await idle;
        continue;
      }
      const seen = this.receivedChunks;
      await new Promise((resolve) => setTimeout(resolve, quietMs));
      if (seen === this.receivedChunks && !this.pumping) return;
    }
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        if (isOffline(this.state)) break;
        if (this.pending.length === 0) {
          const next = this.queue.shift();
          if (!next) break;
          this.queuedBytes -= next.bytes.length;
          this.pending = this.stream.push(next.bytes).map((command) => ({ command, reply: next.reply }));
          for (const p of this.pending) this.queuedBytes += p.command.length;
          this.drainIfRoom();
          continue;
        }
        const item = this.pending.shift()!;
        await this.execute(item.command, item.reply);
        this.queuedBytes = Math.max(0, this.queuedBytes - item.command.length);
        this.drainIfRoom();
      }
    } finally {
      this.pumping = false;
      const waiters = this.idleWaiters.splice(0, this.idleWaiters.length);
      for (const w of waiters) w();
    }
  }

  private drainIfRoom(): void {
    if (this.full && this.queuedBytes < this.receiveBufferBytes / 2) {
      this.full = false;
      this.emit('drain');
    }
  }

  private async execute(parsed: ParsedCommand, reply: (bytes: Buffer) => void): Promise<void> {
    const c = parsed.command;
    switch (c.type) {
      case 'statusRequest':
        // DLE EOT was answered on reception; GS r is answered in order.
        if (c.kind === 'paper-sensor' || c.kind === 'drawer') reply(Buffer.from([statusByte(c.kind, this.state)]));
        return;
      case 'printerIdRequest':
        reply(printerId(c.n));
        return;
      case 'drawerKick':
        this.drawer?.pulse(c.pin, c.onMs);
        this.emit('state', this.state);
        return;
      case 'errorRecovery':
        this.faults = { ...this.faults, autocutterError: false };
        if (c.clearBuffers) {
          this.queue.length = 0;
          this.pending = [];
          this.queuedBytes = 0;
          this.drainIfRoom();
        }
        return;
      case 'unknown':
        this.emit('problem', { offset: parsed.offset, bytesHex: Buffer.from(c.bytes.subarray(0, 16)).toString('hex'), reason: c.reason });
        break;
      default:
        break;
    }
    this.builder.apply(parsed);
    if (PRINTING_COMMANDS.has(c.type)) await this.linePrinted();
    for (const receipt of this.builder.takeReceipts()) await this.keepJob(receipt);
  }

  private async linePrinted(): Promise<void> {
    this.printedLines++;
    if (this.lineDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.lineDelayMs));
    if (this.linesUntilPaperOut !== null) {
      this.linesUntilPaperOut--;
      if (this.linesUntilPaperOut <= 0) {
        this.linesUntilPaperOut = null;
        this.faults = { ...this.faults, paperOut: true, paperNearEnd: true };
        this.emit('state', this.state);
      }
    }
  }

  private async keepJob(receipt: Receipt): Promise<void> {
    const job: PrinterJob = { seq: ++this.jobSeq, receipt, text: receiptToText(receipt), png: await renderReceiptPng(receipt), printedAtMs: this.now() };
    this.jobList.push(job);
    if (this.jobList.length > this.maxJobs) this.jobList.shift();
    this.emit('receipt', job);
  }
}

/** GS I n replies: model, type and firmware ids as a TM-T88-class printer sends them. */
function printerId(n: number): Buffer {
  if (n === 1 || n === 49) return Buffer.from([0x20]);
  if (n === 2 || n === 50) return Buffer.from([0x02]);
  if (n === 3 || n === 51) return Buffer.from([0x40]);
  const text: Record<number, string> = { 65: '1.00 POS-SIM', 66: 'POS-SIM', 67: 'POS-SIM-80', 68: 'SIM0001', 69: 'GB18030' };
  const t = text[n];
  return t ? Buffer.concat([Buffer.from([0x5f]), Buffer.from(t, 'ascii'), Buffer.from([0])]) : Buffer.alloc(0);
}
