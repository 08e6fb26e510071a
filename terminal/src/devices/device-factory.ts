// Builds drivers from device map entries: picks the transport for the address and the line decoder for the transport.
import type { SchedulerLike } from 'rxjs';
import type { Logger } from 'pino';
import type { Device } from '../bus/device.js';
import type { DeviceMapEntry, TransportAddress } from './device-map.js';
import type { ByteTransport } from './transports/byte-transport.js';
import { SerialTransport } from './transports/serial-transport.js';
import { TcpTransport } from './transports/tcp-transport.js';
import { HidTransport } from './transports/hid-transport.js';
import { UsbTransport } from './transports/usb-transport.js';
import { nodeHidBackend, type HidBackend } from './transports/hid-backend.js';
import { nodeUsbBackend, type UsbBackend } from './transports/usb-backend.js';
import { hidKeyboardLines } from './input/hid-keyboard-decoder.js';
import { serialLines } from './input/serial-lines.js';
import { BarcodeScanner } from './scanner/barcode-scanner.js';
import { MagstripeReader } from './card/magstripe-reader.js';
import { RfidReader } from './card/rfid-reader.js';
import { ReceiptPrinter } from './printer/receipt-printer.js';
import { PoleDisplay } from './display/pole-display.js';
import { ForecourtDriver } from './pump/forecourt-driver.js';

export interface DeviceFactoryOptions {
  /** node-hid unless given (tests and the simulator pass their own). */
  hidBackend?: HidBackend;
  /** `usb` WebUSB unless given. */
  usbBackend?: UsbBackend;
  scheduler?: SchedulerLike;
  logger?: Logger;
}

export function createTransport(address: TransportAddress, options: DeviceFactoryOptions = {}): ByteTransport {
  switch (address.kind) {
    case 'serial':
      return new SerialTransport({ path: address.path, baudRate: address.baudRate });
    case 'tcp':
      return new TcpTransport({ host: address.host, port: address.port });
    case 'hid':
      return new HidTransport(address, options.hidBackend ?? nodeHidBackend());
    case 'usb':
      return new UsbTransport(address, options.usbBackend ?? nodeUsbBackend());
  }
}

export function createDevice(entry: DeviceMapEntry, options: DeviceFactoryOptions = {}): Device {
  const transport = createTransport(entry.transport, options);
  const driverOptions = {
    ...(entry.backoff ? { backoff: entry.backoff } : {}),
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  };
  // keyboard-wedge devices type on HID; the same device classes send lines on serial
  const lines = entry.transport.kind === 'hid' ? hidKeyboardLines() : serialLines();
  switch (entry.deviceClass) {
    case 'scanner':
      return new BarcodeScanner(transport, { ...driverOptions, lines, repeatWindowMs: entry.repeatWindowMs });
    case 'magstripe':
      return new MagstripeReader(transport, { ...driverOptions, lines, trackGapMs: entry.trackGapMs });
    case 'rfid':
      return new RfidReader(transport, { ...driverOptions, lines, uidFormat: entry.uidFormat });
    case 'printer':
      return new ReceiptPrinter(transport, {
        ...driverOptions,
        paperWidth: entry.paperWidth,
        startsInChineseMode: entry.startsInChineseMode,
        statusPollMs: entry.statusPollMs,
        statusTimeoutMs: entry.statusTimeoutMs,
        maxHeldJobs: entry.maxHeldJobs,
        drawerOpenWhenPin3High: entry.drawerOpenWhenPin3High,
      });
    case 'display':
      return new PoleDisplay(transport, driverOptions);
    case 'forecourt':
      return new ForecourtDriver(transport, { ...driverOptions, requestTimeoutMs: entry.requestTimeoutMs, maxPendingRequests: entry.maxPendingRequests });
  }
}

export function createDevices(entries: readonly DeviceMapEntry[], options: DeviceFactoryOptions = {}): Device[] {
  return entries.map((entry) => createDevice(entry, options));
}
