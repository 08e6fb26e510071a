// Every driver against the hardware simulator's devices on their real transports: HID (the simulator's backend,
// as this machine has no /dev/uhid), serial on socat PTYs, the TCP and USB printer; built from a device map.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, iso7813Tracks, syntheticCardNumber, type RunningSimulator, type DeviceMap as SimDeviceMap } from '@pos/hardware-sim';
import { DeviceBus } from '../../../terminal/src/bus/device-bus.js';
import type { DeviceEvent } from '../../../terminal/src/bus/device-events.js';
import { createDevices } from '../../../terminal/src/devices/device-factory.js';
import type { DeviceMap } from '../../../terminal/src/devices/device-map.js';
import { deviceMapFromSimulator } from '../../../terminal/src/devices/simulator-device-map.js';
import { lineAndTotal } from '../../../terminal/src/devices/display/pole-display.js';
import { EventRecorder } from './event-recorder.js';
import { expected58, expected58Reprint, sampleReceipt } from './receipt-fixtures.js';

/** The simulator prints its device map; the terminal reads it into its own device map file format. */
function terminalDeviceMap(sim: SimDeviceMap): DeviceMap {
  return deviceMapFromSimulator(JSON.parse(JSON.stringify(sim)), {
    paperWidth: 58,
    decimalRfidIds: ['rfid-em'],
    extra: (_id, deviceClass) => ({
      backoff: { initialDelayMs: 20, maxDelayMs: 200 },
      ...(deviceClass === 'printer' ? { statusPollMs: 100, statusTimeoutMs: 300 } : {}),
    }),
  });
}

/** The simulator keeps receipts as esc2text-style text: no [QR]/[cut] markers. */
const plain = (markedText: string) => markedText.replace(/^\[(QR .*|cut)\]\n/gm, '');

let sim: RunningSimulator;
let bus: DeviceBus;
let rec: EventRecorder;
const idOf = (name: string): string => {
  const entry = sim.map.devices.find((d) => d.id === name)!;
  return entry.transport === 'tcp' ? `tcp_${entry.address}` : entry.transport === 'serial' ? `serial_${entry.address}` : entry.address;
};
const fromDevice = (name: string) => (e: DeviceEvent) => e.deviceId === idOf(name);

beforeAll(async () => {
  sim = await startSimulator({
    devices: [
      { class: 'printer', id: 'printer', tcpPort: 0, usb: true },
      { class: 'scanner', id: 'scanner', transport: 'hid', vendorId: 0x05e0, productId: 0x1200 },
      { class: 'scanner', id: 'scanner-serial', transport: 'serial' },
      { class: 'magstripe', id: 'magstripe', transport: 'hid', vendorId: 0x0801, productId: 0x0001 },
      { class: 'rfid', id: 'rfid', transport: 'serial' },
      { class: 'rfid', id: 'rfid-em', transport: 'hid', vendorId: 0xffff, productId: 0x0035, format: 'decimal10' },
      { class: 'pole-display', id: 'pole-display' },
    ],
  });
  const map = terminalDeviceMap(sim.map);
  bus = new DeviceBus();
  for (const device of createDevices(map.devices, { hidBackend: sim.hidBackend, usbBackend: sim.usbBackend })) bus.add(device);
  rec = new EventRecorder(bus.events$);
  const opened = await bus.openAll();
  expect(opened.filter((o) => o.error)).toEqual([]);
}, 30_000);

afterAll(async () => {
  await bus?.closeAll();
  rec?.stop();
  await sim?.close();
});

async function nextFrom<T extends DeviceEvent['type']>(name: string, type: T): Promise<Extract<DeviceEvent, { type: T }>> {
  for (;;) {
    const e = await rec.next(type);
    if (fromDevice(name)(e)) return e;
  }
}

