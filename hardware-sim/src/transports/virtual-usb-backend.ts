// The WebUSB subset of `usb` (v3) the terminal's USB printer transport uses, backed by a virtual
// printer: transferOut feeds it (waiting while its buffer is full), transferIn returns its replies.
import type { EscPosPrinter, PrinterSession } from '../devices/escpos-printer.js';

export type BufferSource = ArrayBufferView | ArrayBuffer;
type TransferStatus = 'ok' | 'stall' | 'babble';

export interface UsbPrinterDevice {
  vendorId: number;
  productId: number;
  serialNumber?: string;
  opened: boolean;
  open(): Promise<void>;
  close(): Promise<void>;
  selectConfiguration(n: number): Promise<void>;
  claimInterface(n: number): Promise<void>;
  releaseInterface(n: number): Promise<void>;
  transferOut(endpointNumber: number, data: BufferSource): Promise<{ status: TransferStatus; bytesWritten: number }>;
  transferIn(endpointNumber: number, length: number): Promise<{ status: TransferStatus; data?: DataView }>;
}

export interface UsbBackend {
  getDevices(): Promise<UsbPrinterDevice[]>;
}

const MAX_REPLY_BYTES = 4_096;
const IN_WAIT_MS = 50;

const noDevice = (): Error => Object.assign(new Error('LIBUSB_ERROR_NO_DEVICE'), { errno: -4 });

export class VirtualUsbPrinter implements UsbPrinterDevice {
  opened = false;
  plugged = true;
  private session: PrinterSession | null = null;
  private replies: number[] = [];
  private claimed = false;

  constructor(
    private readonly printer: EscPosPrinter,
    readonly vendorId = 0x04b8,
    readonly productId = 0x0202,
    readonly serialNumber = 'SIMUSB0001',
  ) {}

  private check(): void {
    if (!this.plugged) throw noDevice();
  }

  async open(): Promise<void> {
    this.check();
    this.opened = true;
    this.session = this.printer.openSession((bytes) => {
      for (const b of bytes) if (this.replies.length < MAX_REPLY_BYTES) this.replies.push(b);
    });
  }

  async close(): Promise<void> {
    this.opened = false;
    this.claimed = false;
    this.session = null;
  }

  async selectConfiguration(n: number): Promise<void> {
    this.check();
    if (n !== 1) throw new Error(`configuration ${n} does not exist`);
  }

  async claimInterface(n: number): Promise<void> {
    this.check();
    if (!this.opened) throw new Error('device not open');
    if (n !== 0) throw new Error(`interface ${n} does not exist`);
    this.claimed = true;
  }

  async releaseInterface(_n: number): Promise<void> {
    this.claimed = false;
  }

  async transferOut(endpointNumber: number, data: BufferSource): Promise<{ status: TransferStatus; bytesWritten: number }> {
    this.check();
    if (!this.session || !this.claimed) throw new Error('interface not claimed');
    if (endpointNumber !== 1) return { status: 'stall', bytesWritten: 0 };
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (!this.session.write(bytes)) {
      // A full printer NAKs the bulk OUT endpoint: the transfer completes only once it has room.
      await new Promise<void>((resolve, reject) => {
        const onDrain = (): void => {
          clearInterval(watch);
          resolve();
        };
        const watch = setInterval(() => {
          if (!this.plugged) {
            clearInterval(watch);
            this.printer.off('drain', onDrain);
            reject(noDevice());
          }
        }, 100);
        this.printer.once('drain', onDrain);
      });
    }
    return { status: 'ok', bytesWritten: bytes.length };
  }

  async transferIn(endpointNumber: number, length: number): Promise<{ status: TransferStatus; data?: DataView }> {
    this.check();
    if (!this.session || !this.claimed) throw new Error('interface not claimed');
    if (endpointNumber !== 2 && endpointNumber !== 1) return { status: 'stall' };
    if (this.replies.length === 0) await new Promise((resolve) => setTimeout(resolve, IN_WAIT_MS));
    const out = Uint8Array.from(this.replies.splice(0, Math.max(0, length)));
    return { status: 'ok', data: new DataView(out.buffer) };
  }

  unplug(): void {
    this.plugged = false;
    this.opened = false;
    this.session = null;
  }

  replug(): void {
    this.plugged = true;
  }
}

export class VirtualUsbBackend implements UsbBackend {
  constructor(private readonly devices: VirtualUsbPrinter[]) {}
  async getDevices(): Promise<UsbPrinterDevice[]> {
    return this.devices.filter((d) => d.plugged);
  }
}
