// Starts every configured virtual device on its transport and returns them with the device map
// the terminal should use: TCP printer, PTY serial devices (socat), in-process HID and USB backends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { z } from 'zod';
import { BarcodeScanner } from './devices/barcode-scanner.js';
import { CashDrawer } from './devices/cash-drawer.js';
import { EscPosPrinter } from './devices/escpos-printer.js';
import { ForecourtController, defaultForecourtPumps, seededRandom } from './devices/forecourt-controller.js';
import { ForecourtTcpServer } from './devices/forecourt-tcp-server.js';
import type { LineOutput } from './devices/line-output.js';
import { MagstripeReader } from './devices/magstripe-reader.js';
import { PoleDisplay } from './devices/pole-display.js';
import { RfidReader } from './devices/rfid-reader.js';
import { SimError } from './sim-error.js';
import { PtyPort } from './transports/pty-port.js';
import { TcpPrinterServer } from './transports/tcp-printer-server.js';
import { uhidStatus, VirtualHidBackend, VirtualHidDevice } from './transports/virtual-hid-backend.js';
import { VirtualUsbBackend, VirtualUsbPrinter } from './transports/virtual-usb-backend.js';

const id = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'lower-case id, letters, digits and dashes');
const hid = z.object({ transport: z.literal('hid'), vendorId: z.number().int().min(0).max(0xffff), productId: z.number().int().min(0).max(0xffff) });
const serial = z.object({ transport: z.literal('serial'), baudRate: z.number().int().positive().default(9600), suffix: z.enum(['\r\n', '\r', '\n']).default('\r\n') });
const lineTransport = z.discriminatedUnion('transport', [hid, serial]);

export const DeviceConfigSchema = z.union([
  z.object({
    class: z.literal('printer'), id,
    tcpPort: z.number().int().min(0).max(65535).default(9100),
    host: z.string().default('127.0.0.1'),
    usb: z.boolean().default(true),
    /** Also offer the printer on a serial PTY (RS-232 printers). */
    serial: z.boolean().default(false),
    lineDelayMs: z.number().int().min(0).max(10_000).default(0),
    receiveBufferBytes: z.number().int().min(256).max(16 * 1024 * 1024).default(64 * 1024),
    kanjiByDefault: z.boolean().default(true),
    drawer: z.object({ pin: z.union([z.literal(2), z.literal(5)]).default(2), autoCloseMs: z.number().int().positive().max(600_000).nullable().default(null) }).nullable().default({ pin: 2, autoCloseMs: null }),
  }),
  z.object({ class: z.literal('scanner'), id }).and(lineTransport),
  z.object({ class: z.literal('magstripe'), id }).and(lineTransport),
  z.object({ class: z.literal('rfid'), id, format: z.enum(['hex', 'decimal10']).default('hex') }).and(lineTransport),
  z.object({ class: z.literal('pole-display'), id, baudRate: z.number().int().positive().default(9600) }),
  z.object({
    class: z.literal('forecourt'), id,
    tcpPort: z.number().int().min(0).max(65535).default(0),
    host: z.string().default('127.0.0.1'),
    /** Also offer the controller on a serial PTY (RS-485/232 forecourt controllers). */
    serial: z.boolean().default(false),
    baudRate: z.number().int().positive().default(9600),
    pumpCount: z.number().int().min(1).max(99).default(4),
    /** Unit prices in fen per litre by grade. */
    pricesFen: z.object({ '92': z.number().int().min(1), '95': z.number().int().min(1), '98': z.number().int().min(1), '0': z.number().int().min(1) })
      .default({ '92': 720, '95': 790, '98': 880, '0': 750 }),
    sampleMs: z.number().int().min(5).max(10_000).default(500),
    speedFactor: z.number().min(0.1).max(1_000).default(1),
    /** Seeds flow rates and tank sizes, so a run repeats exactly; random when absent. */
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  }),
]);

export const SimulatorConfigSchema = z.object({
  /** Where PTY links are made; a fresh temp directory when absent. */
  dir: z.string().optional(),
  devices: z.array(DeviceConfigSchema).max(32),
});
export type SimulatorConfig = z.input<typeof SimulatorConfigSchema>;
export type DeviceConfig = z.output<typeof DeviceConfigSchema>;

