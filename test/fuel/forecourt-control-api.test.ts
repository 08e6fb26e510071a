// The simulator's control API drives the forecourt like a person at the pump (the kiosk's browser test will use it):
// nozzle lift and hang-up, a pump going offline and back, pump faults; /api/state lists the pumps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlServer, startSimulator, type ControlServer, type RunningSimulator } from '@pos/hardware-sim';

let sim: RunningSimulator;
let control: ControlServer;

beforeAll(async () => {
  sim = await startSimulator({ devices: [{ class: 'forecourt', id: 'fcc', pumpCount: 3, sampleMs: 1_000 }] });
  control = await startControlServer(sim);
});
afterAll(async () => {
  await control?.close();
  await sim?.close();
});

const act = (body: unknown) =>
  fetch(`${control.url}api/devices/fcc/actions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const pump = async (pumpNo: number) => {
  const state = (await (await fetch(`${control.url}api/state`)).json()) as { devices: Array<{ id: string; pumps: Array<{ pumpNo: number; state: string; nozzleNo: number | null; errorCode: string | null }> }> };
  return state.devices.find((d) => d.id === 'fcc')!.pumps.find((p) => p.pumpNo === pumpNo);
};

describe('forecourt control API', () => {
  it('lifts and hangs up a nozzle, takes a pump offline and back, raises and clears a fault', async () => {
    expect((await act({ action: 'nozzle', pumpNo: 3, nozzleNo: 2, lifted: true })).status).toBe(200);
    expect(await pump(3)).toEqual({ pumpNo: 3, state: 'calling', nozzleNo: 2, transaction: null, errorCode: null });
    expect((await act({ action: 'nozzle', pumpNo: 3, lifted: false })).status).toBe(200);
    expect((await pump(3))?.state).toBe('idle');
    await act({ action: 'pump-online', pumpNo: 2, online: false });
    expect((await pump(2))?.state).toBe('offline');
    await act({ action: 'pump-online', pumpNo: 2, online: true });
    expect((await pump(2))?.state).toBe('idle');
    await act({ action: 'pump-fault', pumpNo: 1, errorCode: 'E17' });
    expect(await pump(1)).toMatchObject({ state: 'error', errorCode: 'E17' });
    await act({ action: 'pump-fault', pumpNo: 1, errorCode: null });
    expect(await pump(1)).toMatchObject({ state: 'idle', errorCode: null });
  });

  it('refuses impossible actions with coded errors', async () => {
    const hangUpNone = await act({ action: 'nozzle', pumpNo: 1, lifted: false });
    expect(hangUpNone.status).toBe(409);
    expect(((await hangUpNone.json()) as { error: { code: string } }).error.code).toBe('BAD_INPUT');
    const noPump = await act({ action: 'nozzle', pumpNo: 9, lifted: true });
    expect(noPump.status).toBe(404);
    const bad = await act({ action: 'nozzle', pumpNo: 0, lifted: true });
    expect(bad.status).toBe(400);
  });
});
