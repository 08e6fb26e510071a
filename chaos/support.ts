// What every chaos scenario shares: named invariant checks that print their outcome and make the
// process exit non-zero when one breaks, a time bound per scenario, and the machine line.
import type { GatewayDb } from '../gateway/src/db/database.js';
import { checkLedger } from '../gateway/src/ledger/ledger-check.js';
import { syncDb } from '../gateway/src/sync/sync-tables.js';
import type { LocalStore } from '../terminal/src/store/index.js';
import type { SyncClient } from '../terminal/src/sync/index.js';
import type { Fleet, FleetTerminal } from '../bench/support/fleet.js';
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

/** A till of a seeded fleet, as the gateway-side scenarios run it. */
export interface FleetTill {
  t: FleetTerminal;
  store: LocalStore;
  client: SyncClient;
}

/**
 * The exactly-once invariants of a fleet run (3 tills × stored-value sales): per till, what the gateway
 * registered equals its journal with none twice, and its card and points equal its sales; then none
 * lost overall, `sales` registered, and the ledger check. `label` prefixes every line (e.g. the dialect).
 */
export async function checkFleetExactlyOnce(
  gdb: GatewayDb,
  fleet: Fleet,
  tills: readonly FleetTill[],
  expected: { sales: number; rechargeFen: number; saleFen: number; pointsPerSale: number; label?: string },
): Promise<void> {
  const prefix = expected.label ? `${expected.label}: ` : '';
  const rows = await syncDb(gdb).selectFrom('sync_events').select(['terminal_id', 'event_id']).where('type', '=', 'saleCommitted').execute();
  let lost = 0;
  for (const till of tills) {
    const journaled = till.store.journal.journalAfter(0, 100_000).filter((e) => e.type === 'saleCommitted').map((e) => e.eventId);
    const registered = rows.filter((r) => r.terminal_id === till.t.terminalId).map((r) => r.event_id);
    const set = new Set(registered);
    lost += journaled.filter((id) => !set.has(id)).length;
    const balance = await fleet.services.ledger.balanceOf(fleet.merchant.merchantId, till.t.cardNo);
    const points = await fleet.services.ledger.pointsOf(fleet.merchant.merchantId, till.t.memberId);
    const name = `${prefix}${till.t.terminalId.slice(-6)}`;
    invariant(`${name}: registered = journaled (${journaled.length}), none twice`, registered.length === journaled.length && set.size === registered.length && journaled.every((id) => set.has(id)));
    invariant(
      `${name}: balance and points equal its sales`,
      balance.principalFen + balance.bonusFen === expected.rechargeFen - journaled.length * expected.saleFen && points === journaled.length * expected.pointsPerSale,
    );
  }
  invariant(`${prefix}0 lost, ${expected.sales} registered`, lost === 0 && rows.length === expected.sales, `${rows.length} registered, ${lost} lost`);
  invariant(`${prefix}ledger check`, (await checkLedger(gdb, fleet.merchant.merchantId)).ok);
}

/** Stops every till's sync client and closes its store. */
export async function closeTills(tills: ReadonlyArray<{ store: LocalStore; client: SyncClient }>): Promise<void> {
  for (const till of tills) {
    await till.client.stop();
    till.store.close();
  }
}
