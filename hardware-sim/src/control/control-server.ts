// The technicians' control page and its JSON API: every virtual device with its state and
// buttons (scan, swipe, tap, drawer, paper out, cover, unplug…), and the printed receipts as PNGs.
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { z } from 'zod';
import { chineseSaleReceipt } from '../escpos/demo-receipt.js';
import { statusByte, type PrinterState } from '../escpos/printer-status.js';
import { syntheticCardNumber } from '../devices/test-cards.js';
import { SimError } from '../sim-error.js';
import type { RunningSimulator } from '../simulator.js';
import { controlPageHtml } from './control-page.js';

const MAX_BODY_BYTES = 16 * 1024;
const RECEIPTS_LISTED = 20;

export const DeviceActionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('scan'), code: z.string().min(1).max(128) }),
  z.object({ action: z.literal('swipe'), cardSerial: z.number().int().min(0).max(999_999_999).default(1), name: z.string().min(2).max(26).default('TEST/CARD') }),
  z.object({ action: z.literal('tap'), uid: z.string().regex(/^([0-9a-fA-F]{2}){4,10}$/) }),
  z.object({ action: z.literal('unplug') }),
  z.object({ action: z.literal('replug') }),
  z.object({ action: z.literal('garbage') }),
  z.object({ action: z.literal('print-demo') }),
  z.object({ action: z.literal('paper'), out: z.boolean() }),
  z.object({ action: z.literal('cover'), open: z.boolean() }),
  z.object({ action: z.literal('online'), online: z.boolean() }),
  z.object({ action: z.literal('slow'), lineDelayMs: z.number().int().min(0).max(2000) }),
  z.object({ action: z.literal('drawer'), open: z.boolean() }),
  // forecourt controller: the driver at the pump, and pump or link faults
  z.object({ action: z.literal('nozzle'), pumpNo: z.number().int().min(1).max(99), nozzleNo: z.number().int().min(1).max(9).default(1), lifted: z.boolean() }),
  z.object({ action: z.literal('pump-online'), pumpNo: z.number().int().min(1).max(99), online: z.boolean() }),
  z.object({ action: z.literal('pump-fault'), pumpNo: z.number().int().min(1).max(99), errorCode: z.string().min(1).max(64).nullable() }),
  z.object({ action: z.literal('link-silent'), silent: z.boolean() }),
]);
export type DeviceAction = z.output<typeof DeviceActionSchema>;

class HttpError extends Error {
  constructor(readonly status: 400 | 404 | 413, readonly code: string, message: string, readonly field?: string) {
    super(message);
  }
}

