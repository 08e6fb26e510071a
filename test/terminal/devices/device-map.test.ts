// The device map file: schema, defaults, clear errors, and the factory choosing drivers and transports.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDeviceMap, parseDeviceMap } from '../../../terminal/src/devices/device-map.js';
import { createDevice, createDevices } from '../../../terminal/src/devices/device-factory.js';
import { BarcodeScanner } from '../../../terminal/src/devices/scanner/barcode-scanner.js';
import { MagstripeReader } from '../../../terminal/src/devices/card/magstripe-reader.js';
import { RfidReader } from '../../../terminal/src/devices/card/rfid-reader.js';
import { ReceiptPrinter } from '../../../terminal/src/devices/printer/receipt-printer.js';
import { PoleDisplay } from '../../../terminal/src/devices/display/pole-display.js';
import { DeviceBus } from '../../../terminal/src/bus/device-bus.js';

// Mocked: the HID and USB backends are never opened in these tests (nothing is plugged into this machine);
// the factory only needs objects of the backend shape to build transports.
const hidBackend = { devices: () => [], open: () => { throw new Error('no HID here'); } };
const usbBackend = { getDevices: async () => [] };

const sampleMap = {
  version: 1,
  devices: [
    { deviceClass: 'scanner', transport: { kind: 'hid', vendorId: '0x05e0', productId: 0x1200 }, repeatWindowMs: 300 },
    { deviceClass: 'scanner', transport: { kind: 'serial', path: '/dev/ttyUSB0' } },
    { deviceClass: 'magstripe', transport: { kind: 'hid', vendorId: 0x0801, productId: 1 } },
    { deviceClass: 'rfid', transport: { kind: 'serial', path: '/dev/ttyUSB1', baudRate: 115200 }, uidFormat: 'decimal' },
    { deviceClass: 'printer', transport: { kind: 'tcp', host: '192.168.1.50' }, paperWidth: 58 },
    { deviceClass: 'printer', transport: { kind: 'usb', vendorId: '04b8', productId: '0202' } },
    { deviceClass: 'display', transport: { kind: 'serial', path: '/dev/ttyS0' } },
  ],
};

