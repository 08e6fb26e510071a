// Test helper: records a device's events; next(type) consumes them in order, waiting when none is there yet.
import type { Observable, Subscription } from 'rxjs';
import type { DeviceEvent } from '../../../terminal/src/bus/device-events.js';

type Of<T extends DeviceEvent['type']> = Extract<DeviceEvent, { type: T }>;

export class EventRecorder {
  readonly events: DeviceEvent[] = [];
  private cursor = 0;
  private readonly subscription: Subscription;
  private waiter: (() => void) | null = null;

  constructor(events$: Observable<DeviceEvent>) {
    this.subscription = events$.subscribe((event) => {
      this.events.push(event);
      this.waiter?.();
    });
  }

  /** The first not-yet-consumed event of this type (skipping other types), waiting up to timeoutMs. */
  async next<T extends DeviceEvent['type']>(type: T, timeoutMs = 5_000): Promise<Of<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.events.findIndex((e, i) => i >= this.cursor && e.type === type);
      if (index >= 0) {
        this.cursor = index + 1;
        return this.events[index] as Of<T>;
      }
      const leftMs = deadline - Date.now();
      if (leftMs <= 0) throw new Error(`no ${type} event within ${timeoutMs} ms; saw ${JSON.stringify(this.events.map((e) => e.type))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, leftMs);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
  }

  stop(): void {
    this.subscription.unsubscribe();
  }
}