export const defaultSimulatorConfig = (): SimulatorConfig => ({
  devices: [
    { class: 'printer', id: 'printer', tcpPort: 9100 },
    { class: 'scanner', id: 'scanner', transport: 'hid', vendorId: 0x05e0, productId: 0x1200 },
    { class: 'scanner', id: 'scanner-serial', transport: 'serial' },
    { class: 'magstripe', id: 'magstripe', transport: 'hid', vendorId: 0x0801, productId: 0x0001 },
    { class: 'rfid', id: 'rfid', transport: 'serial' },
    { class: 'pole-display', id: 'pole-display' },
  ],
});

export interface DeviceMapEntry {
  id: string;
  class: 'printer' | 'scanner' | 'magstripe' | 'rfid' | 'pole-display' | 'cash-drawer' | 'forecourt';
  transport: 'tcp' | 'usb' | 'hid' | 'serial' | 'printer-kick';
  /** host:port, a PTY path, `hid_vvvv:pppp` or `usb_vvvv:pppp`. */
  address: string;
  vendorId?: number;
  productId?: number;
  baudRate?: number;
}

export interface DeviceMap {
  hidBackend: string;
  devices: DeviceMapEntry[];
}

export type SimDevice =
  | { class: 'printer'; id: string; printer: EscPosPrinter; tcp: TcpPrinterServer; usb: VirtualUsbPrinter | null; serial: PtyPort | null }
  | { class: 'scanner'; id: string; device: BarcodeScanner; output: LineOutput }
  | { class: 'magstripe'; id: string; device: MagstripeReader; output: LineOutput }
  | { class: 'rfid'; id: string; device: RfidReader; output: LineOutput }
  | { class: 'pole-display'; id: string; device: PoleDisplay; port: PtyPort }
  | { class: 'forecourt'; id: string; controller: ForecourtController; tcp: ForecourtTcpServer; serial: PtyPort | null };

export interface RunningSimulator {
  map: DeviceMap;
  devices: Map<string, SimDevice>;
  hidBackend: VirtualHidBackend;
  usbBackend: VirtualUsbBackend;
  /** Unplugs a device (serial: socat stops and the node goes; HID: handles get 'error'; USB: transfers fail). */
  unplug(id: string): Promise<void>;
  replug(id: string): Promise<void>;
  /** Writes raw bytes on a serial device's line (noise on the cable). */
  garbage(id: string, bytes: Uint8Array): Promise<void>;
  device<C extends SimDevice['class']>(id: string, cls: C): Extract<SimDevice, { class: C }>;
  close(): Promise<void>;
}

const hex4 = (n: number): string => n.toString(16).padStart(4, '0');

export interface StartSimulatorOptions {
  /** Parent logger; the simulator logs device events on a `hardware-sim` child (never card data). */
  logger?: Logger;
}

