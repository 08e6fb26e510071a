// Group commit of the sync sessions' event batches: while one merchant's transaction runs, the
// batches other sessions submit wait, and the next transaction takes all of them at once.
//
// Why: every sale of a merchant changes a few shared rows (the points-issued account, the store's
// sales accounts). With one transaction per session batch, each commit held those rows through its
// fsync, so ingest stopped growing at a few hundred commits per second however many tills were
// sending (500 tills: ~250 sales/s, mostly batches of one or two events). One transaction for
// many sessions pays the lock and the fsync once.
//
// No timer: an idle gateway commits a batch at once; under load the groups grow by themselves.
// A group that fails rejects every part; each session then applies its own events one at a time,
// which decides refusals exactly as before.
import type { ApplyOutcome, SyncEvent, SyncEventApplier, TerminalIdentity } from './event-applier.js';

/** Events per transaction at most: a group is one transaction's worth of locks and statements. */
const MAX_GROUP_EVENTS = 2_000;

interface Part {
  terminal: TerminalIdentity;
  events: readonly SyncEvent[];
  resolve: (outcomes: ApplyOutcome[]) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit {
  /** Waiting parts and whether a group is running, per merchant. */
  private readonly merchants = new Map<string, { waiting: Part[]; running: boolean }>();

  constructor(private readonly applier: Pick<SyncEventApplier, 'applyGroup'>) {}

  /** The outcomes of `events`, applied in the next group transaction of the terminal's merchant. */
  submit(terminal: TerminalIdentity, events: readonly SyncEvent[]): Promise<ApplyOutcome[]> {
    return new Promise((resolve, reject) => {
      let merchant = this.merchants.get(terminal.merchantId);
      if (!merchant) {
        merchant = { waiting: [], running: false };
        this.merchants.set(terminal.merchantId, merchant);
      }
      merchant.waiting.push({ terminal, events, resolve, reject });
      if (!merchant.running) void this.run(terminal.merchantId);
    });
  }

  private async run(merchantId: string): Promise<void> {
    const merchant = this.merchants.get(merchantId)!;
    merchant.running = true;
    try {
      while (merchant.waiting.length > 0) {
        const group = takeGroup(merchant.waiting);
        try {
          const outcomes = await this.applier.applyGroup(group.map(({ terminal, events }) => ({ terminal, events })));
          group.forEach((part, i) => part.resolve(outcomes[i]!));
        } catch (error) {
          for (const part of group) part.reject(error);
        }
      }
    } finally {
      merchant.running = false;
      if (merchant.waiting.length === 0) this.merchants.delete(merchantId);
      else void this.run(merchantId);
    }
  }
}

/** The parts of the next group: at least one, then as many as fit MAX_GROUP_EVENTS. */
function takeGroup(waiting: Part[]): Part[] {
  let events = waiting[0]!.events.length;
  let count = 1;
  while (count < waiting.length && events + waiting[count]!.events.length <= MAX_GROUP_EVENTS) {
    events += waiting[count]!.events.length;
    count += 1;
  }
  return waiting.splice(0, count);
}
