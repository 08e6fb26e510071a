// Serial barcode scanner and RFID reader through serialport on a socat PTY pair, including unplug and replug.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { BarcodeScanner } from '../../../terminal/src/devices/scanner/barcode-scanner.js';
import { RfidReader } from '../../../terminal/src/devices/card/rfid-reader.js';
import { MagstripeReader } from '../../../terminal/src/devices/card/magstripe-reader.js';
import pino from 'pino';
import { SerialTransport } from '../../../terminal/src/devices/transports/serial-transport.js';
import { serialLines } from '../../../terminal/src/devices/input/serial-lines.js';
import { startPtyPair, type PtyPair } from './pty-pair.js';
import { EventRecorder } from './event-recorder.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Plays the device: writes bytes into the far end of the PTY. */
function typeOnDevice(pty: PtyPair, text: string): void {
  const fd = fs.openSync(pty.devicePath, 'w');
  fs.writeSync(fd, Buffer.from(text, 'latin1'));
  fs.closeSync(fd);
}

describe('serial barcode scanner', () => {
  it('emits scans for valid codes and deviceError for bad reads', async () => {
    const pty = await startPtyPair();
    cleanups.push(() => pty.stop());
    const scanner = new BarcodeScanner(new SerialTransport({ path: pty.terminalPath, baudRate: 9600 }), { lines: serialLines() });
    const rec = new EventRecorder(scanner.events$);
    cleanups.push(() => scanner.close(), () => rec.stop());
    await scanner.open();

    typeOnDevice(pty, '4006381333931\r\n');
    expect(await rec.next('scan')).toEqual({ type: 'scan', deviceId: `serial_${pty.terminalPath}`, code: '4006381333931', symbology: 'EAN-13' });
    typeOnDevice(pty, '4006381333932\r\n');
    expect(await rec.next('deviceError')).toMatchObject({ code: 'BAD_CHECK_DIGIT', message: 'Barcode check digit is wrong, scan again: EAN-13 check digit is 2, expected 1', messageZh: '条码校验位错误，请重新扫描' });
    typeOnDevice(pty, '\x00\x13garbage\r');
    expect(await rec.next('deviceError')).toMatchObject({ code: 'BAD_READ' });
    typeOnDevice(pty, '96385074\r');
    expect(await rec.next('scan')).toMatchObject({ code: '96385074', symbology: 'EAN-8' });
    expect(rec.events.map((e) => e.type)).toEqual(['deviceAttached', 'scan', 'deviceError', 'deviceError', 'scan']);
    expect(scanner.health()).toEqual({ state: 'attached', attachCount: 1, lastErrorCode: 'BAD_READ' });
  });

  it('emits deviceDetached when unplugged and reattaches with backoff when it comes back', async () => {
    const pty = await startPtyPair();
    cleanups.push(() => pty.stop());
    const scanner = new BarcodeScanner(new SerialTransport({ path: pty.terminalPath, baudRate: 9600 }), {
      lines: serialLines(),
      backoff: { initialDelayMs: 20, maxDelayMs: 200, maxAttempts: 100 },
    });
    const rec = new EventRecorder(scanner.events$);
    cleanups.push(() => scanner.close(), () => rec.stop());
    await scanner.open();

    await pty.stop(); // unplug
    expect(await rec.next('deviceDetached')).toMatchObject({ type: 'deviceDetached', deviceClass: 'scanner' });
    expect(scanner.health().state).toBe('detached');
    await new Promise((r) => setTimeout(r, 150)); // several failed reopen attempts while it is away
    await pty.restart(); // replug
    await rec.next('deviceAttached');
    typeOnDevice(pty, '036000291452\n');
    expect(await rec.next('scan')).toMatchObject({ code: '036000291452', symbology: 'UPC-A' });
    expect(rec.events.map((e) => e.type)).toEqual(['deviceAttached', 'deviceDetached', 'deviceAttached', 'scan']);
    expect(scanner.health()).toMatchObject({ state: 'attached', attachCount: 2 });
  });

  it('rejects open() when the port is missing but keeps retrying until close', async () => {
    const pty = await startPtyPair();
    await pty.stop();
    cleanups.push(() => pty.stop());
    const scanner = new BarcodeScanner(new SerialTransport({ path: pty.terminalPath, baudRate: 9600 }), {
      lines: serialLines(),
      backoff: { initialDelayMs: 20, maxDelayMs: 50 },
    });
    const rec = new EventRecorder(scanner.events$);
    cleanups.push(() => scanner.close(), () => rec.stop());
    await expect(scanner.open()).rejects.toMatchObject({ code: 'OPEN_FAILED' });
    await pty.restart();
    await rec.next('deviceAttached');
    expect(scanner.health()).toMatchObject({ state: 'attached', attachCount: 1 });
  });
});

describe('serial RFID reader', () => {
  it('reads UIDs as upper-case hex and rejects junk', async () => {
    const pty = await startPtyPair();
    cleanups.push(() => pty.stop());
    const reader = new RfidReader(new SerialTransport({ path: pty.terminalPath, baudRate: 9600 }), { lines: serialLines() });
    const rec = new EventRecorder(reader.events$);
    cleanups.push(() => reader.close(), () => rec.stop());
    await reader.open();
    typeOnDevice(pty, '04a1b2c3d4e5f6\r\n');
    expect(await rec.next('cardRead')).toEqual({ type: 'cardRead', deviceId: `serial_${pty.terminalPath}`, uid: '04A1B2C3D4E5F6' });
    typeOnDevice(pty, 'hello\r\n');
    expect(await rec.next('deviceError')).toMatchObject({ code: 'BAD_UID' });
  });
});

describe('serial magstripe reader', () => {
  it('emits parsed tracks and logs only the masked card number', async () => {
    const pty = await startPtyPair();
    cleanups.push(() => pty.stop());
    const logLines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) });
    const reader = new MagstripeReader(new SerialTransport({ path: pty.terminalPath, baudRate: 9600 }), { lines: serialLines(), logger });
    const rec = new EventRecorder(reader.events$);
    cleanups.push(() => reader.close(), () => rec.stop());
    await reader.open();
    typeOnDevice(pty, '%B6011000990139424^DOE/JOHN^2512101?;6011000990139424=2512101?\r\n');
    expect(await rec.next('cardRead')).toMatchObject({ track2: { pan: '6011000990139424', expiryYymm: '2512' } });
    typeOnDevice(pty, ';6011000990139425=2512101?\r\n');
    expect(await rec.next('deviceError')).toMatchObject({ code: 'LUHN_FAILED', message: 'Card number fails the Luhn check, swipe again: track 2 card number fails the Luhn check' });
    const log = logLines.join('');
    expect(log).toContain('601100******9424');
    expect(log).not.toContain('6011000990139424');
    expect(log).not.toContain('6011000990139425');
    expect(log).not.toContain('DOE/JOHN');
  });
});