export async function startSimulator(input: SimulatorConfig = defaultSimulatorConfig(), options: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const log = (options.logger ?? pino({ level: 'silent' })).child({ module: 'hardware-sim' });
  const parsed = SimulatorConfigSchema.safeParse(input);
  if (!parsed.success) throw new SimError('CONFIG_INVALID', z.prettifyError(parsed.error));
  const config = parsed.data;
  const ids = config.devices.map((d) => d.id);
  if (new Set(ids).size !== ids.length) throw new SimError('CONFIG_INVALID', 'device ids must be unique');
  const ownDir = config.dir === undefined;
  const dir = config.dir ?? mkdtempSync(join(tmpdir(), 'pos-sim-'));
  const uhid = uhidStatus();
  const hidBackend = new VirtualHidBackend();
  const usbPrinters: VirtualUsbPrinter[] = [];
  const usbBackend = new VirtualUsbBackend(usbPrinters);
  const devices = new Map<string, SimDevice>();
  const map: DeviceMap = {
    hidBackend: uhid.usable
      ? `in-process backend (${uhid.reason}, but kernel uhid devices are not implemented yet)`
      : `in-process backend: ${uhid.reason}, so HID devices exist only inside this process`,
    devices: [],
  };
  const ports: PtyPort[] = [];
  let hidCount = 0;

  const lineOutput = async (d: { id: string; transport: 'hid'; vendorId: number; productId: number } | { id: string; transport: 'serial'; baudRate: number; suffix: string }, cls: DeviceMapEntry['class']): Promise<LineOutput> => {
    if (d.transport === 'hid') {
      const device = new VirtualHidDevice({
        vendorId: d.vendorId, productId: d.productId, path: `sim-hid:${++hidCount}:${d.id}`, product: `POS-SIM ${d.id}`,
        manufacturer: 'pos-sim', serialNumber: `SIM-${d.id}`, usagePage: 1, usage: 6, interface: 0,
      });
      hidBackend.add(device);
      map.devices.push({ id: d.id, class: cls, transport: 'hid', address: `hid_${hex4(d.vendorId)}:${hex4(d.productId)}`, vendorId: d.vendorId, productId: d.productId });
      return { kind: 'hid', device };
    }
    const port = new PtyPort(join(dir, d.id));
    await port.plug();
    ports.push(port);
    map.devices.push({ id: d.id, class: cls, transport: 'serial', address: port.path, baudRate: d.baudRate });
    return { kind: 'serial', port, suffix: d.suffix };
  };

  const closeAll = async (): Promise<void> => {
    for (const d of devices.values()) {
      if (d.class === 'printer') {
        await d.tcp.close();
        d.printer.drawer?.dispose();
      }
      if (d.class === 'forecourt') {
        await d.tcp.close();
        d.controller.dispose();
      }
    }
    await Promise.all(ports.map((p) => p.unplug()));
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };

  log.info({ hid: map.hidBackend }, 'starting virtual devices');
  try {
    for (const d of config.devices) {
      switch (d.class) {
        case 'printer': {
          const drawer = d.drawer ? new CashDrawer({ pin: d.drawer.pin, autoCloseMs: d.drawer.autoCloseMs }) : null;
          const printer = new EscPosPrinter({ lineDelayMs: d.lineDelayMs, receiveBufferBytes: d.receiveBufferBytes, kanjiByDefault: d.kanjiByDefault, drawer });
          const tcp = new TcpPrinterServer(printer, d.host);
          const port = await tcp.listen(d.tcpPort);
          map.devices.push({ id: d.id, class: 'printer', transport: 'tcp', address: `${d.host}:${port}` });
          let usb: VirtualUsbPrinter | null = null;
          if (d.usb) {
            usb = new VirtualUsbPrinter(printer);
            usbPrinters.push(usb);
            map.devices.push({ id: `${d.id}-usb`, class: 'printer', transport: 'usb', address: `usb_${hex4(usb.vendorId)}:${hex4(usb.productId)}`, vendorId: usb.vendorId, productId: usb.productId });
          }
          let serialPort: PtyPort | null = null;
          if (d.serial) {
            const pty = new PtyPort(join(dir, `${d.id}-serial`));
            await pty.plug();
            ports.push(pty);
            serialPort = pty;
            const session = printer.openSession((bytes) => {
              pty.write(bytes).catch(() => undefined);
            });
            pty.on('data', (chunk) => {
              if (!session.write(chunk)) pty.pause();
            });
            printer.on('drain', () => pty.resume());
            map.devices.push({ id: `${d.id}-serial`, class: 'printer', transport: 'serial', address: pty.path, baudRate: 38400 });
          }
          if (drawer) map.devices.push({ id: `${d.id}-drawer`, class: 'cash-drawer', transport: 'printer-kick', address: `${d.id} pin ${drawer.pin}` });
          const plog = log.child({ device: d.id });
          printer.on('receipt', (job) => plog.info({ seq: job.seq, lines: job.text.split('\n').length - 1, problems: job.receipt.problems.length, cut: job.receipt.cut }, 'receipt printed'));
          printer.on('problem', (p) => plog.warn({ offset: p.offset, reason: p.reason }, 'unknown or malformed ESC/POS command skipped'));
          printer.on('state', (state) => plog.info({ state }, 'printer state'));
          drawer?.on('opened', () => plog.info('cash drawer opened'));
          drawer?.on('closed', () => plog.info('cash drawer closed'));
          devices.set(d.id, { class: 'printer', id: d.id, printer, tcp, usb, serial: serialPort });
          break;
        }
        case 'scanner': {
          const output = await lineOutput(d, 'scanner');
          devices.set(d.id, { class: 'scanner', id: d.id, device: new BarcodeScanner(output), output });
          break;
        }
        case 'magstripe': {
          const output = await lineOutput(d, 'magstripe');
          devices.set(d.id, { class: 'magstripe', id: d.id, device: new MagstripeReader(output), output });
          break;
        }
        case 'rfid': {
          const output = await lineOutput(d, 'rfid');
          devices.set(d.id, { class: 'rfid', id: d.id, device: new RfidReader(output, d.format), output });
          break;
        }
        case 'pole-display': {
          const port = new PtyPort(join(dir, d.id));
          await port.plug();
          ports.push(port);
          map.devices.push({ id: d.id, class: 'pole-display', transport: 'serial', address: port.path, baudRate: d.baudRate });
          devices.set(d.id, { class: 'pole-display', id: d.id, device: new PoleDisplay(port), port });
          break;
        }
        case 'forecourt': {
          const controller = new ForecourtController({
            pumps: defaultForecourtPumps(d.pumpCount), pricesFen: d.pricesFen, sampleMs: d.sampleMs, speedFactor: d.speedFactor,
            ...(d.seed === undefined ? {} : { random: seededRandom(d.seed) }),
          });
          const tcp = new ForecourtTcpServer(controller, d.host);
          const port = await tcp.listen(d.tcpPort);
          map.devices.push({ id: d.id, class: 'forecourt', transport: 'tcp', address: `${d.host}:${port}` });
          let serialPort: PtyPort | null = null;
          if (d.serial) {
            const pty = new PtyPort(join(dir, `${d.id}-serial`));
            await pty.plug();
            ports.push(pty);
            serialPort = pty;
            // one session per plug: socat's PTY is a new line each time it comes back
            let session = controller.openSession((bytes) => void pty.write(bytes).catch(() => undefined));
            pty.on('data', (chunk) => session.write(chunk));
            pty.on('unplugged', () => session.close());
            pty.on('plugged', () => {
              session.close();
              session = controller.openSession((bytes) => void pty.write(bytes).catch(() => undefined));
            });
            map.devices.push({ id: `${d.id}-serial`, class: 'forecourt', transport: 'serial', address: pty.path, baudRate: d.baudRate });
          }
          const flog = log.child({ device: d.id });
          controller.on('finished', (t) => flog.info({ pumpNo: t.pumpNo, transactionId: t.transactionId, volumeMilliLitre: t.volumeMilliLitre, amountFen: t.amountFen }, 'pump transaction finished'));
          controller.on('badFrame', (reason) => flog.warn({ reason }, 'bad forecourt frame answered with BAD_FRAME'));
          devices.set(d.id, { class: 'forecourt', id: d.id, controller, tcp, serial: serialPort });
          break;
        }
      }
    }
  } catch (error) {
    await closeAll();
    throw error;
  }

  const find = (deviceId: string): SimDevice => {
    const d = devices.get(deviceId);
    if (!d) throw new SimError('DEVICE_NOT_FOUND', `no device ${deviceId}`);
    return d;
  };
  const lineOf = (d: SimDevice): LineOutput | PtyPort | null =>
    d.class === 'pole-display' ? d.port : d.class === 'forecourt' ? d.serial : d.class === 'printer' ? null : d.output;

  return {
    map,
    devices,
    hidBackend,
    usbBackend,
    async unplug(deviceId) {
      const d = find(deviceId);
      log.info({ device: deviceId }, 'unplugged');
      if (d.class === 'forecourt') {
        d.tcp.dropConnections();
        await d.serial?.unplug();
        return;
      }
      if (d.class === 'printer') {
        d.tcp.dropConnections();
        d.usb?.unplug();
        await d.serial?.unplug();
        return;
      }
      const line = lineOf(d);
      if (line instanceof PtyPort) await line.unplug();
      else if (line?.kind === 'hid') line.device.unplug();
      else if (line?.kind === 'serial') await line.port.unplug();
    },
    async replug(deviceId) {
      const d = find(deviceId);
      log.info({ device: deviceId }, 'replugged');
      if (d.class === 'forecourt') {
        await d.serial?.plug();
        return;
      }
      if (d.class === 'printer') {
        d.usb?.replug();
        await d.serial?.plug();
        return;
      }
      const line = lineOf(d);
      if (line instanceof PtyPort) await line.plug();
      else if (line?.kind === 'hid') line.device.replug();
      else if (line?.kind === 'serial') await line.port.plug();
    },
    async garbage(deviceId, bytes) {
      log.info({ device: deviceId, bytes: bytes.length }, 'noise injected on the serial line');
      const line = lineOf(find(deviceId));
      const port = line instanceof PtyPort ? line : line?.kind === 'serial' ? line.port : null;
      if (!port) throw new SimError('BAD_INPUT', `${deviceId} is not on a serial line`);
      await port.write(bytes);
    },
    device(deviceId, cls) {
      const d = find(deviceId);
      if (d.class !== cls) throw new SimError('DEVICE_NOT_FOUND', `${deviceId} is a ${d.class}, not a ${cls}`);
      return d as Extract<SimDevice, { class: typeof cls }>;
    },
    close: closeAll,
  };
}
