// Every virtual device through its real transport: a TCP client against the printer, `serialport`
// against the socat PTYs, the node-hid-shaped and WebUSB-shaped backends; plus fault injection.
// HID and USB go through in-process backends because this machine has no /dev/uhid (and no USB
// gadget); the tests use exactly the API subset the terminal uses from node-hid and usb.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import {
  chineseSaleReceipt, CHINESE_SALE_RECEIPT_TEXT, iso7813Tracks, luhnCheckDigit, receiptToText, startSimulator,
  syntheticCardNumber, type RunningSimulator,
} from '../../hardware-sim/src/index.js';
import { connectPrinter, openSerial, reportsToText, waitUntil } from './sim-clients.js';

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({
    devices: [
      { class: 'printer', id: 'printer', tcpPort: 0, serial: true, drawer: { pin: 2, autoCloseMs: null } },
      { class: 'scanner', id: 'scanner', transport: 'hid', vendorId: 0x05e0, productId: 0x1200 },
      { class: 'scanner', id: 'scanner-serial', transport: 'serial' },
      { class: 'magstripe', id: 'magstripe', transport: 'hid', vendorId: 0x0801, productId: 0x0001 },
      { class: 'rfid', id: 'rfid', transport: 'serial' },
      { class: 'rfid', id: 'rfid-em', transport: 'hid', vendorId: 0xffff, productId: 0x0035, format: 'decimal10' },
      { class: 'pole-display', id: 'pole-display' },
    ],
  });
});
afterAll(async () => {
  await sim?.close();
});

const tcpPortOf = (s: RunningSimulator, id = 'printer'): number => Number(s.map.devices.find((d) => d.id === id)!.address.split(':')[1]);
const pathOf = (id: string): string => sim.map.devices.find((d) => d.id === id)!.address;

describe('device map', () => {
  it('lists each device with its transport and address', () => {
    expect(sim.map.devices.map((d) => [d.id, d.class, d.transport])).toEqual([
      ['printer', 'printer', 'tcp'], ['printer-usb', 'printer', 'usb'], ['printer-serial', 'printer', 'serial'],
      ['printer-drawer', 'cash-drawer', 'printer-kick'],
      ['scanner', 'scanner', 'hid'], ['scanner-serial', 'scanner', 'serial'], ['magstripe', 'magstripe', 'hid'],
      ['rfid', 'rfid', 'serial'], ['rfid-em', 'rfid', 'hid'], ['pole-display', 'pole-display', 'serial'],
    ]);
    expect(sim.map.devices.find((d) => d.id === 'scanner')?.address).toBe('hid_05e0:1200');
    expect(existsSync(pathOf('scanner-serial'))).toBe(true);
    expect(sim.map.hidBackend).toContain('/dev/uhid is not usable');
  });
});

