// Serial devices through `serialport` (USB-serial adapters, RS-232, and the simulator's PTYs).
import fs from 'node:fs';
import { SerialPort } from 'serialport';
import { Subject } from 'rxjs';
import type { ByteTransport } from './byte-transport.js';
import { DeviceError } from '../../bus/device-error.js';

export interface SerialAddress {
  path: string;
  baudRate: number;
  /** How often to check that the device node still exists; see presence watch below. */
  presenceCheckMs?: number;
}

export class SerialTransport implements ByteTransport {
  readonly address: string;
  private port: SerialPort | null = null;
  private presenceTimer: NodeJS.Timeout | null = null;
  private readonly dataSubject = new Subject<Buffer>();
  private readonly lostSubject = new Subject<Error>();
  readonly data$ = this.dataSubject.asObservable();
  readonly lost$ = this.lostSubject.asObservable();

  constructor(private readonly serial: SerialAddress) {
    this.address = `serial_${serial.path}`;
  }

  async open(): Promise<void> {
    if (this.port?.isOpen) return;
    const port = new SerialPort({ path: this.serial.path, baudRate: this.serial.baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) =>
      port.open((error) => (error ? reject(new DeviceError('OPEN_FAILED', `${this.serial.path}: ${error.message}`, { cause: error })) : resolve())),
    );
    port.on('data', (chunk: Buffer) => this.dataSubject.next(chunk));
    // serialport reports an unplugged port as close with `disconnected: true`; any other close is ours.
    port.on('close', (error?: Error & { disconnected?: boolean }) => {
      if (this.port !== port) return;
      this.port = null;
      this.stopPresenceWatch();
      if (error?.disconnected) this.lostSubject.next(new DeviceError('TRANSPORT_LOST', this.serial.path));
    });
    port.on('error', (error: Error) => {
      if (this.port !== port) return;
      this.port = null;
      this.stopPresenceWatch();
      this.lostSubject.next(new DeviceError('TRANSPORT_LOST', `${this.serial.path}: ${error.message}`, { cause: error }));
    });
    this.port = port;
    this.watchPresence(port);
  }

  /**
   * serialport only notices some hang-ups: when a PTY's other end goes away between two reads, every read
   * returns 0 bytes and serialport retries forever (a busy loop) instead of reporting a disconnect. A USB-serial
   * adapter or the simulator's PTY removes its device node when it goes, so a missing node is our loss signal.
   */
  private watchPresence(port: SerialPort): void {
    this.stopPresenceWatch();
    this.presenceTimer = setInterval(() => {
      if (this.port !== port) return this.stopPresenceWatch();
      if (fs.existsSync(this.serial.path)) return;
      this.stopPresenceWatch();
      this.port = null;
      port.close(() => undefined);
      this.lostSubject.next(new DeviceError('TRANSPORT_LOST', `${this.serial.path} is gone`));
    }, this.serial.presenceCheckMs ?? 250);
    this.presenceTimer.unref();
  }

  private stopPresenceWatch(): void {
    if (this.presenceTimer) clearInterval(this.presenceTimer);
    this.presenceTimer = null;
  }

  async close(): Promise<void> {
    this.stopPresenceWatch();
    const port = this.port;
    this.port = null;
    if (!port?.isOpen) return;
    await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  async write(bytes: Uint8Array): Promise<void> {
    const port = this.port;
    if (!port) throw new DeviceError('WRITE_FAILED', `${this.serial.path} is not open`);
    await new Promise<void>((resolve, reject) =>
      port.write(Buffer.from(bytes), (error) => (error ? reject(new DeviceError('WRITE_FAILED', error.message, { cause: error })) : resolve())),
    );
    await new Promise<void>((resolve, reject) =>
      port.drain((error) => (error ? reject(new DeviceError('WRITE_FAILED', error.message, { cause: error })) : resolve())),
    );
  }
}
