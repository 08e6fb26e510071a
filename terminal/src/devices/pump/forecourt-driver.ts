// Driver for a forecourt controller (pos-forecourt/1) on a serial line or TCP: requests with ids matched to their
// replies, pump status notifications as `pump` bus events, controller refusals as typed DeviceErrors.
import { asyncScheduler, defer, finalize, mergeMap, type Observable, type Subscription } from 'rxjs';
import {
  encodeForecourtFrame,
  parseForecourtMessage,
  type ForecourtMessage,
  type ForecourtRequest,
  type FuelGrade,
  type NozzleTotalizer,
  type Preset,
  type PumpStatus,
} from '@pos/protocol';
import type { DeviceCommand, DeviceCommandType, DeviceEvent } from '../../bus/device-events.js';
import { DeviceError } from '../../bus/device-error.js';
import { TransportDevice, deviceErrorEvent, type DriverOptions } from '../transport-device.js';
import type { ByteTransport } from '../transports/byte-transport.js';
import { forecourtLines } from './forecourt-lines.js';

export interface ForecourtDriverOptions extends DriverOptions {
  /** How long one request waits for its reply before failing with STATUS_TIMEOUT. */
  requestTimeoutMs?: number;
  /** Requests in flight at most; more fail at once with TOO_MANY_REQUESTS. */
  maxPendingRequests?: number;
}

type ResultData = Extract<ForecourtMessage, { type: 'result' }>['data'];
type RequestOf<T extends ForecourtRequest['type']> = Extract<ForecourtRequest, { type: T }>;

interface Pending {
  type: ForecourtRequest['type'];
  resolve: (data: ResultData) => void;
  reject: (error: DeviceError) => void;
  timer: Subscription;
}

const MAX_REQUEST_ID = 2 ** 31 - 1;
const DELIVERING = new Set<PumpStatus['state']>(['fueling', 'paused']);

export class ForecourtDriver extends TransportDevice {
  readonly deviceClass = 'forecourt' as const;
  readonly accepts: readonly DeviceCommandType[] = [
    'authorizePump',
    'stopPump',
    'resumePump',
    'emergencyStop',
    'setFuelPrices',
    'readTotalizers',
    'closePumpTransaction',
    'lockPumpTransaction',
    'unlockPumpTransaction',
  ];
  private readonly requestTimeoutMs: number;
  private readonly maxPendingRequests: number;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Last status reported per pump (at most 99 pumps on a controller). */
  private readonly pumps = new Map<number, { status: PumpStatus; incomplete: boolean }>();

  constructor(transport: ByteTransport, options: ForecourtDriverOptions = {}) {
    super(transport, options);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 3_000;
    this.maxPendingRequests = options.maxPendingRequests ?? 32;
  }

  /** The last status each pump reported, with the incomplete flag; survives a lost connection. */
  pumpStatuses(): Array<{ status: PumpStatus; incomplete: boolean }> {
    return [...this.pumps.values()].sort((a, b) => a.status.pumpNo - b.status.pumpNo);
  }

  protected session(data$: Observable<Buffer>): Observable<DeviceEvent> {
    return defer(() => {
      // after every (re)attach, learn what the pumps did while we were away
      queueMicrotask(() => {
        this.getStatus().catch((error: unknown) => this.logger.warn({ code: (error as DeviceError).code }, 'status sync after attach failed'));
      });
      return data$.pipe(
        forecourtLines(),
        mergeMap((line): DeviceEvent[] => {
          if (!line.ok) return [deviceErrorEvent(this.id, 'BAD_FRAME', line.reason)];
          const parsed = parseForecourtMessage(line.line);
          if (!parsed.ok) {
            this.logger.warn({ reason: parsed.message }, 'invalid frame from the controller ignored');
            return [deviceErrorEvent(this.id, 'BAD_FRAME', parsed.message)];
          }
          return this.receive(parsed.value);
        }),
        finalize(() => this.failPending('TRANSPORT_LOST', 'connection to the forecourt controller lost')),
      );
    });
  }

  private receive(message: ForecourtMessage): DeviceEvent[] {
    if (message.type === 'pumpStatus') return this.record(message.data);
    const waiting = this.pending.get(message.id);
    if (!waiting) {
      if (message.type === 'error' && message.id === 0) {
        // the controller could not read one of our frames: a bug or line noise on our side of the cable
        return [deviceErrorEvent(this.id, 'BAD_FRAME', `controller: ${message.message}`)];
      }
      this.logger.debug({ id: message.id }, 'reply to no pending request (late after a timeout) ignored');
      return [];
    }
    this.pending.delete(message.id);
    waiting.timer.unsubscribe();
    if (message.type === 'error') {
      waiting.reject(new DeviceError(message.code, message.message));
      return [];
    }
    waiting.resolve(message.data);
    // statuses in a reply are recorded here, in stream order, so a later notification is never overtaken by
    // an older status that a caller only sees after its await
    return (message.data.pumps ?? []).flatMap((status) => this.record(status));
  }

  /** Keeps the latest status of a pump and says whether it is news. */
  private record(status: PumpStatus): DeviceEvent[] {
    const before = this.pumps.get(status.pumpNo);
    const sameTransaction = before?.status.transaction?.transactionId === status.transaction?.transactionId;
    const interrupted = (status.state === 'offline' || status.state === 'error') && before !== undefined && DELIVERING.has(before.status.state);
    // once flagged, a transaction stays flagged until it is closed and another one starts
    const incomplete = status.transaction !== null && (interrupted || (sameTransaction && before?.incomplete === true));
    if (before && before.incomplete === incomplete && JSON.stringify(before.status) === JSON.stringify(status)) return [];
    this.pumps.set(status.pumpNo, { status, incomplete });
    return [{ type: 'pump', deviceId: this.id, status, incomplete }];
  }

