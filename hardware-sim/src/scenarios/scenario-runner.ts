// Runs a scripted scenario (JSON) against a simulator, playing the terminal's side through the
// real transports: a TCP connection to the printer, `serialport` on every PTY, HID handles.
// Each `expect` step is checked and reported; the first failing expectation does not stop the run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { z } from 'zod';
import { chineseSaleReceipt } from '../escpos/demo-receipt.js';
import { receiptToText } from '../escpos/receipt-text.js';
import type { PrinterJob } from '../devices/escpos-printer.js';
import { syntheticCardNumber } from '../devices/test-cards.js';
import { SimError } from '../sim-error.js';
import { SimulatorConfigSchema, startSimulator, type RunningSimulator } from '../simulator.js';
import type { HidHandle } from '../transports/virtual-hid-backend.js';

const device = z.string().min(1).max(32);
const hex = z.string().regex(/^([0-9a-fA-F]{2})*$/, 'hex bytes').max(65_536);

export const ScenarioStepSchema = z.union([
  z.object({ do: z.literal('print'), device, receipt: z.literal('chinese-sale').optional(), hex: hex.optional(), text: z.string().max(10_000).optional() }),
  z.object({ do: z.literal('scan'), device, code: z.string().min(1).max(128) }),
  z.object({ do: z.literal('swipe'), device, cardSerial: z.number().int().min(0), name: z.string().min(2).max(26), expiryYymm: z.string().regex(/^\d{4}$/), serviceCode: z.string().regex(/^\d{3}$/).default('101') }),
  z.object({ do: z.literal('tap'), device, uid: z.string().regex(/^([0-9a-fA-F]{2}){4,10}$/) }),
  z.object({ do: z.literal('fault'), device, paperOut: z.boolean().optional(), coverOpen: z.boolean().optional(), offline: z.boolean().optional(), paperOutAfterLines: z.number().int().min(1).optional(), lineDelayMs: z.number().int().min(0).max(10_000).optional() }),
  z.object({ do: z.literal('drawer'), device, action: z.enum(['open', 'close']) }),
  z.object({ do: z.literal('unplug'), device }),
  z.object({ do: z.literal('replug'), device }),
  z.object({ do: z.literal('garbage'), device, hex }),
  z.object({ do: z.literal('display'), device, hex }),
  z.object({ do: z.literal('wait'), ms: z.number().int().min(0).max(60_000) }),
  /** The terminal loses power: its printer connection is reset mid-job. */
  z.object({ do: z.literal('power-cut'), device }),
  /** The terminal comes back and reconnects to the printer. */
  z.object({ do: z.literal('reconnect'), device }),
  z.object({ expect: z.literal('status'), device, n: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]), byte: z.number().int().min(0).max(255) }),
  z.object({ expect: z.literal('receipt'), device, text: z.string().optional(), contains: z.array(z.string()).max(50).optional(), cut: z.enum(['full', 'partial']).nullable().optional(), savePng: z.string().max(200).optional() }),
  z.object({ expect: z.literal('line'), device, line: z.string() }),
  z.object({ expect: z.literal('drawer'), device, open: z.boolean() }),
  z.object({ expect: z.literal('display'), device, lines: z.array(z.string()).length(2) }),
  z.object({ expect: z.literal('unplugged'), device }),
]);
export type ScenarioStep = z.output<typeof ScenarioStepSchema>;

export const ScenarioSchema = z.object({
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  devices: SimulatorConfigSchema.shape.devices.optional(),
  steps: z.array(ScenarioStepSchema).min(1).max(1000),
});
export type Scenario = z.input<typeof ScenarioSchema>;

export interface StepResult {
  index: number;
  step: ScenarioStep;
  ok: boolean;
  detail: string;
}

export interface ScenarioResult {
  name: string;
  ok: boolean;
  steps: StepResult[];
  pngFiles: string[];
}

export interface RunScenarioOptions {
  /** Run on this simulator instead of starting one from the scenario's devices. */
  simulator?: RunningSimulator;
  /** Where `savePng` files go. */
  outDir?: string;
  /** How long an expectation waits for its outcome. */
  timeoutMs?: number;
}

const MAX_LINES_PER_DEVICE = 100;

export function parseScenario(input: unknown): z.output<typeof ScenarioSchema> {
  const parsed = ScenarioSchema.safeParse(input);
  if (!parsed.success) throw new SimError('SCENARIO_INVALID', z.prettifyError(parsed.error));
  return parsed.data;
}

