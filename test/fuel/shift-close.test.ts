// Shift close (班结) at a kiosk: totalizers read at the start and end of a shift against the fuel lines this till
// journaled, per nozzle and per grade, to the millilitre; journaled as a shiftClosed outbox event and printed by
// the simulated ESC/POS printer (decoded back to text). Real simulator over TCP, real SQLite store, real checkout.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type ForecourtController, type PrinterJob, type RunningSimulator } from '@pos/hardware-sim';
import type { CatalogueItem, PumpStatus, ShiftClosedBody } from '@pos/protocol';
import { DeviceBus } from '../../terminal/src/bus/device-bus.js';
import { CheckoutMachine } from '../../terminal/src/checkout/index.js';
import { createDevice } from '../../terminal/src/devices/device-factory.js';
import { deviceMapFromSimulator } from '../../terminal/src/devices/simulator-device-map.js';
import { ForecourtKiosk, ShiftClose, ShiftError } from '../../terminal/src/forecourt/index.js';
import { LocalStore } from '../../terminal/src/store/index.js';
import { STORE_ID, T0_MS } from '../terminal/store/fixtures/records.js';

const FUEL: CatalogueItem[] = (['92', '95', '98', '0'] as const).map((g) => ({
  sku: `FUEL-${g}`, barcodes: [], name: { zh: `${g}号油`, en: `Fuel ${g}` }, unitPriceFen: 800, unit: 'litre', category: 'fuel', noDiscount: true, noPoints: false, pointsMultiplierPerMille: 1000,
}));
const TILL = '01JTERM000000000000000000S';

