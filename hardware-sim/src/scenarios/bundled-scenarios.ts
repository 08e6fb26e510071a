// The scenarios shipped in hardware-sim/scenarios/, loaded by name (for `npm start` and tests).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SimError } from '../sim-error.js';
import { parseScenario } from './scenario-runner.js';

export const BUNDLED_SCENARIOS = ['demo-chinese-receipt', 'faults'] as const;
export type BundledScenario = (typeof BUNDLED_SCENARIOS)[number];

export function bundledScenarioPath(name: BundledScenario): string {
  return fileURLToPath(new URL(`../../scenarios/${name}.json`, import.meta.url));
}

export function loadBundledScenario(name: BundledScenario): ReturnType<typeof parseScenario> {
  if (!BUNDLED_SCENARIOS.includes(name)) throw new SimError('SCENARIO_INVALID', `no bundled scenario ${String(name)}`);
  return parseScenario(JSON.parse(readFileSync(bundledScenarioPath(name), 'utf8')));
}
