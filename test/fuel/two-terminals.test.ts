// Two terminals (two drivers, two TCP connections) on one forecourt controller: both see every pump status,
// simultaneous authorisations and releases of the same pump are decided by the controller, exactly one wins.
// Settling exactly once: the controller is the arbiter (lockTransaction by till id; the other till is refused).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, fuelAmountFen, type ForecourtController, type RunningSimulator } from '@pos/hardware-sim';
import type { PumpStatus } from '@pos/protocol';
import { DeviceBus } from '../../terminal/src/bus/device-bus.js';
import type { DeviceError } from '../../terminal/src/bus/device-error.js';
import type { DeviceEvent } from '../../terminal/src/bus/device-events.js';
import { createDevice } from '../../terminal/src/devices/device-factory.js';
import { deviceMapFromSimulator } from '../../terminal/src/devices/simulator-device-map.js';

type PumpEvent = Extract<DeviceEvent, { type: 'pump' }>;

async function seededSim(seed: number): Promise<RunningSimulator> {
  return startSimulator({ devices: [{ class: 'forecourt', id: 'fcc', pumpCount: 2, sampleMs: 20, speedFactor: 60, seed }] });
}

function till(sim: RunningSimulator): { bus: DeviceBus; events: DeviceEvent[] } {
  const map = deviceMapFromSimulator(JSON.parse(JSON.stringify(sim.map)), { extra: () => ({ requestTimeoutMs: 1_000 }) });
  const bus = new DeviceBus();
  bus.add(createDevice(map.devices[0]!));
  const events: DeviceEvent[] = [];
  bus.events$.subscribe((e) => events.push(e));
  return { bus, events };
}

async function until(events: DeviceEvent[], ok: (s: PumpStatus) => boolean, from = 0, timeoutMs = 5_000): Promise<PumpEvent> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = events.slice(from).find((e): e is PumpEvent => e.type === 'pump' && ok(e.status));
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error('no matching pump event');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const outcome = (p: Promise<unknown>) => p.then(() => 'ok', (error: DeviceError) => error.code);