async function until<T>(what: string, probe: () => T | undefined | false | null, timeoutMs = 8_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('shift close (班结)', () => {
  let sim: RunningSimulator;
  let fcc: ForecourtController;
  let dir: string;
  let store: LocalStore;
  let bus: DeviceBus;
  let checkout: CheckoutMachine;
  let kiosk: ForecourtKiosk;
  let shift: ShiftClose;
  const printed: PrinterJob[] = [];
  const pump = (pumpNo: number, ok: (s: PumpStatus) => boolean) => () => {
    const p = kiosk.pump(pumpNo);
    return p && ok(p.status) ? p : undefined;
  };
  const payCash = () => {
    expect(checkout.startTendering()).toEqual({ ok: true });
    expect(checkout.addTender({ kind: 'cash', amountFen: checkout.state.priced!.totals.payableFen })).toEqual({ ok: true });
    return checkout.state.committed!;
  };
  async function deliver(pumpNo: number, nozzleNo: number, preset: Parameters<ForecourtKiosk['authorize']>[1]): Promise<void> {
    await kiosk.authorize(pumpNo, preset);
    fcc.liftNozzle(pumpNo, nozzleNo);
    await until(`pump ${pumpNo} finished`, pump(pumpNo, (s) => s.state === 'finished'));
    fcc.hangUpNozzle(pumpNo);
  }

  beforeAll(async () => {
    sim = await startSimulator({
      devices: [
        { class: 'forecourt', id: 'fcc', pumpCount: 3, sampleMs: 20, speedFactor: 60, seed: 11 },
        { class: 'printer', id: 'printer', tcpPort: 0, usb: false },
      ],
    });
    fcc = sim.device('fcc', 'forecourt').controller;
    sim.device('printer', 'printer').printer.on('receipt', (job: PrinterJob) => printed.push(job));
    dir = mkdtempSync(path.join(tmpdir(), 'pos-shift-'));
    store = LocalStore.open(path.join(dir, 'terminal.sqlite'));
    store.loadCatalogue(FUEL);
    const clock = { nowMs: () => T0_MS };
    checkout = new CheckoutMachine({ store, clock, identity: { storeId: STORE_ID, terminalId: TILL, receiptPrefix: 'S-' }, verifyManagerPin: async () => null });
    bus = new DeviceBus();
    const map = deviceMapFromSimulator(JSON.parse(JSON.stringify(sim.map)), { paperWidth: 58, extra: () => ({ requestTimeoutMs: 1_000 }) });
    for (const entry of map.devices) bus.add(createDevice(entry));
    kiosk = new ForecourtKiosk({ bus, checkout, tillId: TILL });
    shift = new ShiftClose({ bus, store, file: path.join(dir, 'shift.json'), identity: { storeId: STORE_ID, terminalId: TILL }, clock, pumpNos: () => kiosk.pumps.map((p) => p.status.pumpNo) });
    await bus.openAll();
    await until('pumps', () => kiosk.pumps.length === 3);
  }, 30_000);

  afterAll(async () => {
    kiosk?.close();
    await bus?.closeAll();
    checkout?.close();
    store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await sim?.close();
  });

  it('needs an open shift, and only one', async () => {
    await expect(shift.close()).rejects.toMatchObject({ code: 'NO_OPEN_SHIFT' });
    const opened = await shift.open();
    expect(opened.readings.map((r) => r.totalizers.map((t) => t.volumeMilliLitre))).toEqual([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
    await expect(shift.open()).rejects.toBeInstanceOf(ShiftError);
  });

  let first: ShiftClosedBody;
  let cutVolume = 0;

  it('matches every nozzle’s totalizers to the journal to the millilitre, per grade too', async () => {
    // sale 1: 12.345 L of 95# on pump 1
    await deliver(1, 2, { kind: 'volume', volumeMilliLitre: 12_345 });
    await kiosk.settle(1);
    payCash();
    // sale 2: 92# on pump 2 cut short by the pump going offline, settled from the last figures
    await kiosk.authorize(2, { kind: 'amount', amountFen: 30_000 });
    fcc.liftNozzle(2, 1);
    await until('fueling', pump(2, (s) => s.state === 'fueling' && (s.transaction?.volumeMilliLitre ?? 0) > 3_000));
    fcc.pumpOffline(2);
    cutVolume = (await until('offline', pump(2, (s) => s.state === 'offline'))).status.transaction!.volumeMilliLitre;
    await kiosk.settle(2);
    payCash();
    fcc.pumpOnline(2);
    await until('pump 2 released', pump(2, (s) => s.state === 'idle'));
    // 5 L of diesel on pump 3 delivered but not settled in this shift
    await deliver(3, 4, { kind: 'volume', volumeMilliLitre: 5_000 });

    first = await shift.close();
    const line = (pumpNo: number, nozzleNo: number) => first.nozzles.find((n) => n.pumpNo === pumpNo && n.nozzleNo === nozzleNo)!;
    expect(first.nozzles).toHaveLength(12);
    expect(line(1, 2)).toEqual({ pumpNo: 1, nozzleNo: 2, grade: '95', startMilliLitre: 0, endMilliLitre: 12_345, pumpedMilliLitre: 12_345, soldMilliLitre: 12_345, differenceMilliLitre: 0, soldAmountFen: 9_753 });
    expect(line(2, 1)).toMatchObject({ grade: '92', pumpedMilliLitre: cutVolume, soldMilliLitre: cutVolume, differenceMilliLitre: 0 });
    expect(line(3, 4)).toMatchObject({ grade: '0', pumpedMilliLitre: 5_000, soldMilliLitre: 0, differenceMilliLitre: 5_000, soldAmountFen: 0 });
    expect(first.nozzles.filter((n) => n.pumpedMilliLitre === 0).every((n) => n.soldMilliLitre === 0 && n.differenceMilliLitre === 0)).toBe(true);
    // the pump's own totalizers are the end readings
    for (const n of first.nozzles) expect(n.endMilliLitre).toBe(fcc.totalizers(n.pumpNo).find((t) => t.nozzleNo === n.nozzleNo)!.volumeMilliLitre);
    expect(first.grades.map((g) => [g.grade, g.pumpedMilliLitre, g.soldMilliLitre, g.differenceMilliLitre])).toEqual([
      ['92', cutVolume, cutVolume, 0],
      ['95', 12_345, 12_345, 0],
      ['98', 0, 0, 0],
      ['0', 5_000, 0, 5_000],
    ]);
    expect([first.fuelSaleCount, first.incompleteLineCount]).toEqual([2, 1]);
    // journaled and waiting in the outbox to sync, like a sale
    expect(store.journal.pendingOutbox(10).map((e) => e.type)).toEqual(['saleCommitted', 'saleCommitted', 'shiftClosed']);

    // printed on the receipt printer, decoded by the simulator
    await until('report printed', () => printed.length === 1);
    const text = printed[0]!.text.split('\n').map((l) => l.trimEnd());
    for (const row of ['班结报表', '油枪 1-2 95#汽油', '  泵出(升)                12.345', '油枪 3-4 0#柴油', '  差额(升)                 5.000', '加油笔数                       2', '中断结算                       1', '开班         2026-11-25 10:00:00']) {
      expect(text).toContain(row);
    }
  });

  it('the next shift starts from the end readings: settling the carried-over delivery shows as a negative difference', async () => {
    await kiosk.settle(3);
    payCash();
    const second = await shift.close();
    expect(second.openedAt).toBe(first.closedAt);
    expect(second.nozzles.find((n) => n.pumpNo === 3 && n.nozzleNo === 4)).toMatchObject({ startMilliLitre: 5_000, endMilliLitre: 5_000, pumpedMilliLitre: 0, soldMilliLitre: 5_000, differenceMilliLitre: -5_000, soldAmountFen: 3_750 });
    expect(second.grades.find((g) => g.grade === '0')).toMatchObject({ pumpedMilliLitre: 0, soldMilliLitre: 5_000, differenceMilliLitre: -5_000 });
    expect(second.nozzles.filter((n) => n.pumpNo !== 3 || n.nozzleNo !== 4).every((n) => n.pumpedMilliLitre === 0 && n.soldMilliLitre === 0)).toBe(true);
    // over both shifts, what the totalizers counted equals what was sold, to the millilitre
    const all = [first, second].flatMap((s) => s.grades);
    const sum = (pick: (g: (typeof all)[number]) => number) => all.reduce((a, g) => a + pick(g), 0);
    expect(sum((g) => g.pumpedMilliLitre)).toBe(sum((g) => g.soldMilliLitre));
  });
});
