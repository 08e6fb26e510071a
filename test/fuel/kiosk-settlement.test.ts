// Settling pump deliveries through the kiosk service and the real checkout machine on real SQLite stores, two tills
// on one simulated forecourt controller over TCP: exactly one till wins a simultaneous settlement, a settled delivery
// cannot be settled again, a voided sale gives the delivery back, and a pump that goes offline mid-fueling leaves a
// delivery that is settled from its last reported figures, flagged in the journal, and released when the pump is back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type ForecourtController, type RunningSimulator } from '@pos/hardware-sim';
import type { CatalogueItem, PumpStatus, SaleCommittedBody } from '@pos/protocol';
import { DeviceBus } from '../../terminal/src/bus/device-bus.js';
import { CheckoutMachine } from '../../terminal/src/checkout/index.js';
import { createDevice } from '../../terminal/src/devices/device-factory.js';
import { deviceMapFromSimulator } from '../../terminal/src/devices/simulator-device-map.js';
import { ForecourtKiosk, KioskError, settledInJournal } from '../../terminal/src/forecourt/index.js';
import { LocalStore } from '../../terminal/src/store/index.js';
import { STORE_ID, T0_MS } from '../terminal/store/fixtures/records.js';

const FUEL: CatalogueItem[] = (['92', '95', '98', '0'] as const).map((g) => ({
  sku: `FUEL-${g}`, barcodes: [], name: { zh: `${g}号油`, en: `Fuel ${g}` }, unitPriceFen: 800, unit: 'litre', category: 'fuel', noDiscount: true, noPoints: false, pointsMultiplierPerMille: 1000,
}));

interface Till {
  id: string;
  dir: string;
  store: LocalStore;
  bus: DeviceBus;
  checkout: CheckoutMachine;
  kiosk: ForecourtKiosk;
}

async function till(sim: RunningSimulator, id: string): Promise<Till> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pos-kiosk-till-'));
  const store = LocalStore.open(path.join(dir, 'terminal.sqlite'));
  store.loadCatalogue(FUEL);
  const clock = { nowMs: () => T0_MS };
  const checkout = new CheckoutMachine({ store, clock, identity: { storeId: STORE_ID, terminalId: id, receiptPrefix: `${id.slice(-2)}-` }, verifyManagerPin: async () => null });
  const map = deviceMapFromSimulator(JSON.parse(JSON.stringify(sim.map)), { extra: () => ({ requestTimeoutMs: 1_000 }) });
  const bus = new DeviceBus();
  bus.add(createDevice(map.devices[0]!));
  const kiosk = new ForecourtKiosk({ bus, checkout, tillId: id });
  await bus.openAll();
  return { id, dir, store, bus, checkout, kiosk };
}