describe('two terminals on one forecourt controller', () => {
  let sim: RunningSimulator;
  let fcc: ForecourtController;
  let a: ReturnType<typeof till>;
  let b: ReturnType<typeof till>;

  beforeAll(async () => {
    sim = await seededSim(42);
    fcc = sim.device('fcc', 'forecourt').controller;
    a = till(sim);
    b = till(sim);
    await a.bus.openAll();
    await b.bus.openAll();
  });
  afterAll(async () => {
    await a?.bus.closeAll();
    await b?.bus.closeAll();
    await sim?.close();
  });

  it('one of two simultaneous authorisations wins, both tills watch the fill, one of two releases wins', async () => {
    fcc.liftNozzle(1, 2);
    const results = await Promise.all([
      outcome(a.bus.send({ type: 'authorizePump', pumpNo: 1, preset: { kind: 'full' } })),
      outcome(b.bus.send({ type: 'authorizePump', pumpNo: 1, preset: { kind: 'full' } })),
    ]);
    expect(results.sort()).toEqual(['PUMP_BUSY', 'ok']);
    // full tank: the nozzle's automatic shut-off ends the fill between 25 and 60 litres, no hang-up needed
    const seenByA = await until(a.events, (s) => s.state === 'finished');
    const seenByB = await until(b.events, (s) => s.state === 'finished');
    expect(seenByB.status).toEqual(seenByA.status);
    const tx = seenByA.status.transaction!;
    expect(tx.volumeMilliLitre).toBeGreaterThanOrEqual(25_000);
    expect(tx.volumeMilliLitre).toBeLessThanOrEqual(60_000);
    expect(tx.amountFen).toBe(fuelAmountFen(tx.volumeMilliLitre, 790));
    fcc.hangUpNozzle(1);
    const releases = await Promise.all([
      outcome(a.bus.send({ type: 'closePumpTransaction', pumpNo: 1, transactionId: tx.transactionId })),
      outcome(b.bus.send({ type: 'closePumpTransaction', pumpNo: 1, transactionId: tx.transactionId })),
    ]);
    expect(releases.sort()).toEqual(['UNKNOWN_TRANSACTION', 'ok']);
    await until(a.events, (s) => s.state === 'idle' && s.pumpNo === 1, a.events.length - 3);
    await until(b.events, (s) => s.state === 'idle' && s.pumpNo === 1, b.events.length - 3);
  });

  it('settling: one of two simultaneous locks wins, the other till can neither close nor lock it, settle twice is refused', async () => {
    const from = a.events.length;
    fcc.liftNozzle(2, 2);
    await a.bus.send({ type: 'authorizePump', pumpNo: 2, preset: { kind: 'volume', volumeMilliLitre: 5_000 } });
    const fueling = await until(a.events, (s) => s.pumpNo === 2 && s.state === 'fueling', from);
    const txId = fueling.status.transaction!.transactionId;
    // a delivery in progress cannot be claimed
    expect(await outcome(a.bus.send({ type: 'lockPumpTransaction', pumpNo: 2, transactionId: txId, tillId: 'till-a' }))).toBe('NOT_FINISHED');
    await until(a.events, (s) => s.pumpNo === 2 && s.state === 'finished', from);
    fcc.hangUpNozzle(2);
    const locks = await Promise.all([
      outcome(a.bus.send({ type: 'lockPumpTransaction', pumpNo: 2, transactionId: txId, tillId: 'till-a' })),
      outcome(b.bus.send({ type: 'lockPumpTransaction', pumpNo: 2, transactionId: txId, tillId: 'till-b' })),
    ]);
    expect(locks.sort()).toEqual(['TRANSACTION_LOCKED', 'ok']);
    const [winner, loser] = fcc.status(2).lockedBy === 'till-a' ? [{ t: a, id: 'till-a' }, { t: b, id: 'till-b' }] : [{ t: b, id: 'till-b' }, { t: a, id: 'till-a' }];
    // both tills see who holds it
    await until(loser.t.events, (s) => s.pumpNo === 2 && s.lockedBy === winner.id, from);
    expect(await outcome(loser.t.bus.send({ type: 'closePumpTransaction', pumpNo: 2, transactionId: txId, tillId: loser.id }))).toBe('TRANSACTION_LOCKED');
    expect(await outcome(loser.t.bus.send({ type: 'closePumpTransaction', pumpNo: 2, transactionId: txId }))).toBe('TRANSACTION_LOCKED');
    expect(await outcome(loser.t.bus.send({ type: 'unlockPumpTransaction', pumpNo: 2, transactionId: txId, tillId: loser.id }))).toBe('TRANSACTION_LOCKED');
    // the holder may lock again (a retry), give it back, and the other till may then take it
    expect(await outcome(winner.t.bus.send({ type: 'lockPumpTransaction', pumpNo: 2, transactionId: txId, tillId: winner.id }))).toBe('ok');
    expect(await outcome(winner.t.bus.send({ type: 'unlockPumpTransaction', pumpNo: 2, transactionId: txId, tillId: winner.id }))).toBe('ok');
    expect(fcc.status(2).lockedBy).toBeUndefined();
    expect(await outcome(loser.t.bus.send({ type: 'lockPumpTransaction', pumpNo: 2, transactionId: txId, tillId: loser.id }))).toBe('ok');
    expect(await outcome(loser.t.bus.send({ type: 'closePumpTransaction', pumpNo: 2, transactionId: txId, tillId: loser.id }))).toBe('ok');
    // settled: a second settlement from either till is refused
    expect(await outcome(winner.t.bus.send({ type: 'lockPumpTransaction', pumpNo: 2, transactionId: txId, tillId: winner.id }))).toBe('UNKNOWN_TRANSACTION');
    expect(await outcome(loser.t.bus.send({ type: 'closePumpTransaction', pumpNo: 2, transactionId: txId, tillId: loser.id }))).toBe('UNKNOWN_TRANSACTION');
    expect(fcc.status(2)).toMatchObject({ state: 'idle', transaction: null });
  });

  it('a seeded simulator repeats a full-tank fill to the millilitre', async () => {
    const volumes: number[] = [];
    for (let run = 0; run < 2; run++) {
      const other = await seededSim(7);
      const t = till(other);
      try {
        await t.bus.openAll();
        other.device('fcc', 'forecourt').controller.liftNozzle(2, 1);
        await t.bus.send({ type: 'authorizePump', pumpNo: 2, preset: { kind: 'full' } });
        volumes.push((await until(t.events, (s) => s.state === 'finished')).status.transaction!.volumeMilliLitre);
      } finally {
        await t.bus.closeAll();
        await other.close();
      }
    }
    expect(volumes[1]).toBe(volumes[0]);
    expect(volumes[0]).toBeGreaterThanOrEqual(25_000);
  });
});
