// HID devices (keyboard-wedge scanners, card readers) through a HidBackend: one emission per input report.
import { Subject } from 'rxjs';
import type { ByteTransport } from './byte-transport.js';
import type { HidBackend, HidHandle } from './hid-backend.js';
import { DeviceError } from '../../bus/device-error.js';

export interface HidAddress {
  vendorId: number;
  productId: number;
  /** Pick one of several identical devices by serial number. */
  serialNumber?: string;
  /** Keyboard interfaces are usage page 1, usage 6; a composite device may expose others. */
  usagePage?: number;
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

export class HidTransport implements ByteTransport {
  readonly address: string;
  private handle: HidHandle | null = null;
  private readonly dataSubject = new Subject<Buffer>();
  private readonly lostSubject = new Subject<Error>();
  readonly data$ = this.dataSubject.asObservable();
  readonly lost$ = this.lostSubject.asObservable();

  constructor(
    private readonly hid: HidAddress,
    private readonly backend: HidBackend,
  ) {
    this.address = `hid_${hex4(hid.vendorId)}:${hex4(hid.productId)}${hid.serialNumber ? `:${hid.serialNumber}` : ''}`;
  }

  async open(): Promise<void> {
    if (this.handle) return;
    const info = this.backend
      .devices()
      .find(
        (d) =>
          d.vendorId === this.hid.vendorId &&
          d.productId === this.hid.productId &&
          (this.hid.serialNumber === undefined || d.serialNumber === this.hid.serialNumber) &&
          (this.hid.usagePage === undefined || d.usagePage === this.hid.usagePage),
      );
    if (!info?.path) throw new DeviceError('NOT_FOUND', this.address);
    let handle: HidHandle;
    try {
      handle = this.backend.open(info.path);
    } catch (error) {
      throw new DeviceError('OPEN_FAILED', `${this.address}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    handle.on('data', (report) => this.dataSubject.next(Buffer.from(report)));
    // node-hid reports an unplugged device as an 'error' on the open handle.
    handle.on('error', (error) => {
      if (this.handle !== handle) return;
      this.handle = null;
      handle.removeAllListeners();
      try {
        handle.close();
      } catch {
        // already gone with the device; nothing left to release
      }
      this.lostSubject.next(new DeviceError('TRANSPORT_LOST', `${this.address}: ${error.message}`, { cause: error }));
    });
    this.handle = handle;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    if (!handle) return;
    handle.removeAllListeners();
    handle.close();
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (!this.handle) throw new DeviceError('WRITE_FAILED', `${this.address} is not open`);
    this.handle.write(Buffer.from(bytes));
  }
}
