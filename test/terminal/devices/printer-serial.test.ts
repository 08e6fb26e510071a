// The same receipt printer driver on a serial line (socat PTY): transport-independent printing and status.
import { afterEach, describe, expect, it } from 'vitest';
import { SerialPort } from 'serialport';
import { ReceiptPrinter } from '../../../terminal/src/devices/printer/receipt-printer.js';
import { SerialTransport } from '../../../terminal/src/devices/transports/serial-transport.js';
import { startPtyPair } from './pty-pair.js';
import { TestTcpPrinter } from './test-tcp-printer.js';
import { EventRecorder } from './event-recorder.js';
import { expected58, sampleReceipt } from './receipt-fixtures.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('receipt printer on a serial line', () => {
  it('prints, holds on cover open, and kicks the drawer over serial', async () => {
    const pty = await startPtyPair();
    cleanups.push(() => pty.stop());
    // the printer end of the cable
    const deviceEnd = new SerialPort({ path: pty.devicePath, baudRate: 115200 });
    await new Promise<void>((resolve, reject) => deviceEnd.once('open', resolve).once('error', reject));
    cleanups.push(() => new Promise<void>((resolve) => (deviceEnd.isOpen ? deviceEnd.close(() => resolve()) : resolve())));
    const sim = new TestTcpPrinter();
    sim.attach(deviceEnd);

    const printer = new ReceiptPrinter(new SerialTransport({ path: pty.terminalPath, baudRate: 115200 }), { paperWidth: 58, statusPollMs: 40, statusTimeoutMs: 300 });
    const rec = new EventRecorder(printer.events$);
    cleanups.push(() => printer.close(), () => rec.stop());
    await printer.open();
    expect(await rec.next('printer')).toMatchObject({ deviceId: `serial_${pty.terminalPath}`, online: true });

    sim.state.coverOpen = true;
    await printer.execute({ type: 'print', jobId: 'serial-1', receipt: sampleReceipt });
    expect(await rec.next('deviceError')).toMatchObject({ code: 'COVER_OPEN', messageZh: '打印机盖未关闭' });
    sim.state.coverOpen = false;
    expect(await rec.next('printed')).toMatchObject({ jobId: 'serial-1' });
    expect(sim.printedText()).toEqual([expected58]);

    await printer.execute({ type: 'kickDrawer', pin: 5 });
    expect(await rec.next('drawer')).toMatchObject({ state: 'open' });
    expect(sim.drawerKicks()).toEqual([5]);
  });
});
