// Receipt printer driver over a real TCP socket (port-9100 style): printing, status, held jobs, reprint, drawer.
import { afterEach, describe, expect, it } from 'vitest';
import { ReceiptPrinter } from '../../../terminal/src/devices/printer/receipt-printer.js';
import { TcpTransport } from '../../../terminal/src/devices/transports/tcp-transport.js';
import { DeviceBus } from '../../../terminal/src/bus/device-bus.js';
import { TestTcpPrinter } from './test-tcp-printer.js';
import { EventRecorder } from './event-recorder.js';
import { expected58, expected58Reprint, sampleReceipt } from './receipt-fixtures.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(options: { statusTimeoutMs?: number; maxHeldJobs?: number } = {}) {
  const sim = new TestTcpPrinter();
  const port = await sim.listen();
  cleanups.push(() => sim.close());
  const printer = new ReceiptPrinter(new TcpTransport({ host: '127.0.0.1', port }), {
    paperWidth: 58,
    statusPollMs: 40,
    statusTimeoutMs: options.statusTimeoutMs ?? 200,
    ...(options.maxHeldJobs ? { maxHeldJobs: options.maxHeldJobs } : {}),
    backoff: { initialDelayMs: 20, maxDelayMs: 100 },
  });
  const rec = new EventRecorder(printer.events$);
  cleanups.push(() => printer.close(), () => rec.stop());
  await printer.open();
  return { sim, printer, rec, port };
}

