// A terminal process for bench/catch-up.ts, so its time and memory are its own:
//   offline <store> <ws url> <terminalId> <secret> <storeId> <memberId> <cardNo> <sales> <firstIndex>
//     commits <sales> offline stored-value sales with the gateway unreachable (client not started),
//     then starts the sync client and times start → outbox empty (every sale acked).
//   bootstrap <store> <ws url> <terminalId> <secret>
//     a new terminal: times start → welcome + full snapshot applied (cursor set, online).
// Prints one JSON line with the figures and the process's peak RSS (getrusage maxrss).
import { LocalStore } from '../../terminal/src/store/index.js';
import { SyncClient } from '../../terminal/src/sync/index.js';
import { saleDraft } from '../../test/terminal/store/fixtures/records.js';

const [mode, file, url, terminalId, secret, storeId, memberId, cardNo, salesArg, firstArg] = process.argv.slice(2);
/** A run that has not finished by then reports how far it got (the bench extrapolates) instead of hanging. */
const deadlineMs = Number(process.env.CATCH_UP_DEADLINE_MS ?? 120_000);
if (!mode || !file || !url || !terminalId || !secret) throw new Error('usage: catch-up-terminal offline|bootstrap <store> <url> <terminalId> <secret> …');

const store = LocalStore.open(file);
const client = new SyncClient({ url, terminalId, secret, store, softwareVersion: 'bench' });
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
/** True when `check` held before `timeoutMs`, false when the time ran out. */
async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}

if (mode === 'offline') {
  const sales = Number(salesArg);
  const first = Number(firstArg);
  const commitStart = process.hrtime.bigint();
  for (let i = 0; i < sales; i += 1) {
    const draft = saleDraft(first + i, { storeId, terminalId, memberId, cardNo, tenders: [{ kind: 'storedValue', amountFen: 300, principalFen: 300, bonusFen: 0, cardNo: cardNo! }] });
    store.commitSale(draft, 'C-');
  }
  const commitMs = ms(commitStart);
  const start = process.hrtime.bigint();
  client.start();
  const complete = await until(() => store.journal.outboxSize() === 0, deadlineMs);
  const ackedMs = ms(start);
  console.log(JSON.stringify({ sales, acked: sales - store.journal.outboxSize(), complete: complete ? 1 : 0, commitMs, ackedMs, maxRssKb: process.resourceUsage().maxRSS }));
} else {
  const start = process.hrtime.bigint();
  client.start();
  const complete = await until(() => store.cursor() !== null && client.status$.value.state === 'online', deadlineMs);
  const bootMs = ms(start);
  const size = store.members.size();
  console.log(JSON.stringify({ bootMs, complete: complete ? 1 : 0, members: size.members, cards: size.cards, rssKb: Math.round(process.memoryUsage().rss / 1024), maxRssKb: process.resourceUsage().maxRSS }));
}
await client.stop();
store.close();
