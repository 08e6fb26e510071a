// Shared lifecycle of every driver: open the transport, run the device's session, survive unplug and replug.
import { Subject, defer, merge, mergeMap, of, switchMap, take, tap, throwError, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import pino, { type Logger } from 'pino';
import type { Device, DeviceHealth, DeviceState } from '../bus/device.js';
import type { DeviceClass, DeviceCommand, DeviceCommandType, DeviceEvent } from '../bus/device-events.js';
import { DeviceError, type DeviceErrorCode } from '../bus/device-error.js';
import { BackoffOptions } from '../bus/backoff.js';
import { superviseConnection } from '../bus/supervise-connection.js';
import type { ByteTransport } from './transports/byte-transport.js';

export interface DriverOptions {
  backoff?: Partial<BackoffOptions>;
  /** rxjs scheduler for timers (backoff, polling, timeouts); a TestScheduler in marble tests. */
  scheduler?: SchedulerLike;
  logger?: Logger;
}

export function deviceErrorEvent(deviceId: string, code: DeviceErrorCode, detail?: string): DeviceEvent {
  const error = new DeviceError(code, detail);
  return { type: 'deviceError', deviceId, code, message: error.message, messageZh: error.messageZh };
}

export abstract class TransportDevice implements Device {
  abstract readonly deviceClass: DeviceClass;
  abstract readonly accepts: readonly DeviceCommandType[];
  readonly id: string;
  protected readonly logger: Logger;
  protected readonly scheduler: SchedulerLike | undefined;
  private readonly eventsSubject = new Subject<DeviceEvent>();
  readonly events$: Observable<DeviceEvent> = this.eventsSubject.asObservable();
  private supervision: Subscription | null = null;
  private abandonOpen: (() => void) | null = null;
  private state: DeviceState = 'closed';
  private attachCount = 0;
  private lastErrorCode: DeviceErrorCode | undefined;
  private readonly backoff: BackoffOptions;

  constructor(
    protected readonly transport: ByteTransport,
    options: DriverOptions = {},
  ) {
    this.id = transport.address;
    this.scheduler = options.scheduler;
    this.backoff = BackoffOptions.parse(options.backoff ?? {});
    this.logger = (options.logger ?? pino({ level: 'silent' })).child({ module: 'devices', deviceId: this.id });
  }

  /** The device's events for one connection; unsubscribed when the connection is lost or closed. */
  protected abstract session(data$: Observable<Buffer>): Observable<DeviceEvent>;

  abstract execute(command: DeviceCommand): Promise<void>;

  /** Emits an event outside a session (command results, command failures). */
  protected emit(event: DeviceEvent): void {
    if (event.type === 'deviceError') this.lastErrorCode = event.code;
    this.eventsSubject.next(event);
  }

  protected get isAttached(): boolean {
    return this.state === 'attached';
  }

  health(): DeviceHealth {
    return { state: this.state, attachCount: this.attachCount, ...(this.lastErrorCode ? { lastErrorCode: this.lastErrorCode } : {}) };
  }

  open(): Promise<void> {
    if (this.supervision) return Promise.resolve();
    this.state = 'connecting';
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      this.abandonOpen = () => {
        if (settled) return;
        settled = true;
        reject(new DeviceError('OPEN_FAILED', 'closed before it opened'));
      };
      const connect = (): Observable<DeviceEvent> =>
        defer(() => this.transport.open()).pipe(
          switchMap(() =>
            merge(
              of<DeviceEvent>({ type: 'deviceAttached', deviceId: this.id, deviceClass: this.deviceClass }),
              this.session(this.transport.data$),
              this.transport.lost$.pipe(
                take(1),
                mergeMap((error) => throwError(() => error)),
              ),
            ),
          ),
        );
      const connectAndReport = (): Observable<DeviceEvent> =>
        defer(() => {
          let attachedNow = false;
          return connect().pipe(
            tap({
              next: (event) => {
                if (event.type === 'deviceAttached') attachedNow = true;
              },
              error: (error: unknown) => {
                if (attachedNow) return;
                this.lastErrorCode = error instanceof DeviceError ? error.code : 'OPEN_FAILED';
                this.logger.debug({ code: this.lastErrorCode }, 'open attempt failed');
                if (!settled) {
                  settled = true;
                  reject(error instanceof DeviceError ? error : new DeviceError('OPEN_FAILED', String(error), { cause: error }));
                }
              },
            }),
          );
        });
      this.supervision = superviseConnection(connectAndReport, {
        deviceId: this.id,
        deviceClass: this.deviceClass,
        backoff: this.backoff,
        ...(this.scheduler ? { scheduler: this.scheduler } : {}),
      }).subscribe((event) => {
        if (event.type === 'deviceAttached') {
          this.state = 'attached';
          this.attachCount += 1;
          this.logger.info({ attachCount: this.attachCount }, 'device attached');
          if (!settled) {
            settled = true;
            resolve();
          }
        } else if (event.type === 'deviceDetached') {
          this.state = 'detached';
          this.lastErrorCode = 'TRANSPORT_LOST';
          this.logger.warn({ reason: event.reason }, 'device detached');
        } else if (event.type === 'deviceError' && event.code === 'OPEN_FAILED') {
          this.state = 'failed';
        }
        this.emit(event);
      });
    });
  }

  async close(): Promise<void> {
    this.abandonOpen?.();
    this.abandonOpen = null;
    this.supervision?.unsubscribe();
    this.supervision = null;
    this.state = 'closed';
    await this.transport.close();
  }
}
