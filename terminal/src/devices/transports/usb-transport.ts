// USB printer-class devices over bulk endpoints through a UsbBackend (WebUSB-style `usb`).
import { Subject } from 'rxjs';
import type { ByteTransport } from './byte-transport.js';
import type { UsbBackend, UsbPrinterDevice } from './usb-backend.js';
import { DeviceError } from '../../bus/device-error.js';

export interface UsbAddress {
  vendorId: number;
  productId: number;
  serialNumber?: string;
  interfaceNumber?: number;
  outEndpoint?: number;
  inEndpoint?: number;
  /** Pause between empty reads of the IN endpoint; bounds the polling load of an idle printer. */
  idleReadPauseMs?: number;
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
const MAX_READ_BYTES = 64;

export class UsbTransport implements ByteTransport {
  readonly address: string;
  private device: UsbPrinterDevice | null = null;
  private readonly dataSubject = new Subject<Buffer>();
  private readonly lostSubject = new Subject<Error>();
  readonly data$ = this.dataSubject.asObservable();
  readonly lost$ = this.lostSubject.asObservable();

  constructor(
    private readonly usb: UsbAddress,
    private readonly backend: UsbBackend,
  ) {
    this.address = `usb_${hex4(usb.vendorId)}:${hex4(usb.productId)}${usb.serialNumber ? `:${usb.serialNumber}` : ''}`;
  }

  private get interfaceNumber(): number {
    return this.usb.interfaceNumber ?? 0;
  }

  async open(): Promise<void> {
    if (this.device) return;
    const device = (await this.backend.getDevices()).find(
      (d) =>
        d.vendorId === this.usb.vendorId &&
        d.productId === this.usb.productId &&
        (this.usb.serialNumber === undefined || d.serialNumber === this.usb.serialNumber),
    );
    if (!device) throw new DeviceError('NOT_FOUND', this.address);
    try {
      if (!device.opened) await device.open();
      await device.selectConfiguration(1);
      await device.claimInterface(this.interfaceNumber);
    } catch (error) {
      throw new DeviceError('OPEN_FAILED', `${this.address}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    this.device = device;
    void this.readLoop(device);
  }

  /** WebUSB has no data event: poll the IN endpoint while open; a failed transfer means the device went away. */
  private async readLoop(device: UsbPrinterDevice): Promise<void> {
    const pauseMs = this.usb.idleReadPauseMs ?? 20;
    while (this.device === device) {
      try {
        const result = await device.transferIn(this.usb.inEndpoint ?? 2, MAX_READ_BYTES);
        if (this.device !== device) return;
        const view = result.data;
        if (result.status === 'ok' && view && view.byteLength > 0) {
          this.dataSubject.next(Buffer.from(view.buffer, view.byteOffset, view.byteLength));
        } else {
          await new Promise((resolve) => setTimeout(resolve, pauseMs));
        }
      } catch (error) {
        this.lose(device, error);
        return;
      }
    }
  }

  private lose(device: UsbPrinterDevice, error: unknown): void {
    if (this.device !== device) return;
    this.device = null;
    this.lostSubject.next(new DeviceError('TRANSPORT_LOST', `${this.address}: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
  }

  async close(): Promise<void> {
    const device = this.device;
    this.device = null;
    if (!device) return;
    try {
      await device.releaseInterface(this.interfaceNumber);
    } finally {
      await device.close();
    }
  }

  async write(bytes: Uint8Array): Promise<void> {
    const device = this.device;
    if (!device) throw new DeviceError('WRITE_FAILED', `${this.address} is not open`);
    let result: { status: string; bytesWritten: number };
    try {
      result = await device.transferOut(this.usb.outEndpoint ?? 1, bytes);
    } catch (error) {
      this.lose(device, error);
      throw new DeviceError('WRITE_FAILED', `${this.address}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if (result.status !== 'ok' || result.bytesWritten !== bytes.length) {
      throw new DeviceError('WRITE_FAILED', `${this.address}: status ${result.status}, ${result.bytesWritten} of ${bytes.length} bytes`);
    }
  }
}