/** The terminal side of the scenario: one listener per input device, one printer connection. */
class TerminalSide {
  readonly lines = new Map<string, string[]>();
  private readonly partial = new Map<string, string>();
  private readonly serial = new Map<string, SerialPort>();
  private readonly hid = new Map<string, HidHandle>();
  private readonly printers = new Map<string, { socket: Socket; replies: number[] }>();

  constructor(private readonly sim: RunningSimulator) {}

  async attach(id: string): Promise<void> {
    const entry = this.sim.map.devices.find((d) => d.id === id);
    if (!entry) return;
    if (entry.transport === 'serial' && entry.class !== 'pole-display') {
      const port = new SerialPort({ path: entry.address, baudRate: entry.baudRate ?? 9600, autoOpen: false });
      await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
      port.on('data', (chunk: Buffer) => this.text(id, chunk.toString('latin1')));
      port.on('error', () => undefined);
      this.serial.set(id, port);
    } else if (entry.transport === 'hid') {
      const info = this.sim.hidBackend.devices().find((d) => d.vendorId === entry.vendorId && d.productId === entry.productId);
      if (!info?.path) return;
      const handle = this.sim.hidBackend.open(info.path);
      handle.on('data', (report) => this.text(id, reportText(report)));
      handle.on('error', () => this.hid.delete(id));
      this.hid.set(id, handle);
    } else if (entry.transport === 'tcp') {
      const [host, port] = entry.address.split(':');
      const socket = connect({ host: host!, port: Number(port) });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('error', reject);
      });
      const replies: number[] = [];
      socket.on('data', (c: Buffer) => replies.push(...c));
      socket.on('error', () => undefined);
      this.printers.set(id, { socket, replies });
    }
  }

  async detach(id: string): Promise<void> {
    const port = this.serial.get(id);
    this.serial.delete(id);
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    const handle = this.hid.get(id);
    this.hid.delete(id);
    handle?.close();
  }

  private text(id: string, text: string): void {
    let buf = (this.partial.get(id) ?? '') + text;
    const lines = this.lines.get(id) ?? [];
    for (let nl = buf.search(/[\r\n]/); nl >= 0; nl = buf.search(/[\r\n]/)) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.length > 0 && lines.length < MAX_LINES_PER_DEVICE) lines.push(line);
    }
    this.partial.set(id, buf.slice(-1024));
    this.lines.set(id, lines);
  }

  resetPrinter(id: string): void {
    this.printer(id).socket.resetAndDestroy();
    this.printers.delete(id);
  }

  printer(id: string): { socket: Socket; replies: number[] } {
    const p = this.printers.get(id);
    if (!p) throw new SimError('DEVICE_NOT_FOUND', `${id} is not a network printer`);
    return p;
  }

  async close(): Promise<void> {
    for (const id of [...this.serial.keys(), ...this.hid.keys()]) await this.detach(id);
    for (const p of this.printers.values()) p.socket.destroy();
  }
}

function reportText(report: Buffer): string {
  const key = report[2] ?? 0;
  if (key === 0) return '';
  const shift = ((report[0] ?? 0) & 0x22) !== 0;
  if (key >= 0x04 && key <= 0x1d) return String.fromCharCode((shift ? 0x41 : 0x61) + key - 0x04);
  if (key >= 0x1e && key <= 0x27) return (shift ? '!@#$%^&*()' : '1234567890')[key - 0x1e]!;
  const punct: Record<number, string> = { 0x28: '\n', 0x2c: '  ', 0x2d: '-_', 0x2e: '=+', 0x2f: '[{', 0x30: ']}', 0x31: '\\|', 0x33: ';:', 0x34: `'"`, 0x35: '`~', 0x36: ',<', 0x37: '.>', 0x38: '/?' };
  const pair = punct[key];
  return pair ? (pair.length === 1 ? pair : pair[shift ? 1 : 0]!) : '';
}