describe('receipt printer on TCP', () => {
  it('prints a receipt that decodes to the exact text, and reports printer and drawer state', async () => {
    const { sim, printer, rec } = await setup();
    expect(await rec.next('printer')).toEqual({ type: 'printer', deviceId: `tcp_127.0.0.1:${sim.port}`, online: true, paperOut: false, coverOpen: false, paperNearEnd: false });
    expect(await rec.next('drawer')).toMatchObject({ state: 'closed' });
    await printer.execute({ type: 'print', jobId: 'sale-1', receipt: sampleReceipt, reprint: false });
    expect(await rec.next('printed')).toEqual({ type: 'printed', deviceId: `tcp_127.0.0.1:${sim.port}`, jobId: 'sale-1', reprint: false });
    expect(sim.printedText()).toEqual([expected58]);
    // the same job id again (a retried command) does not print twice
    await printer.execute({ type: 'print', jobId: 'sale-1', receipt: sampleReceipt, reprint: false });
    await new Promise((r) => setTimeout(r, 150));
    expect(sim.printedText()).toHaveLength(1);
  });

  it('holds a job while the paper is out and prints it when paper is loaded', async () => {
    const { sim, printer, rec } = await setup();
    await rec.next('printer');
    sim.state.paperOut = true;
    sim.state.paperNearEnd = true;
    expect(await rec.next('printer')).toMatchObject({ online: false, paperOut: true });
    await printer.execute({ type: 'print', jobId: 'sale-2', receipt: sampleReceipt, reprint: false });
    expect(await rec.next('deviceError')).toMatchObject({ code: 'PAPER_OUT', messageZh: '打印机缺纸，装纸后将自动重打' });
    expect(printer.heldJobIds()).toEqual(['sale-2']);
    expect(sim.printedText()).toEqual([]);
    sim.state.paperOut = false;
    sim.state.paperNearEnd = false;
    expect(await rec.next('printed')).toMatchObject({ jobId: 'sale-2' });
    expect(printer.heldJobIds()).toEqual([]);
    expect(sim.printedText()).toEqual([expected58]);
  });

  it('a receipt stopped by paper end mid-way is finished by the printer once paper is loaded, not printed twice', async () => {
    const { sim, printer, rec } = await setup();
    await rec.next('printer');
    sim.paperOutAfterBytes = 300;
    await printer.execute({ type: 'print', jobId: 'sale-3', receipt: sampleReceipt, reprint: false });
    expect(await rec.next('deviceError')).toMatchObject({ code: 'PAPER_OUT' });
    expect(printer.heldJobIds()).toEqual(['sale-3']);
    expect(sim.printedText().join('').includes('[cut]')).toBe(false);
    sim.state.paperOut = false;
    expect(await rec.next('printed')).toMatchObject({ jobId: 'sale-3' });
    expect(sim.printedText()).toEqual([expected58]);
  });

  it('a receipt stopped mid-way is printed whole again when the printer was power-cycled', async () => {
    const { sim, printer, rec } = await setup();
    await rec.next('printer');
    sim.paperOutAfterBytes = 300;
    await printer.execute({ type: 'print', jobId: 'sale-3b', receipt: sampleReceipt, reprint: false });
    expect(await rec.next('deviceError')).toMatchObject({ code: 'PAPER_OUT' });
    sim.state.paperOut = false;
    sim.powerCycle();
    await rec.next('deviceDetached');
    expect(await rec.next('printed')).toMatchObject({ jobId: 'sale-3b' });
    // what came out: the start torn off at the paper end, then the whole receipt, cut once
    const text = sim.printedText().join('');
    expect(text.endsWith(expected58)).toBe(true);
    expect(text.length).toBeGreaterThan(expected58.length);
    expect(text.split('[cut]')).toHaveLength(2);
  });

  it('holds jobs while the printer does not answer, and prints them when it does', async () => {
    const { sim, printer, rec } = await setup({ statusTimeoutMs: 60 });
    await rec.next('printer');
    sim.answersStatus = false;
    expect(await rec.next('printer')).toMatchObject({ online: false, paperOut: false });
    await printer.execute({ type: 'print', jobId: 'sale-4', receipt: sampleReceipt, reprint: false });
    expect(await rec.next('deviceError')).toMatchObject({ code: 'PRINTER_OFFLINE' });
    sim.answersStatus = true;
    expect(await rec.next('printed')).toMatchObject({ jobId: 'sale-4' });
    expect(sim.printedText()).toEqual([expected58]);
  });

  it('survives the connection dropping: detached, reconnected, held job printed', async () => {
    const { sim, printer, rec } = await setup();
    await rec.next('printer');
    sim.state.coverOpen = true;
    await printer.execute({ type: 'print', jobId: 'sale-5', receipt: sampleReceipt, reprint: false });
    expect(await rec.next('deviceError')).toMatchObject({ code: 'COVER_OPEN' });
    sim.dropConnections();
    expect(await rec.next('deviceDetached')).toMatchObject({ deviceClass: 'printer' });
    await rec.next('deviceAttached');
    sim.state.coverOpen = false;
    expect(await rec.next('printed')).toMatchObject({ jobId: 'sale-5' });
    expect(sim.connections).toBe(2);
    expect(printer.health()).toMatchObject({ state: 'attached', attachCount: 2 });
    expect(sim.printedText()).toEqual([expected58]);
  });

  it('reprints the last receipt marked as a reprint, and refuses when there is none', async () => {
    const { sim, printer, rec } = await setup();
    await expect(printer.execute({ type: 'reprintLast' })).rejects.toMatchObject({ code: 'NOTHING_TO_REPRINT' });
    await printer.execute({ type: 'print', jobId: 'sale-6', receipt: sampleReceipt, reprint: false });
    await rec.next('printed');
    await printer.execute({ type: 'reprintLast' });
    expect(await rec.next('printed')).toMatchObject({ jobId: 'sale-6#reprint1', reprint: true });
    expect(sim.printedText()).toEqual([expected58, expected58Reprint]);
  });

  it('kicks the drawer with ESC p and reports it open, then closed', async () => {
    const { sim, printer, rec } = await setup();
    expect(await rec.next('drawer')).toMatchObject({ state: 'closed' });
    await printer.execute({ type: 'kickDrawer', pin: 2 });
    expect(await rec.next('drawer')).toMatchObject({ state: 'open' });
    expect(sim.drawerKicks()).toEqual([2]);
    sim.state.drawerOpen = false; // the cashier pushes it shut
    expect(await rec.next('drawer')).toMatchObject({ state: 'closed' });
  });

  it('refuses a job beyond the held-job limit', async () => {
    const { sim, printer, rec } = await setup({ maxHeldJobs: 2 });
    await rec.next('printer');
    sim.state.paperOut = true;
    await rec.next('printer');
    await printer.execute({ type: 'print', jobId: 'a', receipt: sampleReceipt, reprint: false });
    await printer.execute({ type: 'print', jobId: 'b', receipt: sampleReceipt, reprint: false });
    await expect(printer.execute({ type: 'print', jobId: 'c', receipt: sampleReceipt, reprint: false })).rejects.toMatchObject({ code: 'PRINT_QUEUE_FULL' });
    expect(printer.heldJobIds()).toEqual(['a', 'b']);
  });

  it('takes commands through the bus, validating them first', async () => {
    const { sim, printer, rec } = await setup();
    const bus = new DeviceBus();
    bus.add(printer);
    await expect(bus.send({ type: 'print', jobId: 'x', receipt: { ...sampleReceipt, qrContent: '二维码' } })).rejects.toMatchObject({ code: 'UNSUPPORTED_COMMAND' });
    await expect(bus.send({ type: 'display', top: 'a', bottom: 'b' })).rejects.toMatchObject({ code: 'UNSUPPORTED_COMMAND', message: 'The device does not support this command: no device accepts display' });
    await expect(bus.send({ type: 'kickDrawer', deviceId: 'tcp_10.0.0.9:9100' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(bus.send({ type: 'explode' })).rejects.toMatchObject({ code: 'UNSUPPORTED_COMMAND' });
    await bus.send({ type: 'print', jobId: 'sale-7', receipt: sampleReceipt });
    expect(await rec.next('printed')).toMatchObject({ jobId: 'sale-7' });
    expect(sim.printedText()).toEqual([expected58]);
    expect(bus.list()).toEqual([{ id: `tcp_127.0.0.1:${sim.port}`, deviceClass: 'printer', health: { state: 'attached', attachCount: 1 } }]);
  });
});
