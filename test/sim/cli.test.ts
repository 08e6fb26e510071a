// The `pos-sim` command as a person runs it: the bin script (tsx registered from its location)
// in a child process; decode prints the receipt, start prints the device map and serves devices.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { repoRoot, sharedDataDir } from './shared-data.js';
import { connectPrinter, waitUntil } from './sim-clients.js';

const bin = join(repoRoot, 'hardware-sim/bin/pos-sim.js');
const work = mkdtempSync(join(tmpdir(), 'pos-sim-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('pos-sim CLI', () => {
  it('decode prints the receipt with graphics markers and writes the PNG', () => {
    const png = join(work, 'logo.png');
    const run = spawnSync(process.execPath, [bin, 'decode', join(sharedDataDir, 'escpos-php/receipt-with-logo.bin'), '--png', png], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual(['[image 300x236]', 'ExampleMart Ltd.', 'Shop No. 42.']);
    expect(lines.at(-2)).toBe('[cut]');
    expect(run.stderr).toBe(`PNG written to ${png}\n`);
    expect(PNG.sync.read(readFileSync(png)).width).toBe(608);
  });

  it('decode reports malformed commands on stderr and still prints the text', () => {
    const file = join(work, 'bad.bin');
    writeFileSync(file, Buffer.from('ok\n\x1b\x01after\n', 'latin1'));
    const run = spawnSync(process.execPath, [bin, 'decode', file], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('ok\nafter\n');
    expect(run.stderr).toBe('offset 3: ESC 0x01 not a known command (1b01)\n');
  });

  it('rejects a missing file with a coded error', () => {
    const run = spawnSync(process.execPath, [bin, 'decode', join(work, 'nope.bin')], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^pos-sim: ENOENT: /);
  });

  it('start prints the device map, serves the printer on its port, and cleans up on SIGTERM', async () => {
    const config = join(work, 'devices.json');
    const dir = join(work, 'ptys');
    writeFileSync(config, JSON.stringify({ dir, devices: [{ class: 'printer', id: 'printer', tcpPort: 0 }, { class: 'scanner', id: 'scanner', transport: 'serial' }] }));
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    const child = spawn(process.execPath, [bin, 'start', '--config', config, '--control-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    const first = await waitUntil(() => (stdout.includes('\n') ? stdout.split('\n')[0] : null), 20_000, 'device map');
    const { deviceMap, controlPage } = JSON.parse(first!) as { deviceMap: { devices: { id: string; transport: string; address: string }[]; hidBackend: string }; controlPage: string };
    expect(deviceMap.devices.map((d) => [d.id, d.transport])).toEqual([['printer', 'tcp'], ['printer-usb', 'usb'], ['printer-drawer', 'printer-kick'], ['scanner', 'serial']]);
    expect(deviceMap.devices[3]!.address).toBe(join(dir, 'scanner'));
    expect(controlPage).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(existsSync(join(dir, 'scanner'))).toBe(true);
    const client = await connectPrinter(Number(deviceMap.devices[0]!.address.split(':')[1]));
    expect(await client.status(1)).toBe(0x12);
    client.close();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(dir, 'scanner'))).toBe(false);
  });

  it('scenario exits 0 when every expectation holds and 1 with a FAIL line when one does not', () => {
    const ok = spawnSync(process.execPath, [bin, 'scenario', join(repoRoot, 'hardware-sim/scenarios/faults.json'), '--out', work], { encoding: 'utf8', timeout: 60_000 });
    expect(ok.stdout.split('\n').at(-2)).toBe('PASSED');
    expect(ok.status).toBe(0);
    const failing = join(work, 'failing.json');
    writeFileSync(failing, JSON.stringify({ name: 'wrong byte', devices: [{ class: 'printer', id: 'p', tcpPort: 0, usb: false }], steps: [{ expect: 'status', device: 'p', n: 1, byte: 0x16 }] }));
    const bad = spawnSync(process.execPath, [bin, 'scenario', failing], { encoding: 'utf8', timeout: 60_000 });
    expect(bad.stdout).toBe('scenario: wrong byte\n  FAIL   1 expect status p: DLE EOT 1 → 0x12 (expected 0x16)\nFAILED\n');
    expect(bad.status).toBe(1);
  });
});
