// The node-hid API subset the terminal uses (devices(), open(path) → handle with 'data'/'error'),
// served from virtual devices in this process. Used because this machine has no usable /dev/uhid
// (kernel virtual HID); `uhidStatus()` says which case applies.
import { EventEmitter } from 'node:events';
import { accessSync, constants } from 'node:fs';
import { SimError } from '../sim-error.js';

export interface HidDeviceInfo {
  vendorId: number;
  productId: number;
  path?: string;
  product?: string;
  manufacturer?: string;
  serialNumber?: string;
  usagePage?: number;
  usage?: number;
  interface: number;
}

export interface HidHandle {
  on(event: 'data', listener: (report: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  removeAllListeners(event?: string): unknown;
  write(values: number[] | Buffer): number;
  close(): void;
}

export interface HidBackend {
  devices(): HidDeviceInfo[];
  open(path: string): HidHandle;
}

/** Whether kernel uhid could host real HID devices here. */
export function uhidStatus(): { usable: boolean; reason: string } {
  try {
    accessSync('/dev/uhid', constants.R_OK | constants.W_OK);
    return { usable: true, reason: '/dev/uhid is readable and writable' };
  } catch (error) {
    return { usable: false, reason: `/dev/uhid is not usable (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
}

const MAX_OPEN_HANDLES_PER_DEVICE = 8;

class VirtualHidHandle extends EventEmitter implements HidHandle {
  closed = false;
  constructor(private readonly onClose: (h: VirtualHidHandle) => void) {
    super();
  }
  write(values: number[] | Buffer): number {
    if (this.closed) throw new Error('Cannot write to a closed HID device');
    return values.length;
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
  }
}

/** One virtual keyboard-interface HID device. */
export class VirtualHidDevice {
  private readonly handles = new Set<VirtualHidHandle>();
  plugged = true;

  constructor(readonly info: HidDeviceInfo & { path: string }) {}

  /** Emits input reports to every open handle, one macrotask apart like USB interrupt transfers. */
  async sendReports(reports: Buffer[]): Promise<void> {
    if (!this.plugged) throw new SimError('DEVICE_UNPLUGGED', `${this.info.path} is unplugged`);
    for (const report of reports) {
      for (const handle of this.handles) handle.emit('data', Buffer.from(report));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  openHandle(): HidHandle {
    if (!this.plugged) throw new Error(`could not open HID device ${this.info.path}`);
    if (this.handles.size >= MAX_OPEN_HANDLES_PER_DEVICE) throw new Error(`too many open handles on ${this.info.path}`);
    const handle = new VirtualHidHandle((h) => this.handles.delete(h));
    this.handles.add(handle);
    return handle;
  }

  /** Like pulling the cable: open handles get an 'error' (as node-hid reports it) and are dropped. */
  unplug(): void {
    this.plugged = false;
    for (const handle of [...this.handles]) {
      this.handles.delete(handle);
      handle.emit('error', new Error('could not read from HID device'));
    }
  }

  replug(): void {
    this.plugged = true;
  }

  get openHandles(): number {
    return this.handles.size;
  }
}

export class VirtualHidBackend implements HidBackend {
  private readonly byPath = new Map<string, VirtualHidDevice>();

  add(device: VirtualHidDevice): void {
    this.byPath.set(device.info.path, device);
  }

  devices(): HidDeviceInfo[] {
    return [...this.byPath.values()].filter((d) => d.plugged).map((d) => ({ ...d.info }));
  }

  open(path: string): HidHandle {
    const device = this.byPath.get(path);
    if (!device || !device.plugged) throw new Error(`could not open HID device ${path}`);
    return device.openHandle();
  }
}
