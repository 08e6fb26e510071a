// A cash drawer on a printer's kick connector: opens on a pulse on its pin, reports open/closed
// through the printer's status (pin 3), closes when told to or after `autoCloseMs` (the cashier).
import { EventEmitter } from 'node:events';

export interface CashDrawerOptions {
  /** Connector pin the solenoid is wired to: 2 for most drawers. */
  pin?: 2 | 5;
  /** Close on its own this long after opening; null keeps it open until `close()`. */
  autoCloseMs?: number | null;
  /** A pulse shorter than this does not move the solenoid (real drawers need ~50 ms). */
  minPulseMs?: number;
}

export class CashDrawer extends EventEmitter<{ opened: []; closed: []; ignoredPulse: [{ pin: number; onMs: number }] }> {
  readonly pin: 2 | 5;
  private readonly autoCloseMs: number | null;
  private readonly minPulseMs: number;
  private open = false;
  private timer: NodeJS.Timeout | null = null;
  openCount = 0;

  constructor(options: CashDrawerOptions = {}) {
    super();
    this.pin = options.pin ?? 2;
    this.autoCloseMs = options.autoCloseMs ?? null;
    this.minPulseMs = options.minPulseMs ?? 20;
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** A kick pulse from the printer (ESC p / DLE DC4 1). */
  pulse(pin: 2 | 5, onMs: number): void {
    if (pin !== this.pin || onMs < this.minPulseMs) {
      this.emit('ignoredPulse', { pin, onMs });
      return;
    }
    this.openNow();
  }

  /** Opens by hand (the key, or the control page). */
  openNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.open) {
      this.open = true;
      this.openCount++;
      this.emit('opened');
    }
    if (this.autoCloseMs !== null) {
      this.timer = setTimeout(() => this.close(), this.autoCloseMs);
      this.timer.unref();
    }
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.open) return;
    this.open = false;
    this.emit('closed');
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