describe('ESC/POS printer over TCP', () => {
  it('prints a Chinese receipt, kicks the drawer and reports it open through DLE EOT 1', async () => {
    const { printer } = sim.device('printer', 'printer');
    const client = await connectPrinter(tcpPortOf(sim));
    try {
      expect(await client.status(1)).toBe(0x12);
      const before = printer.jobs.length;
      await client.send(chineseSaleReceipt());
      await waitUntil(() => printer.jobs.length > before, 5000, 'receipt');
      const job = printer.jobs.at(-1)!;
      expect(receiptToText(job.receipt, { markers: true })).toBe(CHINESE_SALE_RECEIPT_TEXT);
      expect(job.png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect(printer.drawer?.isOpen).toBe(true);
      expect(await client.status(1)).toBe(0x16);
      printer.drawer?.close();
      expect(await client.status(1)).toBe(0x12);
    } finally {
      client.close();
    }
  });

  it('stops on paper out in the middle of a job, reports it, and finishes once paper is loaded', async () => {
    const { printer } = sim.device('printer', 'printer');
    const client = await connectPrinter(tcpPortOf(sim));
    try {
      const before = printer.jobs.length;
      printer.paperOutAfterLines(2);
      await client.send(Buffer.from('line 1\nline 2\nline 3\nline 4\n\x1dV\x00', 'latin1'));
      await waitUntil(() => printer.state.paperOut, 3000, 'paper out');
      expect([await client.status(1), await client.status(2), await client.status(3), await client.status(4)]).toEqual([0x1a, 0x32, 0x12, 0x7e]);
      expect(printer.jobs.length).toBe(before);
      printer.setFaults({ paperOut: false, paperNearEnd: false });
      await waitUntil(() => printer.jobs.length > before, 3000, 'job after reload');
      expect(printer.jobs.at(-1)!.text).toBe('line 1\nline 2\nline 3\nline 4\n');
      expect(await client.status(1)).toBe(0x12);
    } finally {
      client.close();
    }
  });

  it('reports cover open as offline with cause bit 2, and holds the job until it is closed', async () => {
    const { printer } = sim.device('printer', 'printer');
    const client = await connectPrinter(tcpPortOf(sim));
    try {
      const before = printer.jobs.length;
      printer.setFaults({ coverOpen: true });
      await client.send(Buffer.from('cover test\n\x1dV\x01', 'latin1'));
      expect([await client.status(1), await client.status(2)]).toEqual([0x1a, 0x16]);
      await new Promise((r) => setTimeout(r, 50));
      expect(printer.jobs.length).toBe(before);
      printer.setFaults({ coverOpen: false });
      await waitUntil(() => printer.jobs.length > before, 3000, 'job after cover closed');
      expect(printer.jobs.at(-1)!.receipt.cut).toBe('partial');
    } finally {
      client.close();
    }
  });

  it('answers GS r 2 in order and GS I 1 with the model id', async () => {
    const client = await connectPrinter(tcpPortOf(sim));
    try {
      const got: number[] = [];
      client.socket.on('data', (c: Buffer) => got.push(...c));
      await client.send(Uint8Array.of(0x1d, 0x72, 0x02, 0x1d, 0x49, 0x01));
      await waitUntil(() => got.length >= 2, 2000, 'GS r / GS I replies');
      expect(got).toEqual([0x00, 0x20]);
    } finally {
      client.close();
    }
  });
});

describe('ESC/POS printer on a serial PTY', () => {
  it('prints what the terminal writes with serialport and answers DLE EOT on the line', async () => {
    const { printer } = sim.device('printer', 'printer');
    const before = printer.jobs.length;
    const client = await openSerial(pathOf('printer-serial'), 38400);
    try {
      await new Promise<void>((resolve, reject) => client.port.write(Buffer.from('serial receipt\n\x1dV\x00\x10\x04\x04', 'latin1'), (e) => (e ? reject(e) : resolve())));
      expect([...(await client.waitFor((b) => b.length >= 1))]).toEqual([0x12]);
      await waitUntil(() => printer.jobs.length > before, 3000, 'serial job');
      expect(printer.jobs.at(-1)!.text).toBe('serial receipt\n');
    } finally {
      await client.close();
    }
  });
});

describe('power cut of the terminal mid-job', () => {
  it('keeps the lines already printed, drops the half line on the next ESC @, and prints the next job', async () => {
    const { printer } = sim.device('printer', 'printer');
    const before = printer.jobs.length;
    const dying = await connectPrinter(tcpPortOf(sim));
    await dying.send(Buffer.from('\x1b@line A\nline B\nhalf a li', 'latin1'));
    // The terminal's process dies: its socket is reset, no cut ever arrives.
    dying.socket.resetAndDestroy();
    await new Promise((r) => setTimeout(r, 50));
    expect(printer.jobs.length).toBe(before);
    const restarted = await connectPrinter(tcpPortOf(sim));
    try {
      expect(await restarted.status(1)).toBe(0x12);
      await restarted.send(Buffer.from('\x1b@after restart\n\x1dV\x00', 'latin1'));
      await waitUntil(() => printer.jobs.length > before, 3000, 'job after restart');
      // Paper already printed stays on the roll, so it is part of the receipt cut next.
      expect(printer.jobs.at(-1)!.text).toBe('line A\nline B\nafter restart\n');
    } finally {
      restarted.close();
    }
  });
});

describe('slow printer back-pressure over TCP', () => {
  it('stops reading the socket while its buffer is full, still answers DLE EOT, and prints everything', async () => {
    const slow = await startSimulator({ devices: [{ class: 'printer', id: 'slow', tcpPort: 0, usb: false, lineDelayMs: 5, receiveBufferBytes: 1024 }] });
    try {
      const { printer } = slow.device('slow', 'printer');
      const lines = Array.from({ length: 160 }, (_, i) => `line ${String(i).padStart(3, '0')} ${'x'.repeat(30)}\n`);
      const first = lines.slice(0, 80).join('');
      const second = `${lines.slice(80).join('')}\x1dV\x00`;
      const client = await connectPrinter(tcpPortOf(slow, 'slow'));
      const started = Date.now();
      await client.send(Buffer.from(first, 'latin1'));
      await waitUntil(() => printer.bufferedBytes > 0, 2000, 'first part received');
      // The buffer is over 1 KiB, so the printer paused the socket: the second part waits in TCP.
      await client.send(Buffer.from(second, 'latin1'));
      await new Promise((r) => setTimeout(r, 100));
      expect(printer.bufferedBytes).toBeLessThanOrEqual(first.length);
      expect(printer.bufferedBytes).toBeGreaterThan(1024 / 2);
      // The reply comes while the printer is still busy with the backlog.
      expect(await client.status(1)).toBe(0x12);
      await waitUntil(() => printer.jobs.length === 1, 10_000, 'slow job');
      client.close();
      expect(printer.jobs[0]!.text).toBe(lines.join(''));
      expect(Date.now() - started).toBeGreaterThanOrEqual(160 * 5);
    } finally {
      await slow.close();
    }
  });
});

describe('serial devices on PTYs (serialport client)', () => {
  it('the serial scanner sends each code as a CR LF line', async () => {
    const client = await openSerial(pathOf('scanner-serial'));
    try {
      await sim.device('scanner-serial', 'scanner').device.scan('6901234567892');
      expect((await client.waitFor((b) => b.includes(0x0a))).toString('latin1')).toBe('6901234567892\r\n');
    } finally {
      await client.close();
    }
  });

  it('garbage bytes arrive on the line as sent, and a scan after them still arrives intact', async () => {
    const client = await openSerial(pathOf('scanner-serial'));
    try {
      await sim.garbage('scanner-serial', Uint8Array.of(0x00, 0xff, 0x1b, 0x7f, 0x80));
      await sim.device('scanner-serial', 'scanner').device.scan('4006381333931');
      const all = await client.waitFor((b) => b.includes(0x0a));
      expect([...all]).toEqual([0x00, 0xff, 0x1b, 0x7f, 0x80, ...Buffer.from('4006381333931\r\n')]);
    } finally {
      await client.close();
    }
  });

  it('unplug removes the node and the open port hears nothing more; replug brings it back', async () => {
    const path = pathOf('rfid');
    const first = await openSerial(path);
    await sim.unplug('rfid');
    expect(existsSync(path)).toBe(false);
    await expect(sim.device('rfid', 'rfid').device.tap('04A1B2C3')).rejects.toMatchObject({ code: 'DEVICE_UNPLUGGED' });
    await first.close();
    await sim.replug('rfid');
    expect(existsSync(path)).toBe(true);
    const second = await openSerial(path);
    try {
      await sim.device('rfid', 'rfid').device.tap('04a1b2c3d4e5f6');
      expect((await second.waitFor((b) => b.includes(0x0a))).toString('latin1')).toBe('04A1B2C3D4E5F6\r\n');
    } finally {
      await second.close();
    }
  });

  it('the pole display shows what the terminal writes (DM-D commands, GB18030)', async () => {
    const display = sim.device('pole-display', 'pole-display').device;
    const client = await openSerial(pathOf('pole-display'));
    try {
      const bytes = Buffer.concat([
        Buffer.from([0x1b, 0x40]), Buffer.from('TOTAL', 'latin1'),
        Buffer.from([0x1f, 0x24, 1, 2]), iconv.encode('合计 ¥10.50', 'gb18030'),
      ]);
      await new Promise<void>((resolve, reject) => client.port.write(bytes, (e) => (e ? reject(e) : resolve())));
      await waitUntil(() => display.lines()[1]!.startsWith('合'), 3000, 'display update');
      // A Chinese character fills two of the 20 cells (the second is kept as '').
      expect(display.lines()).toEqual(['TOTAL'.padEnd(20), `合计 ¥10.50${' '.repeat(9)}`]);
      const welcome = Buffer.concat([Buffer.from([0x0c]), iconv.encode('WELCOME 欢迎', 'gb18030')]);
      await new Promise<void>((resolve, reject) => client.port.write(welcome, (e) => (e ? reject(e) : resolve())));
      await waitUntil(() => display.lines()[0]!.startsWith('W'), 3000, 'clear');
      expect(display.lines()).toEqual([`WELCOME 欢迎${' '.repeat(8)}`, ' '.repeat(20)]);
    } finally {
      await client.close();
    }
  });
});

describe('HID keyboard-wedge devices (node-hid shaped backend)', () => {
  const scannerInfo = (): { path?: string } | undefined => sim.hidBackend.devices().find((d) => d.vendorId === 0x05e0 && d.productId === 0x1200);

  it('types a scan as boot keyboard reports: key down, key up, Enter', async () => {
    const handle = sim.hidBackend.open(scannerInfo()!.path!);
    const reports: Buffer[] = [];
    handle.on('data', (r) => reports.push(r));
    await sim.device('scanner', 'scanner').device.scan('Ab1');
    handle.close();
    expect(reports.map((r) => [...r])).toEqual([
      [0x02, 0, 0x04, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0x05, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0x1e, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0x28, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],
    ]);
  });

  it('unplug errors open handles and hides the device; replug shows it again', async () => {
    const path = scannerInfo()!.path!;
    const handle = sim.hidBackend.open(path);
    const errors: Error[] = [];
    handle.on('error', (e) => errors.push(e));
    await sim.unplug('scanner');
    expect(errors.map((e) => e.message)).toEqual(['could not read from HID device']);
    expect(scannerInfo()).toBeUndefined();
    expect(() => sim.hidBackend.open(path)).toThrow(/could not open/);
    await sim.replug('scanner');
    expect(scannerInfo()?.path).toBe(path);
    const again = sim.hidBackend.open(path);
    const reports: Buffer[] = [];
    again.on('data', (r) => reports.push(r));
    await sim.device('scanner', 'scanner').device.scan('42');
    again.close();
    expect(reportsToText(reports)).toBe('42\n');
  });

  it('the magstripe reader types ISO 7813 tracks of a synthetic Luhn-valid card', async () => {
    const pan = syntheticCardNumber(123);
    expect(pan).toBe(`990000000000123${luhnCheckDigit('990000000000123')}`);
    expect(luhnCheckDigit('7992739871')).toBe('3');
    const info = sim.hidBackend.devices().find((d) => d.vendorId === 0x0801)!;
    const handle = sim.hidBackend.open(info.path!);
    const reports: Buffer[] = [];
    handle.on('data', (r) => reports.push(r));
    const card = { pan, name: 'ZHANG/SAN', expiryYymm: '3012', serviceCode: '101', discretionary: '0000' };
    await sim.device('magstripe', 'magstripe').device.swipe(card);
    handle.close();
    const { track1, track2 } = iso7813Tracks(card);
    expect(track1).toBe(`%B${pan}^ZHANG/SAN^30121010000?`);
    expect(track2).toBe(`;${pan}=30121010000?`);
    expect(reportsToText(reports)).toBe(`${track1}${track2}\n`);
  });

  it('the EM-style RFID reader types the 10-digit decimal UID', async () => {
    const info = sim.hidBackend.devices().find((d) => d.vendorId === 0xffff)!;
    const handle = sim.hidBackend.open(info.path!);
    const reports: Buffer[] = [];
    handle.on('data', (r) => reports.push(r));
    await sim.device('rfid-em', 'rfid').device.tap('0011223344');
    handle.close();
    expect(reportsToText(reports)).toBe(`${String(0x11223344).padStart(10, '0')}\n`);
  });
});

describe('USB printer (WebUSB-shaped backend)', () => {
  it('prints through bulk OUT, answers DLE EOT on bulk IN, and fails transfers once unplugged', async () => {
    const [device, ...others] = await sim.usbBackend.getDevices();
    expect(others).toEqual([]);
    expect([device!.vendorId, device!.productId]).toEqual([0x04b8, 0x0202]);
    await device!.open();
    await device!.selectConfiguration(1);
    await device!.claimInterface(0);
    const { printer } = sim.device('printer', 'printer');
    const before = printer.jobs.length;
    const out = await device!.transferOut(1, Buffer.from('USB receipt\n\x1dV\x00\x10\x04\x01', 'latin1'));
    expect(out).toEqual({ status: 'ok', bytesWritten: 18 });
    const reply = await device!.transferIn(2, 64);
    expect(reply.status).toBe('ok');
    expect([...new Uint8Array(reply.data!.buffer)]).toEqual([0x12]);
    await waitUntil(() => printer.jobs.length > before, 3000, 'USB job');
    expect(printer.jobs.at(-1)!.text).toBe('USB receipt\n');
    await sim.unplug('printer');
    await expect(device!.transferOut(1, Buffer.from('x'))).rejects.toThrow('LIBUSB_ERROR_NO_DEVICE');
    expect(await sim.usbBackend.getDevices()).toEqual([]);
    await sim.replug('printer');
    expect(await sim.usbBackend.getDevices()).toHaveLength(1);
  });
});
