// Scenario files run in-process: the shipped demo and fault scenarios pass, a wrong expectation
// is reported with what happened, and an invalid file is refused with a coded error.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { bundledScenarioPath, loadBundledScenario, runScenario } from '../../hardware-sim/src/index.js';
import { repoRoot } from './shared-data.js';

const out = mkdtempSync(join(tmpdir(), 'pos-sim-scenario-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const load = (name: string): unknown => JSON.parse(readFileSync(join(repoRoot, 'hardware-sim/scenarios', name), 'utf8'));

describe('scenarios', () => {
  it('the demo prints a Chinese receipt whose PNG is saved, opens and closes the drawer', async () => {
    const result = await runScenario(load('demo-chinese-receipt.json'), { outDir: out });
    expect(result.steps.filter((s) => !s.ok)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.pngFiles).toEqual([join(out, 'demo-chinese-receipt.png')]);
    expect(PNG.sync.read(readFileSync(result.pngFiles[0]!)).width).toBe(608);
  });

  it('the fault scenario passes (paper out mid-job, cover, terminal power cut, unplug/replug, noise)', async () => {
    const result = await runScenario(load('faults.json'));
    expect(result.steps.filter((s) => !s.ok)).toEqual([]);
  });

  it('reports a failed expectation with what actually happened, and runs the rest', async () => {
    const result = await runScenario({
      name: 'mismatch',
      devices: [{ class: 'printer', id: 'p', tcpPort: 0, usb: false }, { class: 'scanner', id: 's', transport: 'serial' }],
      steps: [
        { do: 'scan', device: 's', code: '111' },
        { expect: 'line', device: 's', line: '222' },
        { expect: 'status', device: 'p', n: 2, byte: 0x12 },
        { do: 'scan', device: 'nope', code: '1' },
      ],
    }, { timeoutMs: 1000 });
    expect(result.ok).toBe(false);
    expect(result.steps.map((s) => [s.ok, s.detail])).toEqual([
      [true, 'scanned 111'], [false, 'got "111"'], [true, 'DLE EOT 2 → 0x12 (expected 0x12)'], [false, 'DEVICE_NOT_FOUND: no device nope'],
    ]);
    expect(existsSync(join(out, 'x'))).toBe(false);
  });

  it('loads the bundled scenarios by name from the package', () => {
    expect(bundledScenarioPath('faults')).toBe(join(repoRoot, 'hardware-sim/scenarios/faults.json'));
    expect(loadBundledScenario('demo-chinese-receipt').name).toBe('会员消费小票 / member sale receipt');
  });

  it('refuses an invalid scenario', async () => {
    await expect(runScenario({ name: 'x', steps: [{ do: 'fly', device: 'p' }] })).rejects.toMatchObject({ code: 'SCENARIO_INVALID' });
  });
});