async function until<T>(what: string, probe: () => T | undefined | false | null, timeoutMs = 8_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const outcome = (p: Promise<unknown>) => p.then(() => 'ok', (e: KioskError) => e.causeCode ?? e.code);
const pumpOf = (t: Till, pumpNo: number, ok: (s: PumpStatus) => boolean) => () => {
  const p = t.kiosk.pump(pumpNo);
  return p && ok(p.status) ? p : undefined;
};
const payCash = (t: Till) => {
  expect(t.checkout.startTendering()).toEqual({ ok: true });
  expect(t.checkout.addTender({ kind: 'cash', amountFen: t.checkout.state.priced!.totals.payableFen })).toEqual({ ok: true });
  return t.checkout.state.committed!;
};

describe('settling pump deliveries at the kiosk', () => {
  let sim: RunningSimulator;
  let fcc: ForecourtController;
  let a: Till;
  let b: Till;

  beforeAll(async () => {
    sim = await startSimulator({ devices: [{ class: 'forecourt', id: 'fcc', pumpCount: 3, sampleMs: 20, speedFactor: 60, seed: 5 }] });
    fcc = sim.device('fcc', 'forecourt').controller;
    a = await till(sim, '01JTERM000000000000000000A');
    b = await till(sim, '01JTERM000000000000000000B');
    await until('both tills see the pumps', () => a.kiosk.pumps.length === 3 && b.kiosk.pumps.length === 3);
  }, 30_000);

  afterAll(async () => {
    for (const t of [a, b]) {
      if (!t) continue;
      t.kiosk.close();
      await t.bus.closeAll();
      t.checkout.close();
      t.store.close();
      rmSync(t.dir, { recursive: true, force: true });
    }
    await sim?.close();
  });

  it('refuses illegal commands: authorise a busy pump, settle a delivery that is still running or absent', async () => {
    expect(await outcome(a.kiosk.settle(1))).toBe('NO_TRANSACTION');
    await a.kiosk.authorize(1, { kind: 'volume', volumeMilliLitre: 10_000 });
    expect(await outcome(b.kiosk.authorize(1, { kind: 'full' }))).toBe('PUMP_BUSY');
    fcc.liftNozzle(1, 1);
    await until('fueling', pumpOf(a, 1, (s) => s.state === 'fueling'));
    expect(await outcome(a.kiosk.settle(1))).toBe('NOT_FINISHED');
    expect(await outcome(a.kiosk.authorize(1, { kind: 'full' }))).toBe('PUMP_BUSY');
    await until('finished', pumpOf(a, 1, (s) => s.state === 'finished'));
    fcc.hangUpNozzle(1);
    // preset by volume: the pump closes its valve on the preset, to the millilitre
    expect(a.kiosk.pump(1)!.status.transaction).toMatchObject({ volumeMilliLitre: 10_000, amountFen: 7_200, unitPriceFen: 720 });
  });

  it('two tills settle the same delivery at once: one wins, the other is refused; paid, the pump is released; a second settlement is refused', async () => {
    await until('b sees pump 1 finished', pumpOf(b, 1, (s) => s.state === 'finished'));
    const results = await Promise.all([outcome(a.kiosk.settle(1)), outcome(b.kiosk.settle(1))]);
    expect(results.sort()).toEqual(['TRANSACTION_LOCKED', 'ok']);
    const [winner, loser] = a.checkout.state.lines.length === 1 ? [a, b] : [b, a];
    expect(loser.checkout.state.lines).toEqual([]);
    // the same till pressing settle again: already in its sale
    expect(await outcome(winner.kiosk.settle(1))).toBe('PUMP_ALREADY_IN_SALE');
    expect(winner.checkout.state.lines).toHaveLength(1);
    expect(fcc.status(1).lockedBy).toBe(winner.id);
    const sale = payCash(winner);
    expect(sale.lines[0]).toMatchObject({ sku: 'FUEL-92', quantityMilli: 10_000, unitPriceFen: 720, grossFen: 7_200, fuel: { pumpNo: 1, nozzleNo: 1, grade: '92', incomplete: false } });
    await until('pump 1 released', pumpOf(loser, 1, (s) => s.state === 'idle' && s.transaction === null));
    expect(await outcome(loser.kiosk.settle(1))).toBe('NO_TRANSACTION');
    expect(await outcome(winner.kiosk.settle(1))).toBe('NO_TRANSACTION');
    // the controller is the arbiter even for a till that still believes the delivery is open
    const txId = sale.lines[0]!.fuel!.controllerTransactionId;
    await expect(loser.bus.send({ type: 'lockPumpTransaction', pumpNo: 1, transactionId: txId, tillId: loser.id })).rejects.toMatchObject({ code: 'UNKNOWN_TRANSACTION' });
    expect(winner.store.journal.saleById(sale.saleId)!.body.lines[0]!.fuel!.controllerTransactionId).toBe(txId);
    // no gateway here: journaled offline and waiting in the outbox like any shop sale
    expect(sale.offline).toBe(true);
    expect(winner.store.journal.pendingOutbox(50).some((e) => e.type === 'saleCommitted' && e.eventId === sale.eventId)).toBe(true);
  });

  it('a voided sale gives the delivery back, so another till can settle it', async () => {
    await a.kiosk.authorize(2, { kind: 'amount', amountFen: 5_000 });
    fcc.liftNozzle(2, 2);
    await until('finished', pumpOf(a, 2, (s) => s.state === 'finished'));
    fcc.hangUpNozzle(2);
    await a.kiosk.settle(2);
    expect(await outcome(b.kiosk.settle(2))).toBe('TRANSACTION_LOCKED');
    expect(a.checkout.voidSale()).toEqual({ ok: true });
    await until('unlocked', () => fcc.status(2).lockedBy === undefined);
    await b.kiosk.settle(2);
    const sale = payCash(b);
    // 50 yuan at 7.90/L: 6.329 L (50.0 → 50.00)
    expect(sale.lines[0]).toMatchObject({ quantityMilli: 6_329, grossFen: 5_000 });
    await until('pump 2 idle', pumpOf(a, 2, (s) => s.state === 'idle'));
  });

  it('stop, resume and emergency stop from the kiosk; two pumps settled in one sale, both released', async () => {
    await a.kiosk.authorize(1, { kind: 'full' });
    await a.kiosk.authorize(2, { kind: 'full' });
    fcc.liftNozzle(1, 2);
    fcc.liftNozzle(2, 4);
    await until('both fueling', () => pumpOf(a, 1, (s) => s.state === 'fueling')() && pumpOf(a, 2, (s) => s.state === 'fueling')());
    await a.kiosk.stop(1);
    await until('paused', pumpOf(a, 1, (s) => s.state === 'paused'));
    expect(await outcome(a.kiosk.stop(3))).toBe('NOT_AUTHORIZED');
    await a.kiosk.resume(1);
    await until('fueling again', pumpOf(a, 1, (s) => s.state === 'fueling'));
    await b.kiosk.emergencyStop();
    const one = await until('1 finished', pumpOf(a, 1, (s) => s.state === 'finished'));
    const two = await until('2 finished', pumpOf(a, 2, (s) => s.state === 'finished'));
    fcc.hangUpNozzle(1);
    fcc.hangUpNozzle(2);
    await a.kiosk.settle(1);
    await a.kiosk.settle(2);
    const sale = payCash(a);
    expect(sale.lines.map((l) => [l.sku, l.quantityMilli, l.grossFen, l.fuel!.pumpNo])).toEqual([
      ['FUEL-95', one.status.transaction!.volumeMilliLitre, one.status.transaction!.amountFen, 1],
      ['FUEL-0', two.status.transaction!.volumeMilliLitre, two.status.transaction!.amountFen, 2],
    ]);
    await until('both released', () => pumpOf(b, 1, (s) => s.state === 'idle')() && pumpOf(b, 2, (s) => s.state === 'idle')());
  });

  it('a pump offline mid-fueling: settled from the last reported figures, flagged, released when the pump is back', async () => {
    await a.kiosk.authorize(3, { kind: 'amount', amountFen: 30_000 });
    fcc.liftNozzle(3, 3);
    await until('fueling past 5 L', pumpOf(a, 3, (s) => s.state === 'fueling' && (s.transaction?.volumeMilliLitre ?? 0) > 5_000));
    fcc.pumpOffline(3);
    const cut = await until('offline', pumpOf(a, 3, (s) => s.state === 'offline'));
    expect(cut.incomplete).toBe(true);
    const last = cut.status.transaction!;
    await a.kiosk.settle(3);
    const sale: SaleCommittedBody = payCash(a);
    expect(sale.lines[0]).toMatchObject({
      sku: 'FUEL-98',
      quantityMilli: last.volumeMilliLitre,
      unitPriceFen: 880,
      grossFen: last.amountFen,
      fuel: { pumpNo: 3, nozzleNo: 3, grade: '98', controllerTransactionId: last.transactionId, incomplete: true },
    });
    expect(a.store.journal.saleById(sale.saleId)!.body.lines[0]!.fuel!.incomplete).toBe(true);
    // the pump cannot be released while it is offline; the other till cannot take it meanwhile
    expect(fcc.status(3)).toMatchObject({ state: 'offline', lockedBy: a.id });
    expect(await outcome(b.kiosk.settle(3))).toBe('TRANSACTION_LOCKED');
    fcc.pumpOnline(3);
    await until('pump 3 released once back', pumpOf(b, 3, (s) => s.state === 'idle' && s.transaction === null));
    // the figures the pump reported when it came back are the ones the sale was settled with
    expect(fcc.totalizers(3).find((t) => t.nozzleNo === 3)!.volumeMilliLitre).toBe(last.volumeMilliLitre);
  });

  it('a restarted till releases a delivery it had paid and gives back one it had not', async () => {
    const restarted = (checkout: CheckoutMachine) =>
      new ForecourtKiosk({ bus: a.bus, checkout, tillId: a.id, isSettled: (pumpNo, txId) => settledInJournal(a.store, pumpNo, txId) });
    // paid, but the pump went offline before it could be released; then the till restarts
    await a.kiosk.authorize(1, { kind: 'volume', volumeMilliLitre: 3_000 });
    fcc.liftNozzle(1, 1);
    await until('finished', pumpOf(a, 1, (s) => s.state === 'finished'));
    fcc.hangUpNozzle(1);
    await a.kiosk.settle(1);
    fcc.pumpOffline(1);
    await until('offline', pumpOf(a, 1, (s) => s.state === 'offline'));
    payCash(a);
    a.kiosk.close();
    const afterRestart = restarted(a.checkout);
    try {
      fcc.pumpOnline(1);
      await until('released after the restart', () => fcc.status(1).state === 'idle');
      expect(fcc.status(1)).toMatchObject({ transaction: null });
    } finally {
      afterRestart.close();
    }
    // in the basket, unpaid, when the till restarts with an empty basket: given back for another till
    const second = restarted(a.checkout);
    await second.authorize(2, { kind: 'volume', volumeMilliLitre: 2_000 });
    fcc.liftNozzle(2, 1);
    await until('finished', () => second.pump(2)?.status.state === 'finished');
    fcc.hangUpNozzle(2);
    await second.settle(2);
    expect(fcc.status(2).lockedBy).toBe(a.id);
    second.close();
    const freshCheckout = new CheckoutMachine({ store: a.store, clock: { nowMs: () => T0_MS }, identity: { storeId: STORE_ID, terminalId: a.id, receiptPrefix: 'A2-' }, verifyManagerPin: async () => null });
    const third = restarted(freshCheckout);
    try {
      fcc.pumpOffline(2); // any status change of the pump shows the restarted till its old lock
      await until('unlocked after the restart', () => fcc.status(2).lockedBy === undefined);
      fcc.pumpOnline(2);
      await until('b sees pump 2 to settle', pumpOf(b, 2, (s) => s.state === 'finished' && s.lockedBy === undefined));
      await b.kiosk.settle(2);
      expect(payCash(b).lines[0]).toMatchObject({ quantityMilli: 2_000 });
    } finally {
      third.close();
      freshCheckout.close();
    }
  });
});
