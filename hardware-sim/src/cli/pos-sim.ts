// `pos-sim`: start the simulator and print the device map, decode an ESC/POS file, or run a scenario.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { decodeEscPos } from '../escpos/decode-escpos.js';
import { renderReceiptPng } from '../escpos/receipt-png.js';
import { receiptToText } from '../escpos/receipt-text.js';
import { runScenario } from '../scenarios/scenario-runner.js';
import { SimError } from '../sim-error.js';
import { defaultSimulatorConfig, startSimulator, type DeviceMap } from '../simulator.js';
import { startControlServer } from '../control/control-server.js';

const USAGE = `usage:
  pos-sim start [--config devices.json] [--control-port 8790]   run the virtual devices; prints the device map
  pos-sim decode <file.bin> [--png out.png]                       print the decoded receipt(s)
  pos-sim scenario <scenario.json> [--out dir]                    run a scenario; exit 1 if an expectation fails`;

const MAX_INPUT_BYTES = 64 * 1024 * 1024;

function readInput(path: string): Buffer {
  const bytes = readFileSync(path);
  if (bytes.length > MAX_INPUT_BYTES) throw new SimError('BAD_INPUT', `${path} is larger than ${MAX_INPUT_BYTES} bytes`);
  return bytes;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readInput(path).toString('utf8'));
  } catch (error) {
    if (error instanceof SimError) throw error;
    throw new SimError('CONFIG_INVALID', `${path}: ${(error as Error).message}`, { cause: error });
  }
}

export function formatDeviceMap(map: DeviceMap): string {
  const rows = map.devices.map((d) => `  ${d.id.padEnd(16)} ${d.class.padEnd(13)} ${d.transport.padEnd(12)} ${d.address}`);
  return [`HID: ${map.hidBackend}`, '  id               class         transport    address', ...rows].join('\n');
}

export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'decode') {
    const { values, positionals } = parseArgs({ args: rest, options: { png: { type: 'string' } }, allowPositionals: true });
    const file = positionals[0];
    if (!file) throw new SimError('BAD_INPUT', USAGE);
    const decoded = decodeEscPos(readInput(file));
    for (const [i, receipt] of decoded.receipts.entries()) {
      if (decoded.receipts.length > 1) out(`--- receipt ${i + 1} of ${decoded.receipts.length} ---\n`);
      out(receiptToText(receipt, { markers: true }));
      for (const p of receipt.problems) err(`offset ${p.offset}: ${p.reason} (${p.bytesHex})\n`);
      if (values.png) {
        const target = i === 0 ? values.png : values.png.replace(/(\.png)?$/i, `-${i + 1}.png`);
        writeFileSync(target, await renderReceiptPng(receipt));
        err(`PNG written to ${target}\n`);
      }
    }
    return 0;
  }
  if (command === 'scenario') {
    const { values, positionals } = parseArgs({ args: rest, options: { out: { type: 'string' } }, allowPositionals: true });
    const file = positionals[0];
    if (!file) throw new SimError('BAD_INPUT', USAGE);
    const result = await runScenario(readJson(file), { outDir: values.out ?? process.cwd() });
    out(`scenario: ${result.name}\n`);
    for (const s of result.steps) out(`  ${s.ok ? 'ok  ' : 'FAIL'} ${String(s.index + 1).padStart(3)} ${'do' in s.step ? s.step.do : `expect ${s.step.expect}`} ${'device' in s.step ? s.step.device : ''}: ${s.detail}\n`);
    for (const f of result.pngFiles) out(`  receipt picture: ${f}\n`);
    out(result.ok ? 'PASSED\n' : 'FAILED\n');
    return result.ok ? 0 : 1;
  }
  if (command === 'start') {
    const { values } = parseArgs({ args: rest, options: { config: { type: 'string' }, 'control-port': { type: 'string' } } });
    const config = values.config ? (readJson(values.config) as Parameters<typeof startSimulator>[0]) : defaultSimulatorConfig();
    // Logs go to stderr so stdout stays the device map a script can read.
    const sim = await startSimulator(config, { logger: pino({ level: 'info' }, pino.destination(2)) });
    const controlPort = values['control-port'] === undefined ? 8790 : Number(values['control-port']);
    const control = await startControlServer(sim, { port: controlPort });
    out(`${JSON.stringify({ deviceMap: sim.map, controlPage: control.url })}\n`);
    out(`${formatDeviceMap(sim.map)}\ncontrol page / 控制台: ${control.url}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await control.close();
    await sim.close();
    return 0;
  }
  err(`${USAGE}\n`);
  return command === undefined || command === '--help' ? 0 : 2;
}

const isEntry = process.argv[1] !== undefined && /pos-sim(\.js|\.ts)?$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const e = error as { code?: string; message?: string; messageZh?: string };
      process.stderr.write(`pos-sim: ${e.code ?? 'ERROR'}: ${e.message ?? String(error)}${e.messageZh ? ` (${e.messageZh})` : ''}\n`);
      process.exit(1);
    },
  );
}