describe('device map schema', () => {
  it('fills defaults (baud 9600, port 9100, 80 mm, 1 s status poll) and reads hex ids', () => {
    const map = parseDeviceMap(sampleMap);
    expect(map.devices[0]).toEqual({ deviceClass: 'scanner', transport: { kind: 'hid', vendorId: 0x05e0, productId: 0x1200 }, repeatWindowMs: 300 });
    expect(map.devices[1]!.transport).toEqual({ kind: 'serial', path: '/dev/ttyUSB0', baudRate: 9600 });
    expect(map.devices[4]).toEqual({
      deviceClass: 'printer',
      transport: { kind: 'tcp', host: '192.168.1.50', port: 9100 },
      paperWidth: 58,
      startsInChineseMode: false,
      statusPollMs: 1000,
      statusTimeoutMs: 1000,
      maxHeldJobs: 20,
      drawerOpenWhenPin3High: true,
    });
    expect(map.devices[5]!.transport).toEqual({ kind: 'usb', vendorId: 0x04b8, productId: 0x0202 });
  });

  it.each([
    [{ version: 2, devices: [] }, 'version: Invalid input: expected 1'],
    [{ version: 1, devices: [{ deviceClass: 'printer', transport: { kind: 'tcp', host: 'p', port: 70000 } }] }, 'devices.0.transport.port: Too big: expected number to be <=65535'],
    [{ version: 1, devices: [{ deviceClass: 'scanner', transport: { kind: 'tcp', host: 'p' } }] }, 'devices.0.transport.kind'],
    [{ version: 1, devices: [{ deviceClass: 'printer', transport: { kind: 'serial', path: '/dev/ttyS0', baudRate: 12345 } }] }, 'devices.0.transport.baudRate: expected a standard baud rate'],
    [{ version: 1, devices: [{ deviceClass: 'printer', transport: { kind: 'tcp', host: 'p' }, paperWidth: 76 }] }, 'devices.0.paperWidth'],
    [{ version: 1, devices: [{ deviceClass: 'toaster', transport: { kind: 'tcp', host: 'p' } }] }, 'devices.0.deviceClass'],
  ])('rejects %j naming the field', (input, message) => {
    expect(() => parseDeviceMap(input)).toThrow(expect.objectContaining({ code: 'BAD_DEVICE_MAP', message: expect.stringContaining(message) }));
  });

  it('keeps the documented example valid', async () => {
    const map = await loadDeviceMap(path.join(import.meta.dirname, '../../../terminal/src/devices/device-map.example.json'));
    expect(createDevices(map.devices, { hidBackend, usbBackend }).map((d) => d.id)).toEqual([
      'hid_05e0:1200',
      'serial_/dev/ttyACM0',
      'hid_0801:0001',
      'hid_ffff:0035',
      'tcp_192.168.1.50:9100',
      'usb_04b8:0202',
      'serial_/dev/ttyS0',
    ]);
  });

  it('loads a file and rejects one that is not JSON', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-devmap-'));
    const good = path.join(dir, 'devices.json');
    fs.writeFileSync(good, JSON.stringify(sampleMap));
    expect((await loadDeviceMap(good)).devices).toHaveLength(7);
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{ devices: [');
    await expect(loadDeviceMap(bad)).rejects.toMatchObject({ code: 'BAD_DEVICE_MAP' });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('device factory', () => {
  it('builds one driver per device class, with stable ids from the transport address', () => {
    const devices = createDevices(parseDeviceMap(sampleMap).devices, { hidBackend, usbBackend });
    expect(devices.map((d) => [d.constructor.name, d.id, d.deviceClass, [...d.accepts]])).toEqual([
      [BarcodeScanner.name, 'hid_05e0:1200', 'scanner', []],
      [BarcodeScanner.name, 'serial_/dev/ttyUSB0', 'scanner', []],
      [MagstripeReader.name, 'hid_0801:0001', 'magstripe', []],
      [RfidReader.name, 'serial_/dev/ttyUSB1', 'rfid', []],
      [ReceiptPrinter.name, 'tcp_192.168.1.50:9100', 'printer', ['print', 'printReport', 'reprintLast', 'kickDrawer']],
      [ReceiptPrinter.name, 'usb_04b8:0202', 'printer', ['print', 'printReport', 'reprintLast', 'kickDrawer']],
      [PoleDisplay.name, 'serial_/dev/ttyS0', 'display', ['display']],
    ]);
    for (const d of devices) expect(d.health()).toEqual({ state: 'closed', attachCount: 0 });
  });

  it('a device that is not plugged in fails its first open with NOT_FOUND and keeps retrying', async () => {
    const scanner = createDevice(parseDeviceMap(sampleMap).devices[0]!, { hidBackend, usbBackend });
    await expect(scanner.open()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(scanner.health()).toEqual({ state: 'connecting', attachCount: 0, lastErrorCode: 'NOT_FOUND' });
    await scanner.close();
    expect(scanner.health().state).toBe('closed');
  });

  it('the bus refuses duplicate device ids and reports open failures without throwing', async () => {
    const bus = new DeviceBus();
    const entry = parseDeviceMap(sampleMap).devices[2]!;
    bus.add(createDevice(entry, { hidBackend, usbBackend }));
    expect(() => bus.add(createDevice(entry, { hidBackend, usbBackend }))).toThrow(expect.objectContaining({ code: 'BAD_DEVICE_MAP' }));
    const results = await bus.openAll();
    expect(results.map((r) => [r.id, r.error?.code])).toEqual([['hid_0801:0001', 'NOT_FOUND']]);
    await bus.closeAll();
  });
});