describe('drivers on the simulator', () => {
  it('reads the simulator\'s printed map into a device map', () => {
    const map = terminalDeviceMap(sim.map);
    expect(map.devices.map((d) => [d.name, d.deviceClass, d.transport.kind])).toEqual([
      ['printer', 'printer', 'tcp'],
      ['printer-usb', 'printer', 'usb'],
      ['scanner', 'scanner', 'hid'],
      ['scanner-serial', 'scanner', 'serial'],
      ['magstripe', 'magstripe', 'hid'],
      ['rfid', 'rfid', 'serial'],
      ['rfid-em', 'rfid', 'hid'],
      ['pole-display', 'display', 'serial'],
    ]);
  });

  it('opens every device in the map', () => {
    expect(bus.list().map((d) => [d.deviceClass, d.health.state])).toEqual([
      ['printer', 'attached'],
      ['printer', 'attached'],
      ['scanner', 'attached'],
      ['scanner', 'attached'],
      ['magstripe', 'attached'],
      ['rfid', 'attached'],
      ['rfid', 'attached'],
      ['display', 'attached'],
    ]);
  });

  it('HID keyboard-wedge scanner: scans, and a wrong check digit is an error, not an item', async () => {
    const scanner = sim.device('scanner', 'scanner').device;
    await scanner.scan('6901234567892');
    expect(await nextFrom('scanner', 'scan')).toEqual({ type: 'scan', deviceId: 'hid_05e0:1200', code: '6901234567892', symbology: 'EAN-13' });
    await scanner.scan('6901234567893');
    expect(await nextFrom('scanner', 'deviceError')).toMatchObject({ deviceId: 'hid_05e0:1200', code: 'BAD_CHECK_DIGIT' });
    await scanner.scan('M:01HZX3QK5T');
    expect(await nextFrom('scanner', 'scan')).toMatchObject({ code: 'M:01HZX3QK5T', symbology: 'other' });
  });

  it('serial scanner: scans, and line noise is a bad read', async () => {
    await sim.device('scanner-serial', 'scanner').device.scan('96385074');
    expect(await nextFrom('scanner-serial', 'scan')).toMatchObject({ code: '96385074', symbology: 'EAN-8' });
    await sim.garbage('scanner-serial', Buffer.from([0x00, 0xff, 0x13, 0x0d]));
    expect(await nextFrom('scanner-serial', 'deviceError')).toMatchObject({ code: 'BAD_READ' });
  });

  it('magstripe in keyboard mode: both tracks parsed; a bad swipe is rejected', async () => {
    const pan = syntheticCardNumber(42);
    const reader = sim.device('magstripe', 'magstripe').device;
    await reader.swipe({ pan, name: 'Li/Si', expiryYymm: '2812', serviceCode: '120', discretionary: '0001' });
    expect(await nextFrom('magstripe', 'cardRead')).toEqual({
      type: 'cardRead',
      deviceId: 'hid_0801:0001',
      track1: { pan, name: 'LI/SI', expiryYymm: '2812', serviceCode: '120', discretionary: '0001' },
      track2: { pan, expiryYymm: '2812', serviceCode: '120', discretionary: '0001' },
    });
    // a reader set to send Enter after each track: the two lines are one swipe
    await reader.swipe({ pan, name: 'Li/Si', expiryYymm: '2812', serviceCode: '120', discretionary: '0001' }, 'track1');
    await reader.swipe({ pan, name: 'Li/Si', expiryYymm: '2812', serviceCode: '120', discretionary: '0001' }, 'track2');
    expect(await nextFrom('magstripe', 'cardRead')).toMatchObject({ track1: { pan, name: 'LI/SI' }, track2: { pan } });
    await reader.badSwipe();
    expect(await nextFrom('magstripe', 'deviceError')).toMatchObject({ code: 'MALFORMED_TRACK' });
    expect(iso7813Tracks({ pan, name: 'x', expiryYymm: '2812', serviceCode: '120', discretionary: '' }).track2).toBe(`;${pan}=2812120?`);
  });

  it('RFID readers: hex UID on serial, EM-style decimal on HID', async () => {
    await sim.device('rfid', 'rfid').device.tap('04a1b2c3d4e5f6');
    expect(await nextFrom('rfid', 'cardRead')).toMatchObject({ uid: '04A1B2C3D4E5F6' });
    await sim.device('rfid-em', 'rfid').device.tap('0a0b0c0d');
    expect(await nextFrom('rfid-em', 'cardRead')).toMatchObject({ uid: '0A0B0C0D' });
  });

  it('TCP printer: the receipt the simulator printed reads back exactly, Chinese included', async () => {
    const printer = sim.device('printer', 'printer').printer;
    const before = printer.jobs.length;
    await bus.send({ type: 'print', deviceId: idOf('printer'), jobId: 'sim-sale-1', receipt: sampleReceipt });
    await nextFrom('printer', 'printed');
    await printer.whenIdle();
    expect(printer.jobs.slice(before).map((j) => j.text)).toEqual([plain(expected58)]);
    expect(printer.jobs.at(-1)!.png.subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('paper out holds the job; paper loaded prints it; reprint of the last receipt', async () => {
    const printer = sim.device('printer', 'printer').printer;
    const before = printer.jobs.length;
    printer.setFaults({ paperOut: true, paperNearEnd: true });
    expect(await nextFrom('printer', 'printer')).toMatchObject({ online: false, paperOut: true });
    await bus.send({ type: 'print', deviceId: idOf('printer'), jobId: 'sim-sale-2', receipt: sampleReceipt });
    expect(await nextFrom('printer', 'deviceError')).toMatchObject({ code: 'PAPER_OUT' });
    printer.setFaults({ paperOut: false, paperNearEnd: false });
    expect(await nextFrom('printer', 'printed')).toMatchObject({ jobId: 'sim-sale-2', reprint: false });
    await bus.send({ type: 'reprintLast', deviceId: idOf('printer') });
    expect(await nextFrom('printer', 'printed')).toMatchObject({ jobId: 'sim-sale-2#reprint1', reprint: true });
    await printer.whenIdle();
    expect(printer.jobs.slice(before).map((j) => j.text)).toEqual([plain(expected58), plain(expected58Reprint)]);
  });

  it('paper running out mid-receipt: the printer finishes it once paper is back, once', async () => {
    const printer = sim.device('printer', 'printer').printer;
    const before = printer.jobs.length;
    printer.paperOutAfterLines(10);
    await bus.send({ type: 'print', deviceId: idOf('printer'), jobId: 'sim-sale-3', receipt: sampleReceipt });
    expect(await nextFrom('printer', 'deviceError')).toMatchObject({ code: 'PAPER_OUT' });
    printer.setFaults({ paperOut: false, paperNearEnd: false });
    expect(await nextFrom('printer', 'printed')).toMatchObject({ jobId: 'sim-sale-3' });
    await printer.whenIdle();
    // the simulator, like an Epson, keeps the rest of the receipt in its buffer and prints it after the roll change
    expect(printer.jobs.slice(before).map((j) => j.text)).toEqual([plain(expected58)]);
  });

  it('cash drawer: ESC p opens it, the printer status reports open, then closed', async () => {
    const drawer = sim.device('printer', 'printer').printer.drawer!;
    await bus.send({ type: 'kickDrawer', deviceId: idOf('printer') });
    expect(await nextFrom('printer', 'drawer')).toMatchObject({ state: 'open' });
    expect(drawer.isOpen).toBe(true);
    drawer.close();
    expect(await nextFrom('printer', 'drawer')).toMatchObject({ state: 'closed' });
  });

  it('USB printer (bulk endpoints through the usb backend) prints the same receipt', async () => {
    const printer = sim.device('printer', 'printer').printer;
    const before = printer.jobs.length;
    await bus.send({ type: 'print', deviceId: idOf('printer-usb'), jobId: 'usb-sale-1', receipt: sampleReceipt });
    expect(await nextFrom('printer-usb', 'printed')).toMatchObject({ jobId: 'usb-sale-1' });
    await printer.whenIdle();
    expect(printer.jobs.slice(before).map((j) => j.text)).toEqual([plain(expected58)]);
  });

  it('pole display shows the line and the total', async () => {
    const display = sim.device('pole-display', 'pole-display').device;
    const shown = new Promise<string[]>((resolve) => {
      const onChange = (lines: string[]) => {
        if (lines[1]?.includes('42.50')) {
          display.off('changed', onChange);
          resolve(lines);
        }
      };
      display.on('changed', onChange);
    });
    await bus.send({ type: 'display', ...lineAndTotal('鲜牛奶 1L', 2500, 4250) });
    expect(await shown).toEqual(['鲜牛奶 1L      25.00', '合计           42.50']);
  });

  it('hot-plug: an unplugged HID scanner is detached, reopened when it returns, and scans again', async () => {
    await sim.unplug('scanner');
    expect(await nextFrom('scanner', 'deviceDetached')).toMatchObject({ deviceClass: 'scanner' });
    await sim.replug('scanner');
    await nextFrom('scanner', 'deviceAttached');
    await sim.device('scanner', 'scanner').device.scan('4006381333931');
    expect(await nextFrom('scanner', 'scan')).toMatchObject({ code: '4006381333931' });
    expect(bus.get('hid_05e0:1200')!.health()).toMatchObject({ state: 'attached', attachCount: 2 });
  });

  it('hot-plug: a serial RFID reader and the USB printer come back after unplug', async () => {
    await sim.unplug('rfid');
    await nextFrom('rfid', 'deviceDetached');
    await sim.replug('rfid');
    await nextFrom('rfid', 'deviceAttached');
    await sim.device('rfid', 'rfid').device.tap('a1b2c3d4');
    expect(await nextFrom('rfid', 'cardRead')).toMatchObject({ uid: 'A1B2C3D4' });

    await sim.unplug('printer'); // TCP connections dropped, USB printer gone
    await nextFrom('printer-usb', 'deviceDetached');
    await sim.replug('printer');
    await nextFrom('printer-usb', 'deviceAttached');
    expect(bus.get(idOf('printer-usb'))!.health()).toMatchObject({ state: 'attached', attachCount: 2 });
  });
});
