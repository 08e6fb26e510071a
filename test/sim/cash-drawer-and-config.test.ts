// The cash drawer's rules (pin, pulse length, auto-close) through the printer's kick commands, a
// printer fed garbage over TCP keeps answering, and bad simulator configs are refused with a code.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CashDrawer, EscPosPrinter, startSimulator, type RunningSimulator } from '../../hardware-sim/src/index.js';
import { connectPrinter, waitUntil } from './sim-clients.js';

describe('cash drawer on the kick connector', () => {
  it('opens on ESC p to its pin, ignores the other pin and too-short pulses, closes itself after autoCloseMs', async () => {
    const drawer = new CashDrawer({ pin: 2, autoCloseMs: 80, minPulseMs: 20 });
    const printer = new EscPosPrinter({ drawer });
    const replies: number[] = [];
    const session = printer.openSession((b) => replies.push(...b));
    const events: string[] = [];
    drawer.on('opened', () => events.push('opened'));
    drawer.on('closed', () => events.push('closed'));
    drawer.on('ignoredPulse', (p) => events.push(`ignored pin ${p.pin} ${p.onMs} ms`));
    session.write(Uint8Array.of(0x1b, 0x70, 1, 50, 50)); // pin 5, 100 ms
    session.write(Uint8Array.of(0x1b, 0x70, 0, 5, 50)); // pin 2, 10 ms: too short to move the solenoid
    await printer.whenIdle();
    expect(drawer.isOpen).toBe(false);
    session.write(Uint8Array.of(0x10, 0x14, 1, 0, 1)); // DLE DC4 1: real-time pulse on pin 2, 100 ms
    await printer.whenIdle();
    expect(drawer.isOpen).toBe(true);
    session.write(Uint8Array.of(0x10, 0x04, 1));
    expect(replies).toEqual([0x16]);
    await waitUntil(() => !drawer.isOpen, 2000, 'auto close');
    expect(events).toEqual(['ignored pin 5 100 ms', 'ignored pin 2 10 ms', 'opened', 'closed']);
    expect(drawer.openCount).toBe(1);
    drawer.dispose();
  });
});

describe('printer fed garbage over TCP', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ devices: [{ class: 'printer', id: 'p', tcpPort: 0, usb: false }] });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('keeps answering DLE EOT and reports the garbage as problems', async () => {
    const { printer } = sim.device('p', 'printer');
    const problems: string[] = [];
    printer.on('problem', (p) => problems.push(p.reason));
    const client = await connectPrinter(Number(sim.map.devices[0]!.address.split(':')[1]));
    try {
      // Control bytes only (no text), so nothing can be read as a huge image header waiting for data.
      const noise = Uint8Array.from(randomBytes(20_000), (b) => [0x07, 0x08, 0x0b, 0x0e, 0x11, 0x1e][b % 6]!);
      await client.send(noise);
      await printer.whenIdle();
      expect(problems.length).toBe(noise.length);
      expect(await client.status(1)).toBe(0x12);
    } finally {
      client.close();
    }
  });
});

describe('printer receive buffer', () => {
  it('drops what a host pushes past four buffers without waiting, and reports it', async () => {
    const printer = new EscPosPrinter({ receiveBufferBytes: 1024, lineDelayMs: 1000 });
    const problems: string[] = [];
    printer.on('problem', (p) => problems.push(p.reason));
    const session = printer.openSession(() => undefined);
    const line = new Uint8Array(1024).fill(0x41);
    line[1023] = 0x0a;
    // The first 1 KiB fills the buffer (busy from then on); four buffers' worth is kept, the rest is lost.
    const accepted = [1, 2, 3, 4, 5, 6].map(() => session.write(line));
    expect(accepted).toEqual([false, false, false, false, false, false]);
    expect(printer.bufferedBytes).toBe(4096);
    expect(printer.overflowedBytes).toBe(2048);
    expect(problems).toEqual(['receive buffer overflow: 1024 bytes dropped', 'receive buffer overflow: 1024 bytes dropped']);
    printer.setFaults({ offline: true });
  });
});

describe('simulator config', () => {
  it('refuses unknown classes, bad ports and duplicate ids with CONFIG_INVALID', async () => {
    await expect(startSimulator({ devices: [{ class: 'toaster', id: 't' } as never] })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(startSimulator({ devices: [{ class: 'printer', id: 'p', tcpPort: 70_000 }] })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(startSimulator({ devices: [{ class: 'pole-display', id: 'd' }, { class: 'pole-display', id: 'd' }] })).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: 'device ids must be unique' });
  });
});
