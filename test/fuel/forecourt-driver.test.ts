// The terminal's forecourt driver against the simulated controller over its real transports (TCP, and a socat
// PTY opened with serialport), through the device bus: pump states, refusals, presets, prices, totalizers, faults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, fuelAmountFen, maxVolumeForAmount, type ForecourtController, type RunningSimulator } from '@pos/hardware-sim';
import { isLegalPumpTransition, type PumpState, type PumpStatus } from '@pos/protocol';
import { DeviceBus } from '../../terminal/src/bus/device-bus.js';
import { DeviceError } from '../../terminal/src/bus/device-error.js';
import type { DeviceEvent } from '../../terminal/src/bus/device-events.js';
import { createDevice } from '../../terminal/src/devices/device-factory.js';
import { deviceMapFromSimulator } from '../../terminal/src/devices/simulator-device-map.js';
import type { ForecourtDriver } from '../../terminal/src/devices/pump/forecourt-driver.js';

// 20 ms samples at 60× speed: 30–40 L/min delivers 600–800 mL per step, a 25-litre fill takes about 0.7 s.
const SAMPLE_MS = 20;
const SPEED = 60;
const MAX_STEP_ML = Math.ceil((40_000 * SAMPLE_MS * SPEED) / 60_000);
const PRICES = { '92': 720, '95': 790, '98': 880, '0': 750 } as const;

type PumpEvent = Extract<DeviceEvent, { type: 'pump' }>;