async function waitFor<T>(probe: () => T | null | undefined, timeoutMs: number): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== null && v !== undefined) return v;
    if (Date.now() >= deadline) return null;
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function runScenario(input: unknown, options: RunScenarioOptions = {}): Promise<ScenarioResult> {
  const scenario = parseScenario(input);
  const timeoutMs = options.timeoutMs ?? 3000;
  const sim = options.simulator ?? (await startSimulator({ devices: scenario.devices ?? defaultScenarioDevices() }));
  const terminal = new TerminalSide(sim);
  const results: StepResult[] = [];
  const pngFiles: string[] = [];
  const seenJobs = new Map<string, number>();
  try {
    for (const entry of sim.map.devices) await terminal.attach(entry.id);
    for (const d of sim.devices.values()) if (d.class === 'printer') seenJobs.set(d.id, d.printer.jobs.at(-1)?.seq ?? 0);
    for (const [index, step] of scenario.steps.entries()) {
      let ok = true;
      let detail = 'done';
      try {
        ({ ok, detail } = await runStep(step));
      } catch (error) {
        ok = false;
        detail = error instanceof Error ? `${(error as { code?: string }).code ?? 'ERROR'}: ${error.message}` : String(error);
      }
      results.push({ index, step, ok, detail });
    }
  } finally {
    await terminal.close();
    if (!options.simulator) await sim.close();
  }
  return { name: scenario.name, ok: results.every((r) => r.ok), steps: results, pngFiles };

  async function runStep(step: ScenarioStep): Promise<{ ok: boolean; detail: string }> {
    if ('do' in step) {
      switch (step.do) {
        case 'print': {
          const bytes = step.receipt === 'chinese-sale' ? chineseSaleReceipt()
            : step.hex !== undefined ? Buffer.from(step.hex, 'hex') : Buffer.from(step.text ?? '', 'utf8');
          const { socket } = terminal.printer(step.device);
          await new Promise<void>((resolve, reject) => socket.write(bytes, (e) => (e ? reject(e) : resolve())));
          return { ok: true, detail: `sent ${bytes.length} bytes` };
        }
        case 'scan':
          await sim.device(step.device, 'scanner').device.scan(step.code);
          return { ok: true, detail: `scanned ${step.code}` };
        case 'swipe':
          await sim.device(step.device, 'magstripe').device.swipe({ pan: syntheticCardNumber(step.cardSerial), name: step.name, expiryYymm: step.expiryYymm, serviceCode: step.serviceCode, discretionary: '' });
          return { ok: true, detail: `swiped test card #${step.cardSerial}` };
        case 'tap':
          await sim.device(step.device, 'rfid').device.tap(step.uid);
          return { ok: true, detail: `tapped ${step.uid}` };
        case 'fault': {
          const { printer } = sim.device(step.device, 'printer');
          const change: Parameters<typeof printer.setFaults>[0] = {};
          if (step.paperOut !== undefined) Object.assign(change, { paperOut: step.paperOut, paperNearEnd: step.paperOut });
          if (step.coverOpen !== undefined) change.coverOpen = step.coverOpen;
          if (step.offline !== undefined) change.offline = step.offline;
          if (step.paperOutAfterLines !== undefined) printer.paperOutAfterLines(step.paperOutAfterLines);
          if (step.lineDelayMs !== undefined) printer.setLineDelayMs(step.lineDelayMs);
          printer.setFaults(change);
          return { ok: true, detail: JSON.stringify(step) };
        }
        case 'drawer': {
          const drawer = sim.device(step.device, 'printer').printer.drawer;
          if (!drawer) return { ok: false, detail: `${step.device} has no drawer` };
          if (step.action === 'open') drawer.openNow();
          else drawer.close();
          return { ok: true, detail: `drawer ${step.action}` };
        }
        case 'unplug':
          await terminal.detach(step.device);
          await sim.unplug(step.device);
          return { ok: true, detail: 'unplugged' };
        case 'replug':
          await sim.replug(step.device);
          await terminal.attach(step.device);
          return { ok: true, detail: 'replugged' };
        case 'garbage':
          await sim.garbage(step.device, Buffer.from(step.hex, 'hex'));
          return { ok: true, detail: `${step.hex.length / 2} bytes of noise` };
        case 'display': {
          const entry = sim.map.devices.find((d) => d.id === step.device && d.class === 'pole-display');
          if (!entry) return { ok: false, detail: `${step.device} is not a pole display` };
          const port = new SerialPort({ path: entry.address, baudRate: entry.baudRate ?? 9600, autoOpen: false });
          await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
          await new Promise<void>((resolve, reject) => port.write(Buffer.from(step.hex, 'hex'), (e) => (e ? reject(e) : port.drain(() => resolve()))));
          await new Promise<void>((resolve) => port.close(() => resolve()));
          return { ok: true, detail: 'written to the display' };
        }
        case 'wait':
          await new Promise((r) => setTimeout(r, step.ms));
          return { ok: true, detail: `waited ${step.ms} ms` };
        case 'power-cut':
          terminal.resetPrinter(step.device);
          return { ok: true, detail: 'terminal connection reset' };
        case 'reconnect':
          await terminal.attach(step.device);
          return { ok: true, detail: 'terminal reconnected' };
      }
    }
    switch (step.expect) {
      case 'status': {
        const p = terminal.printer(step.device);
        const before = p.replies.length;
        p.socket.write(Uint8Array.of(0x10, 0x04, step.n));
        const got = await waitFor(() => (p.replies.length > before ? p.replies.splice(before, 1)[0] : null), timeoutMs);
        const hex2 = (b: number): string => `0x${b.toString(16).padStart(2, '0')}`;
        if (got === null) return { ok: false, detail: `no reply to DLE EOT ${step.n}` };
        return { ok: got === step.byte, detail: `DLE EOT ${step.n} → ${hex2(got)} (expected ${hex2(step.byte)})` };
      }
      case 'receipt': {
        const { printer } = sim.device(step.device, 'printer');
        const since = seenJobs.get(step.device) ?? 0;
        const job: PrinterJob | null = await waitFor(() => printer.jobs.find((j) => j.seq > since), timeoutMs);
        if (!job) return { ok: false, detail: 'no new receipt was printed' };
        seenJobs.set(step.device, job.seq);
        const text = receiptToText(job.receipt, { markers: true });
        const problems: string[] = [];
        if (step.text !== undefined && text !== step.text) problems.push(`text differs: ${JSON.stringify(text)}`);
        for (const c of step.contains ?? []) if (!text.includes(c)) problems.push(`missing ${JSON.stringify(c)}`);
        if (step.cut !== undefined && job.receipt.cut !== step.cut) problems.push(`cut ${job.receipt.cut}, expected ${step.cut}`);
        if (step.savePng) {
          const dir = options.outDir ?? process.cwd();
          mkdirSync(dir, { recursive: true });
          const file = join(dir, step.savePng.replace(/[^a-zA-Z0-9._-]/g, '_'));
          writeFileSync(file, job.png);
          pngFiles.push(file);
        }
        return { ok: problems.length === 0, detail: problems.length ? problems.join('; ') : `receipt #${job.seq}, ${text.split('\n').length - 1} lines` };
      }
      case 'line': {
        const got = await waitFor(() => terminal.lines.get(step.device)?.shift(), timeoutMs);
        if (got === null) return { ok: false, detail: 'no line arrived' };
        return { ok: got === step.line, detail: `got ${JSON.stringify(got)}` };
      }
      case 'drawer': {
        const drawer = sim.device(step.device, 'printer').printer.drawer;
        const state = await waitFor(() => (drawer?.isOpen === step.open ? true : null), timeoutMs);
        return { ok: state !== null, detail: `drawer ${drawer?.isOpen ? 'open' : 'closed'}` };
      }
      case 'display': {
        const display = sim.device(step.device, 'pole-display').device;
        const same = (): boolean => display.lines().every((l, i) => l.trimEnd() === step.lines[i]!.trimEnd());
        const ok = (await waitFor(() => (same() ? true : null), timeoutMs)) !== null;
        return { ok, detail: `display shows ${JSON.stringify(display.lines())}` };
      }
      case 'unplugged': {
        const entry = sim.map.devices.find((d) => d.id === step.device);
        const present = entry?.transport === 'hid'
          ? sim.hidBackend.devices().some((d) => d.vendorId === entry.vendorId && d.productId === entry.productId)
          : entry?.transport === 'serial' ? (await import('node:fs')).existsSync(entry.address) : true;
        return { ok: !present, detail: present ? 'still present' : 'gone from the bus' };
      }
    }
  }
}

export function defaultScenarioDevices(): z.input<typeof SimulatorConfigSchema>['devices'] {
  return [
    { class: 'printer', id: 'printer', tcpPort: 0, usb: false },
    { class: 'scanner', id: 'scanner', transport: 'hid', vendorId: 0x05e0, productId: 0x1200 },
    { class: 'scanner', id: 'scanner-serial', transport: 'serial' },
    { class: 'magstripe', id: 'magstripe', transport: 'hid', vendorId: 0x0801, productId: 0x0001 },
    { class: 'rfid', id: 'rfid', transport: 'serial' },
    { class: 'pole-display', id: 'pole-display' },
  ];
}