export interface ControlServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Applies one action to a device (shared by the page's API and anyone driving the simulator). */
export async function performAction(sim: RunningSimulator, deviceId: string, action: DeviceAction): Promise<void> {
  const d = sim.devices.get(deviceId);
  if (!d) throw new HttpError(404, 'DEVICE_NOT_FOUND', `no device ${deviceId}`);
  switch (action.action) {
    case 'scan':
      return sim.device(deviceId, 'scanner').device.scan(action.code);
    case 'swipe':
      return sim.device(deviceId, 'magstripe').device.swipe({ pan: syntheticCardNumber(action.cardSerial), name: action.name, expiryYymm: '3012', serviceCode: '101', discretionary: '' });
    case 'tap':
      return sim.device(deviceId, 'rfid').device.tap(action.uid);
    case 'unplug':
      return sim.unplug(deviceId);
    case 'replug':
      return sim.replug(deviceId);
    case 'garbage':
      return sim.garbage(deviceId, Uint8Array.from({ length: 8 }, (_, i) => (i * 37 + 0x80) & 0xff));
    case 'print-demo': {
      const { printer } = sim.device(deviceId, 'printer');
      printer.openSession(() => undefined).write(chineseSaleReceipt());
      return;
    }
    case 'paper':
      return sim.device(deviceId, 'printer').printer.setFaults({ paperOut: action.out, paperNearEnd: action.out });
    case 'cover':
      return sim.device(deviceId, 'printer').printer.setFaults({ coverOpen: action.open });
    case 'online':
      return sim.device(deviceId, 'printer').printer.setFaults({ offline: !action.online });
    case 'slow':
      return sim.device(deviceId, 'printer').printer.setLineDelayMs(action.lineDelayMs);
    case 'drawer': {
      const drawer = sim.device(deviceId, 'printer').printer.drawer;
      if (!drawer) throw new HttpError(400, 'NO_DRAWER', `${deviceId} has no cash drawer`);
      if (action.open) drawer.openNow();
      else drawer.close();
      return;
    }
    case 'nozzle': {
      const { controller } = sim.device(deviceId, 'forecourt');
      if (action.lifted) controller.liftNozzle(action.pumpNo, action.nozzleNo);
      else controller.hangUpNozzle(action.pumpNo);
      return;
    }
    case 'pump-online': {
      const { controller } = sim.device(deviceId, 'forecourt');
      if (action.online) controller.pumpOnline(action.pumpNo);
      else controller.pumpOffline(action.pumpNo);
      return;
    }
    case 'pump-fault': {
      const { controller } = sim.device(deviceId, 'forecourt');
      if (action.errorCode === null) controller.clearFault(action.pumpNo);
      else controller.pumpFault(action.pumpNo, action.errorCode);
      return;
    }
    case 'link-silent':
      return sim.device(deviceId, 'forecourt').controller.setSilent(action.silent);
  }
}

function printerStatusBytes(state: PrinterState): string[] {
  return (['printer', 'offline-cause', 'error-cause', 'roll-paper'] as const).map((k) => `0x${statusByte(k, state).toString(16).padStart(2, '0')}`);
}

export function simulatorState(sim: RunningSimulator): unknown {
  const devices = [...sim.devices.values()].map((d) => {
    // A printer also appears as its USB, serial and drawer entries; other devices have one entry.
    const own = d.class === 'printer' ? [d.id, `${d.id}-usb`, `${d.id}-serial`, `${d.id}-drawer`] : d.class === 'forecourt' ? [d.id, `${d.id}-serial`] : [d.id];
    const entries = sim.map.devices.filter((e) => own.includes(e.id));
    const base = { id: d.id, class: d.class, transports: entries.map((e) => ({ transport: e.transport, address: e.address })) };
    switch (d.class) {
      case 'printer': {
        const state = d.printer.state;
        return {
          ...base, state, statusBytes: printerStatusBytes(state), drawer: d.printer.drawer ? { open: d.printer.drawer.isOpen, pin: d.printer.drawer.pin } : null,
          receipts: d.printer.jobs.slice(-RECEIPTS_LISTED).reverse().map((j) => ({ seq: j.seq, text: j.text, png: `/receipts/${d.id}/${j.seq}.png`, cut: j.receipt.cut, problems: j.receipt.problems.length })),
        };
      }
      case 'pole-display':
        return { ...base, plugged: d.port.plugged, lines: d.device.lines() };
      case 'forecourt':
        return { ...base, pumps: d.controller.statuses(), prices: d.controller.prices };
      default: {
        const plugged = d.output.kind === 'hid' ? d.output.device.plugged : d.output.port.plugged;
        return { ...base, plugged, transport: d.output.kind };
      }
    }
  });
  return { hidBackend: sim.map.hidBackend, devices };
}

export async function startControlServer(sim: RunningSimulator, options: { port?: number; host?: string } = {}): Promise<ControlServer> {
  const app = new Hono();
  app.onError((error, c) => {
    if (error instanceof HttpError) return c.json({ error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } }, error.status);
    if (error instanceof SimError) return c.json({ error: { code: error.code, message: error.message, messageZh: error.messageZh } }, error.code === 'DEVICE_NOT_FOUND' ? 404 : 409);
    return c.json({ error: { code: 'INTERNAL', message: error.message } }, 500);
  });
  app.get('/', (c) => c.html(controlPageHtml(c.req.query('lang') === 'en' ? 'en' : 'zh-CN')));
  app.get('/api/state', (c) => c.json(simulatorState(sim)));
  app.get('/receipts/:device/:file', (c) => {
    const match = /^(\d{1,9})\.png$/.exec(c.req.param('file'));
    const d = sim.devices.get(c.req.param('device'));
    const job = match && d?.class === 'printer' ? d.printer.jobs.find((j) => j.seq === Number(match[1])) : undefined;
    if (!job) throw new HttpError(404, 'RECEIPT_NOT_FOUND', 'no such receipt (only the latest are kept)');
    return c.body(new Uint8Array(job.png), 200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
  });
  app.post('/api/devices/:id/actions', async (c) => {
    const length = Number(c.req.header('content-length') ?? '0');
    if (length > MAX_BODY_BYTES) throw new HttpError(413, 'BODY_TOO_LARGE', `request body over ${MAX_BODY_BYTES} bytes`);
    const text = await c.req.text();
    if (text.length > MAX_BODY_BYTES) throw new HttpError(413, 'BODY_TOO_LARGE', `request body over ${MAX_BODY_BYTES} bytes`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'BAD_JSON', 'body is not JSON');
    }
    const parsed = DeviceActionSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HttpError(400, 'BAD_ACTION', issue?.message ?? 'invalid action', issue?.path.join('.'));
    }
    await performAction(sim, c.req.param('id'), parsed.data);
    return c.json({ ok: true });
  });

  const host = options.host ?? '127.0.0.1';
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${host}:${port}/`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
