// The slice of `node-hid` the HID transport uses, so a test or the simulator can supply the same shape.
import { createRequire } from 'node:module';

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

/** The production backend: node-hid, loaded on first use so a box without HID devices never loads the native module. */
export function nodeHidBackend(): HidBackend {
  const require = createRequire(import.meta.url);
  let hid: typeof import('node-hid') | null = null;
  const load = (): typeof import('node-hid') => (hid ??= require('node-hid') as typeof import('node-hid'));
  return {
    devices: () => load().devices(),
    open: (path) => new (load().HID)(path) as unknown as HidHandle,
  };
}