for (const transport of ['tcp', 'serial'] as const) {
  describe(`forecourt driver over ${transport}`, () => {
    let sim: RunningSimulator;
    let fcc: ForecourtController;
    let bus: DeviceBus;
    let driver: ForecourtDriver;
    const events: DeviceEvent[] = [];
    /** Finished transactions seen by the driver, for the totalizer check. */
    const finished = new Map<string, PumpStatus['transaction'] & object>();

    beforeAll(async () => {
      sim = await startSimulator({
        devices: [{ class: 'forecourt', id: 'fcc', pumpCount: 4, serial: transport === 'serial', sampleMs: SAMPLE_MS, speedFactor: SPEED, pricesFen: PRICES }],
      });
      fcc = sim.device('fcc', 'forecourt').controller;
      // the terminal reads the map the simulator prints, as `pos-sim start` users do
      const map = deviceMapFromSimulator(JSON.parse(JSON.stringify(sim.map)), {
        extra: () => ({ requestTimeoutMs: 1_000, backoff: { initialDelayMs: 20, maxDelayMs: 200 } }),
      });
      const entry = map.devices.find((d) => d.name === (transport === 'tcp' ? 'fcc' : 'fcc-serial'))!;
      expect([entry.deviceClass, entry.transport.kind]).toEqual(['forecourt', transport]);
      driver = createDevice(entry) as ForecourtDriver;
      bus = new DeviceBus();
      bus.add(driver);
      bus.events$.subscribe((e) => {
        events.push(e);
        if (e.type === 'pump' && e.status.state === 'finished' && e.status.transaction) finished.set(e.status.transaction.transactionId, e.status.transaction);
      });
      expect((await bus.openAll()).filter((o) => o.error)).toEqual([]);
      await untilPump(1, (s) => s.state === 'idle');
    }, 30_000);

    afterAll(async () => {
      await bus?.closeAll();
      await sim?.close();
    });

    const pumpEvents = (pumpNo: number, from = 0): PumpEvent[] =>
      events.slice(from).filter((e): e is PumpEvent => e.type === 'pump' && e.status.pumpNo === pumpNo);

    async function untilPump(pumpNo: number, ok: (s: PumpStatus, e: PumpEvent) => boolean, from = 0, timeoutMs = 5_000): Promise<PumpEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = pumpEvents(pumpNo, from).find((e) => ok(e.status, e));
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`pump ${pumpNo}: no matching event; saw ${pumpEvents(pumpNo, from).map((e) => e.status.state).join(',')}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    }

    async function refusal(command: unknown): Promise<string> {
      try {
        await bus.send(command);
      } catch (error) {
        expect(error).toBeInstanceOf(DeviceError);
        return (error as DeviceError).code;
      }
      throw new Error(`${JSON.stringify(command)} was accepted`);
    }

    /** States the driver reported for a pump since `from`, consecutive repeats (live samples) folded. */
    function stateWalk(pumpNo: number, from: number): PumpState[] {
      const walk: PumpState[] = [];
      for (const e of pumpEvents(pumpNo, from)) if (walk.at(-1) !== e.status.state) walk.push(e.status.state);
      return walk;
    }

    /** Waits for the pump's transaction started after `from` to finish, hangs up, and closes it (paid). */
    async function settle(pumpNo: number, from: number): Promise<NonNullable<PumpStatus['transaction']>> {
      const done = await untilPump(pumpNo, (s) => s.state === 'finished', from);
      const tx = done.status.transaction!;
      if (fcc.liftedNozzle(pumpNo) !== null) fcc.hangUpNozzle(pumpNo); // the driver puts the nozzle back, then pays
      const closing = events.length;
      await bus.send({ type: 'closePumpTransaction', pumpNo, transactionId: tx.transactionId });
      await untilPump(pumpNo, (s) => s.state === 'idle', closing);
      return tx;
    }

    it('walks a pump through calling, authorized, fueling, paused, fueling, finished and back to idle', async () => {
      const from = events.length;
      fcc.liftNozzle(1, 2); // 95#
      await untilPump(1, (s) => s.state === 'calling', from);
      await bus.send({ type: 'authorizePump', pumpNo: 1, preset: { kind: 'amount', amountFen: 20_000 } });
      await untilPump(1, (s) => s.state === 'fueling' && (s.transaction?.volumeMilliLitre ?? 0) > 2_000, from);
      await bus.send({ type: 'stopPump', pumpNo: 1 });
      const paused = await untilPump(1, (s) => s.state === 'paused', from);
      await new Promise((r) => setTimeout(r, SAMPLE_MS * 4));
      expect(fcc.status(1).transaction!.volumeMilliLitre).toBe(paused.status.transaction!.volumeMilliLitre); // no flow while paused
      await bus.send({ type: 'resumePump', pumpNo: 1 });
      const tx = await settle(1, from);
      expect(stateWalk(1, from)).toEqual(['calling', 'authorized', 'fueling', 'paused', 'fueling', 'finished', 'idle']);
      // amount preset: the largest volume whose amount does not pass ¥200, to the fen
      expect(tx).toMatchObject({ nozzleNo: 2, grade: '95', unitPriceFen: 790, volumeMilliLitre: maxVolumeForAmount(20_000, 790), amountFen: 20_000 });
      expect(tx.volumeMilliLitre).toBe(25_317);
    });

    it('pre-authorises before the nozzle is lifted; hanging up mid-delivery finishes with what was delivered', async () => {
      const from = events.length;
      await bus.send({ type: 'authorizePump', pumpNo: 2, nozzleNo: 1, preset: { kind: 'full' } });
      await untilPump(2, (s) => s.state === 'authorized', from);
      fcc.liftNozzle(2, 1);
      const live = await untilPump(2, (s) => s.state === 'fueling' && (s.transaction?.volumeMilliLitre ?? 0) > 3_000, from);
      fcc.hangUpNozzle(2);
      const done = await untilPump(2, (s) => s.state === 'finished', from);
      const tx = done.status.transaction!;
      expect(tx.volumeMilliLitre).toBeGreaterThanOrEqual(live.status.transaction!.volumeMilliLitre);
      expect(tx.amountFen).toBe(fuelAmountFen(tx.volumeMilliLitre, 720));
      await bus.send({ type: 'closePumpTransaction', pumpNo: 2, transactionId: tx.transactionId });
      await untilPump(2, (s) => s.state === 'idle', from);
      expect(stateWalk(2, from)).toEqual(['authorized', 'fueling', 'finished', 'idle']);
    });

    it('returns to idle from calling (hang up), authorized (stop) and error (fault cleared); every reported step is legal', async () => {
      const from = events.length;
      fcc.liftNozzle(3, 1);
      await untilPump(3, (s) => s.state === 'calling', from);
      fcc.hangUpNozzle(3);
      await untilPump(3, (s) => s.state === 'idle', from);
      await bus.send({ type: 'authorizePump', pumpNo: 3, preset: { kind: 'volume', volumeMilliLitre: 5_000 } });
      await bus.send({ type: 'stopPump', pumpNo: 3 });
      fcc.pumpFault(3, 'E17 pulser');
      const error = await untilPump(3, (s) => s.state === 'error', from);
      expect(error.status.errorCode).toBe('E17 pulser');
      // Each step waits until the driver has reported it: back-to-back changes on a loaded machine
      // could otherwise be folded into one status report by the controller's sampling.
      fcc.clearFault(3);
      await untilPump(3, (s, e) => s.state === 'idle' && pumpEvents(3, from).indexOf(e) > 4, from);
      fcc.pumpOffline(3);
      await untilPump(3, (s) => s.state === 'offline', from);
      fcc.pumpOnline(3);
      await untilPump(3, (s, e) => s.state === 'idle' && pumpEvents(3, from).indexOf(e) > 6, from);
      expect(stateWalk(3, from)).toEqual(['calling', 'idle', 'authorized', 'idle', 'error', 'idle', 'offline', 'idle']);
      const all = pumpEvents(3, 0).map((e) => e.status.state);
      for (let i = 1; i < all.length; i++) expect(isLegalPumpTransition(all[i - 1]!, all[i]!), `${all[i - 1]} → ${all[i]}`).toBe(true);
    });

    it('refuses illegal commands with typed errors', async () => {
      await bus.send({ type: 'authorizePump', pumpNo: 4, preset: { kind: 'volume', volumeMilliLitre: 30_000 } });
      expect(await refusal({ type: 'authorizePump', pumpNo: 4, preset: { kind: 'full' } })).toBe('PUMP_BUSY'); // authorized
      fcc.liftNozzle(4, 4);
      const live = await untilPump(4, (s) => s.state === 'fueling');
      const txId = live.status.transaction!.transactionId;
      expect(await refusal({ type: 'authorizePump', pumpNo: 4, preset: { kind: 'full' } })).toBe('PUMP_BUSY'); // fueling
      expect(await refusal({ type: 'closePumpTransaction', pumpNo: 4, transactionId: txId })).toBe('NOT_FINISHED');
      expect(await refusal({ type: 'resumePump', pumpNo: 4 })).toBe('NOT_AUTHORIZED'); // not paused
      await bus.send({ type: 'stopPump', pumpNo: 4 });
      expect(await refusal({ type: 'authorizePump', pumpNo: 4, preset: { kind: 'full' } })).toBe('PUMP_BUSY'); // paused
      await bus.send({ type: 'resumePump', pumpNo: 4 });
      await untilPump(4, (s) => s.state === 'finished');
      expect(await refusal({ type: 'authorizePump', pumpNo: 4, preset: { kind: 'full' } })).toBe('PUMP_BUSY'); // finished, unpaid
      expect(await refusal({ type: 'closePumpTransaction', pumpNo: 4, transactionId: 'P4-999999' })).toBe('UNKNOWN_TRANSACTION');
      fcc.hangUpNozzle(4);
      await bus.send({ type: 'closePumpTransaction', pumpNo: 4, transactionId: txId });
      expect(await refusal({ type: 'closePumpTransaction', pumpNo: 4, transactionId: txId })).toBe('UNKNOWN_TRANSACTION'); // settled twice
      expect(await refusal({ type: 'stopPump', pumpNo: 4 })).toBe('NOT_AUTHORIZED'); // idle
      expect(await refusal({ type: 'authorizePump', pumpNo: 9, preset: { kind: 'full' } })).toBe('UNKNOWN_PUMP');
      expect(await refusal({ type: 'authorizePump', pumpNo: 4, nozzleNo: 7, preset: { kind: 'full' } })).toBe('INVALID_PRESET');
      expect(await refusal({ type: 'authorizePump', pumpNo: 4, preset: { kind: 'amount', amountFen: -5 } })).toBe('UNSUPPORTED_COMMAND'); // bus schema
      fcc.pumpOffline(4);
      expect(await refusal({ type: 'authorizePump', pumpNo: 4, preset: { kind: 'full' } })).toBe('PUMP_OFFLINE');
      expect(await refusal({ type: 'readTotalizers', pumpNo: 4 })).toBe('PUMP_OFFLINE');
      fcc.pumpOnline(4);
    });

    it('stops volume presets exactly on the preset, within one sampling step of the last live figure', async () => {
      const from = events.length;
      fcc.liftNozzle(1, 1); // 92#
      await bus.send({ type: 'authorizePump', pumpNo: 1, preset: { kind: 'volume', volumeMilliLitre: 10_000 } });
      const tx = await settle(1, from);
      expect(tx).toMatchObject({ grade: '92', volumeMilliLitre: 10_000, amountFen: 7_200 });
      const live = pumpEvents(1, from).filter((e) => e.status.state === 'fueling' && e.status.transaction?.transactionId === tx.transactionId);
      const lastLive = live.at(-1)!.status.transaction!.volumeMilliLitre;
      expect(10_000 - lastLive).toBeGreaterThan(0);
      expect(10_000 - lastLive).toBeLessThanOrEqual(MAX_STEP_ML);
      // live samples arrive at each step and only grow
      const volumes = live.map((e) => e.status.transaction!.volumeMilliLitre);
      expect(volumes.length).toBeGreaterThanOrEqual(Math.floor(10_000 / MAX_STEP_ML));
      expect([...volumes].sort((a, b) => a - b)).toEqual(volumes);
    });

    it('applies a price change to the next transaction only', async () => {
      const from = events.length;
      fcc.liftNozzle(2, 3); // 98#
      await bus.send({ type: 'authorizePump', pumpNo: 2, preset: { kind: 'volume', volumeMilliLitre: 8_000 } });
      await untilPump(2, (s) => s.state === 'fueling', from);
      await bus.send({ type: 'setFuelPrices', prices: [{ grade: '98', unitPriceFen: 901 }] });
      const first = await settle(2, from);
      expect(first).toMatchObject({ unitPriceFen: 880, volumeMilliLitre: 8_000, amountFen: 7_040 });
      const next = events.length;
      fcc.liftNozzle(2, 3);
      await bus.send({ type: 'authorizePump', pumpNo: 2, preset: { kind: 'volume', volumeMilliLitre: 1_234 } });
      const second = await settle(2, next);
      expect(second).toMatchObject({ unitPriceFen: 901, volumeMilliLitre: 1_234, amountFen: 1_112 }); // 1111.834 → 1112
      await bus.send({ type: 'setFuelPrices', prices: [{ grade: '98', unitPriceFen: 880 }] });
    });

    it('emergency stop finishes every delivery with its figures so far', async () => {
      const from = events.length;
      fcc.liftNozzle(1, 2);
      fcc.liftNozzle(3, 4);
      await bus.send({ type: 'authorizePump', pumpNo: 1, preset: { kind: 'full' } });
      await bus.send({ type: 'authorizePump', pumpNo: 3, preset: { kind: 'full' } });
      await untilPump(1, (s) => s.state === 'fueling', from);
      await untilPump(3, (s) => s.state === 'fueling', from);
      await bus.send({ type: 'emergencyStop' });
      const one = await untilPump(1, (s) => s.state === 'finished', from);
      const three = await untilPump(3, (s) => s.state === 'finished', from);
      await new Promise((r) => setTimeout(r, SAMPLE_MS * 3));
      expect(fcc.status(1).transaction).toEqual(one.status.transaction);
      expect(fcc.status(3).transaction).toEqual(three.status.transaction);
      await settle(1, from);
      await settle(3, from);
    });

    it('keeps the last reported figures of a pump that goes offline mid-fueling, flagged, and lets it be closed', async () => {
      const from = events.length;
      fcc.liftNozzle(2, 2);
      await bus.send({ type: 'authorizePump', pumpNo: 2, preset: { kind: 'amount', amountFen: 30_000 } });
      const live = await untilPump(2, (s) => s.state === 'fueling' && (s.transaction?.volumeMilliLitre ?? 0) > 5_000, from);
      fcc.pumpOffline(2);
      const offline = await untilPump(2, (s) => s.state === 'offline', from);
      const lastLive = pumpEvents(2, from).filter((e) => e.status.state === 'fueling').at(-1)!;
      expect(offline.incomplete).toBe(true);
      expect(offline.status.transaction).toEqual(lastLive.status.transaction);
      expect(offline.status.transaction!.volumeMilliLitre).toBeGreaterThanOrEqual(live.status.transaction!.volumeMilliLitre);
      expect(offline.status.transaction!.amountFen).toBeLessThan(30_000);
      expect(driver.pumpStatuses().find((p) => p.status.pumpNo === 2)).toEqual({ status: offline.status, incomplete: true });
      expect(await refusal({ type: 'closePumpTransaction', pumpNo: 2, transactionId: offline.status.transaction!.transactionId })).toBe('PUMP_OFFLINE');
      fcc.pumpOnline(2);
      const done = await untilPump(2, (s) => s.state === 'finished', from);
      expect(done.incomplete).toBe(true);
      expect(done.status.transaction).toEqual(offline.status.transaction);
      await bus.send({ type: 'closePumpTransaction', pumpNo: 2, transactionId: done.status.transaction!.transactionId });
      const idle = await untilPump(2, (s) => s.state === 'idle', from);
      expect(idle.incomplete).toBe(false);
    });

    it('totalizers only grow and equal the sum of finished transactions per nozzle, to the millilitre and the fen', async () => {
      for (const pumpNo of [1, 2, 3, 4]) {
        const from = events.length;
        await bus.send({ type: 'readTotalizers', pumpNo });
        const read = events.slice(from).find((e): e is Extract<DeviceEvent, { type: 'pumpTotalizers' }> => e.type === 'pumpTotalizers' && e.pumpNo === pumpNo)!;
        const prefix = `P${pumpNo}-`;
        const expected = [1, 2, 3, 4].map((nozzleNo) => {
          const txs = [...finished.values()].filter((t) => t.transactionId.startsWith(prefix) && t.nozzleNo === nozzleNo);
          return {
            nozzleNo,
            grade: (['92', '95', '98', '0'] as const)[nozzleNo - 1],
            volumeMilliLitre: txs.reduce((sum, t) => sum + t.volumeMilliLitre, 0),
            amountFen: txs.reduce((sum, t) => sum + t.amountFen, 0),
          };
        });
        expect(read.totalizers).toEqual(expected);
      }
      // one more fill on pump 1 nozzle 1: every counter of that nozzle grows by exactly the fill
      const before = await driver.readTotalizers(1);
      const from = events.length;
      fcc.liftNozzle(1, 1);
      await bus.send({ type: 'authorizePump', pumpNo: 1, preset: { kind: 'amount', amountFen: 5_000 } });
      const tx = await settle(1, from);
      const after = await driver.readTotalizers(1);
      expect(after[0]!.volumeMilliLitre - before[0]!.volumeMilliLitre).toBe(tx.volumeMilliLitre);
      expect(after[0]!.amountFen - before[0]!.amountFen).toBe(tx.amountFen);
      expect(after.slice(1)).toEqual(before.slice(1));
    });

    it('survives line noise from the controller and a lost link: pending requests fail, the driver reconnects and resyncs', async () => {
      const from = events.length;
      let seed = 11;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      let nonBlank = 0;
      for (let i = 0; i < 50; i++) {
        const noise = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 60) }, () => 0x20 + Math.floor(rnd() * 200)));
        if (noise.toString('utf8').replace(/\r$/, '').trim() !== '') nonBlank++;
        fcc.injectNoise(Buffer.concat([noise, Buffer.from('\n')]));
      }
      expect((await driver.getStatus(1))[0]!.state).toBe('idle');
      const badFrames = events.slice(from).filter((e) => e.type === 'deviceError' && e.code === 'BAD_FRAME');
      expect(badFrames.length).toBe(nonBlank); // one per noise line; blank lines are skipped like keep-alives

      // a hung link: requests time out, and at most 32 wait at once (the 33rd fails at once)
      fcc.setSilent(true);
      const waiting = Array.from({ length: 32 }, () => driver.getStatus(1).then(() => 'answered', (error: DeviceError) => error.code));
      expect(await refusal({ type: 'readTotalizers', pumpNo: 1 })).toBe('TOO_MANY_REQUESTS');
      expect(new Set(await Promise.all(waiting))).toEqual(new Set(['STATUS_TIMEOUT']));
      expect(await refusal({ type: 'readTotalizers', pumpNo: 1 })).toBe('STATUS_TIMEOUT');
      fcc.setSilent(false);

      // a cut link while a delivery runs: the driver detaches, reconnects, and learns the new state
      fcc.liftNozzle(3, 1);
      await bus.send({ type: 'authorizePump', pumpNo: 3, preset: { kind: 'volume', volumeMilliLitre: 6_000 } });
      const cut = events.length;
      fcc.setSilent(true);
      const inFlight = driver.readTotalizers(3).then(() => 'answered', (error: DeviceError) => error.code);
      await new Promise((r) => setTimeout(r, 100)); // the request is on the wire, waiting for its reply
      await sim.unplug('fcc');
      expect(await inFlight).toBe('TRANSPORT_LOST');
      fcc.setSilent(false);
      await sim.replug('fcc');
      const deadline = Date.now() + 10_000;
      while (!events.slice(cut).some((e) => e.type === 'deviceAttached') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(events.slice(cut).map((e) => e.type)).toContain('deviceDetached');
      const resynced = await untilPump(3, (s) => s.state === 'finished', cut, 10_000);
      expect(resynced.status.transaction).toMatchObject({ volumeMilliLitre: 6_000, amountFen: 4_320 });
      expect(driver.health().attachCount).toBe(2);
      await settle(3, cut);
    });
  });
}
