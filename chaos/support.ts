// What every chaos scenario shares: named invariant checks that print their outcome and make the
// process exit non-zero when one breaks, a time bound per scenario, and the machine line.
import { describeMachine, loadAverage } from '../bench/support/machine.js';

let broken = 0;

/** Prints `ok`/`BROKEN` for one invariant; a broken one makes the scenario exit 1. */
export function invariant(what: string, holds: boolean, detail = ''): void {
  if (!holds) broken += 1;
  console.log(`  ${holds ? 'ok    ' : 'BROKEN'} ${what}${detail ? ` (${detail})` : ''}`);
}

/** Runs `fn` once, bounded by `timeoutMs`; exits 0 only when it finished and every invariant held. */
export async function scenario(name: string, timeoutMs: number, fn: () => Promise<void>): Promise<void> {
  console.log(`chaos: ${name}\n  machine: ${describeMachine()}; ${loadAverage()}`);
  const start = Date.now();
  const timer = setTimeout(() => {
    console.log(`  BROKEN did not finish within ${timeoutMs / 1000} s`);
    process.exit(1);
  }, timeoutMs);
  try {
    await fn();
  } catch (error) {
    broken += 1;
    console.log(`  BROKEN the scenario failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    clearTimeout(timer);
  }
  console.log(`  ${broken === 0 ? 'PASS' : `FAIL (${broken} broken)`} in ${((Date.now() - start) / 1000).toFixed(1)} s; ${loadAverage()}`);
  // Open handles (pools, timers of stopped clients) must not keep a finished scenario alive.
  process.exit(broken === 0 ? 0 : 1);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
