// The slice of `usb` (v3, WebUSB-style) the USB printer transport uses, so a test or the simulator can supply it.
import { createRequire } from 'node:module';

/** The DOM's BufferSource; our lib settings have no DOM types. */
export type BufferSource = ArrayBufferView | ArrayBuffer;

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
  transferOut(endpointNumber: number, data: BufferSource): Promise<{ status: 'ok' | 'stall' | 'babble'; bytesWritten: number }>;
  transferIn(endpointNumber: number, length: number): Promise<{ status: 'ok' | 'stall' | 'babble'; data?: DataView }>;
}

export interface UsbBackend {
  getDevices(): Promise<UsbPrinterDevice[]>;
}

/** The production backend: `new WebUSB({ allowAllDevices: true })`, loaded on first use. */
export function nodeUsbBackend(): UsbBackend {
  const require = createRequire(import.meta.url);
  let webusb: { getDevices(): Promise<unknown[]> } | null = null;
  return {
    async getDevices() {
      if (!webusb) {
        const usb = require('usb') as typeof import('usb');
        webusb = new usb.WebUSB({ allowAllDevices: true });
      }
      return (await webusb.getDevices()) as UsbPrinterDevice[];
    },
  };
}
