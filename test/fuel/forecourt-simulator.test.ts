// The simulated forecourt controller on its TCP port, spoken to with a raw socket: framing, refusals,
// bad frames, amounts to the fen, and the controller surviving garbage.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, fuelAmountFen, maxVolumeForAmount, type RunningSimulator } from '@pos/hardware-sim';
import { parseForecourtMessage, type ForecourtMessage } from '@pos/protocol';

let sim: RunningSimulator;
let socket: net.Socket;
const inbox: ForecourtMessage[] = [];
const rawLines: string[] = [];

beforeAll(async () => {
  sim = await startSimulator({ devices: [{ class: 'forecourt', id: 'fcc', pumpCount: 2, sampleMs: 10, speedFactor: 60 }] });
  const [host, port] = sim.map.devices[0]!.address.split(':');
  socket = net.createConnection({ host: host!, port: Number(port) });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  let buffered = '';
  socket.on('data', (chunk) => {
    buffered += chunk.toString('utf8');
    let lf: number;
    while ((lf = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, lf);
      buffered = buffered.slice(lf + 1);
      rawLines.push(line);
      const parsed = parseForecourtMessage(line);
      if (!parsed.ok) throw new Error(`controller sent an invalid frame: ${parsed.message}`);
      inbox.push(parsed.value);
    }
  });
});

afterAll(async () => {
  socket?.destroy();
  await sim?.close();
});

async function reply(id: number, timeoutMs = 2_000): Promise<ForecourtMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = inbox.find((m) => m.type !== 'pumpStatus' && m.id === id);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no reply to ${id}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
const send = (line: string) => socket.write(`${line}\n`);

describe('forecourt controller simulator', () => {
  it('computes amounts with round half up and stops amount presets at the largest affordable volume', () => {
    expect(fuelAmountFen(25316, 790)).toBe(20000); // 19 999.64 fen
    expect(fuelAmountFen(1500, 3)).toBe(5); // 4.5 → 5
    expect(fuelAmountFen(1499, 3)).toBe(4); // 4.497 → 4
    expect(maxVolumeForAmount(20000, 790)).toBe(25317); // 25317 × 7.90 = 20 000.43 fen → 20 000; 25318 → 20 001
    expect(fuelAmountFen(25318, 790)).toBe(20001);
  });

  it('answers getStatus for every pump with their ids echoed', async () => {
    send('{"id":1,"type":"getStatus","data":{}}');
    const r = await reply(1);
    expect(r).toEqual({
      id: 1,
      type: 'result',
      data: {
        pumps: [
          { pumpNo: 1, state: 'idle', nozzleNo: null, transaction: null, errorCode: null },
          { pumpNo: 2, state: 'idle', nozzleNo: null, transaction: null, errorCode: null },
        ],
      },
    });
  });

  it.each([
    ['not json', 'hello', 0, 'frame is not valid JSON'],
    ['unknown type', '{"id":5,"type":"explode","data":{}}', 5, undefined],
    ['pump 0', '{"id":6,"type":"stop","data":{"pumpNo":0}}', 6, undefined],
    ['negative preset', '{"id":7,"type":"authorize","data":{"pumpNo":1,"preset":{"kind":"amount","amountFen":-1}}}', 7, undefined],
  ])('answers a bad frame (%s) with BAD_FRAME and the readable id', async (_name, line, id, message) => {
    send(line);
    const r = await reply(id);
    expect(r.type).toBe('error');
    if (r.type !== 'error') return;
    expect(r.code).toBe('BAD_FRAME');
    if (message) expect(r.message).toBe(message);
    inbox.splice(inbox.indexOf(r), 1);
  });

  it('refuses an unknown pump and a preset that buys nothing', async () => {
    send('{"id":10,"type":"authorize","data":{"pumpNo":9,"preset":{"kind":"full"}}}');
    send('{"id":11,"type":"authorize","data":{"pumpNo":1,"preset":{"kind":"amount","amountFen":0}}}');
    send('{"id":12,"type":"authorize","data":{"pumpNo":1,"preset":{"kind":"volume","volumeMilliLitre":1000000}}}');
    expect(await reply(10)).toEqual({ id: 10, type: 'error', code: 'UNKNOWN_PUMP', message: 'no pump 9' });
    expect(await reply(11)).toMatchObject({ id: 11, type: 'error', code: 'BAD_FRAME' }); // amountFen min 1 in the schema
    expect(await reply(12)).toEqual({ id: 12, type: 'error', code: 'INVALID_PRESET', message: 'volume preset above 999000 mL' });
  });

  it('survives 300 random garbage lines and an overlong line, and still answers', async () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const before = inbox.length;
    let nonBlank = 0;
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 80) }, () => Math.floor(rnd() * 256)).filter((b) => b !== 0x0a));
      if (bytes.toString('utf8').replace(/\r$/, '').trim() !== '') nonBlank++;
      socket.write(Buffer.concat([bytes, Buffer.from('\n')]));
    }
    socket.write(Buffer.alloc(70 * 1024, 0x41));
    socket.write('\n');
    send('{"id":20,"type":"getStatus","data":{"pumpNo":2}}');
    const r = await reply(20, 5_000);
    expect(r).toMatchObject({ id: 20, type: 'result', data: { pumps: [{ pumpNo: 2, state: 'idle' }] } });
    const errors = inbox.slice(before).filter((m) => m.type === 'error');
    // blank garbage lines are skipped; every other line got exactly one BAD_FRAME, plus one for the overlong line
    expect(errors.every((m) => m.type === 'error' && m.code === 'BAD_FRAME')).toBe(true);
    expect(errors.length).toBe(nonBlank + 1);
    expect(errors.filter((m) => m.type === 'error' && m.message === 'frame exceeds 65536 bytes')).toHaveLength(1);
  });
});