  private failPending(code: 'TRANSPORT_LOST', detail: string): void {
    for (const [id, waiting] of this.pending) {
      this.pending.delete(id);
      waiting.timer.unsubscribe();
      waiting.reject(new DeviceError(code, `${waiting.type}: ${detail}`));
    }
  }

  private takeId(): number {
    for (let tries = 0; tries <= this.maxPendingRequests; tries++) {
      const id = this.nextId;
      this.nextId = id >= MAX_REQUEST_ID ? 1 : id + 1;
      if (!this.pending.has(id)) return id;
    }
    throw new DeviceError('TOO_MANY_REQUESTS', 'no free request id');
  }

  /** Sends one request and waits for its reply; refusals reject with a DeviceError carrying the controller's code. */
  private async request<T extends ForecourtRequest['type']>(type: T, data: RequestOf<T>['data']): Promise<ResultData> {
    if (!this.isAttached) throw new DeviceError('TRANSPORT_LOST', `${this.id} is not connected`);
    if (this.pending.size >= this.maxPendingRequests) throw new DeviceError('TOO_MANY_REQUESTS', `${this.pending.size} requests waiting`);
    const id = this.takeId();
    const frame = { id, type, data } as ForecourtRequest;
    const reply = new Promise<ResultData>((resolve, reject) => {
      const timer = (this.scheduler ?? asyncScheduler).schedule(() => {
        if (!this.pending.delete(id)) return;
        reject(new DeviceError('STATUS_TIMEOUT', `${type} #${id}: no reply within ${this.requestTimeoutMs} ms`));
      }, this.requestTimeoutMs);
      this.pending.set(id, { type, resolve, reject, timer });
    });
    // a fast reply can settle this before the write callback; the caller still gets the rejection below
    reply.catch(() => undefined);
    try {
      await this.transport.write(Buffer.from(encodeForecourtFrame(frame), 'utf8'));
    } catch (error) {
      const waiting = this.pending.get(id);
      this.pending.delete(id);
      waiting?.timer.unsubscribe();
      throw error instanceof DeviceError ? error : new DeviceError('WRITE_FAILED', String(error), { cause: error });
    }
    return reply;
  }

  async getStatus(pumpNo?: number): Promise<PumpStatus[]> {
    const data = await this.request('getStatus', pumpNo === undefined ? {} : { pumpNo });
    return data.pumps ?? [];
  }

  async authorize(pumpNo: number, preset: Preset, nozzleNo?: number): Promise<PumpStatus> {
    return this.onePump(await this.request('authorize', { pumpNo, preset, ...(nozzleNo === undefined ? {} : { nozzleNo }) }));
  }

  async stop(pumpNo: number): Promise<PumpStatus> {
    return this.onePump(await this.request('stop', { pumpNo }));
  }

  async resume(pumpNo: number): Promise<PumpStatus> {
    return this.onePump(await this.request('resume', { pumpNo }));
  }

  async emergencyStop(): Promise<PumpStatus[]> {
    const data = await this.request('emergencyStop', {});
    return data.pumps ?? [];
  }

  async setPrices(prices: Array<{ grade: FuelGrade; unitPriceFen: number }>): Promise<void> {
    await this.request('setPrices', { prices });
  }

  async readTotalizers(pumpNo: number): Promise<NozzleTotalizer[]> {
    const totalizers = (await this.request('readTotalizers', { pumpNo })).totalizers ?? [];
    this.emit({ type: 'pumpTotalizers', deviceId: this.id, pumpNo, totalizers });
    return totalizers;
  }

  async closeTransaction(pumpNo: number, transactionId: string, tillId?: string): Promise<PumpStatus> {
    return this.onePump(await this.request('closeTransaction', { pumpNo, transactionId, ...(tillId === undefined ? {} : { tillId }) }));
  }

  /** Claims the transaction for this till; TRANSACTION_LOCKED when another till holds it. */
  async lockTransaction(pumpNo: number, transactionId: string, tillId: string): Promise<PumpStatus> {
    return this.onePump(await this.request('lockTransaction', { pumpNo, transactionId, tillId }));
  }

  async unlockTransaction(pumpNo: number, transactionId: string, tillId: string): Promise<PumpStatus> {
    return this.onePump(await this.request('unlockTransaction', { pumpNo, transactionId, tillId }));
  }

  private onePump(data: ResultData): PumpStatus {
    const status = data.pumps?.[0];
    if (!status) throw new DeviceError('BAD_FRAME', 'reply without the pump status');
    return status;
  }

  async execute(command: DeviceCommand): Promise<void> {
    switch (command.type) {
      case 'authorizePump':
        await this.authorize(command.pumpNo, command.preset, command.nozzleNo);
        return;
      case 'stopPump':
        await this.stop(command.pumpNo);
        return;
      case 'resumePump':
        await this.resume(command.pumpNo);
        return;
      case 'emergencyStop':
        await this.emergencyStop();
        return;
      case 'setFuelPrices':
        await this.setPrices(command.prices);
        return;
      case 'readTotalizers':
        await this.readTotalizers(command.pumpNo);
        return;
      case 'closePumpTransaction':
        await this.closeTransaction(command.pumpNo, command.transactionId, command.tillId);
        return;
      case 'lockPumpTransaction':
        await this.lockTransaction(command.pumpNo, command.transactionId, command.tillId);
        return;
      case 'unlockPumpTransaction':
        await this.unlockTransaction(command.pumpNo, command.transactionId, command.tillId);
        return;
      default:
        throw new DeviceError('UNSUPPORTED_COMMAND', `${command.type} on ${this.id}`);
    }
  }
}
