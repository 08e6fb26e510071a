// The gateway's schedule: every `intervalMs` (default one minute) it looks at each merchant's clock
// and, once the local time has passed `runAt`, runs every scheduled job for its default as-of date
// (today for daily jobs, the end of last month for monthly ones). A period that already succeeded is
// a no-op in the runner, so ticking every minute, on any number of gateway instances, runs each
// period once; a day the gateway was down is caught up at the next tick for monthly jobs.
import type { Logger } from 'pino';
import type { GatewayDb } from '../db/database.js';
import { GatewayError } from '../errors.js';
import { localTimeOfDay } from './calendar.js';
import type { JobRun, JobRunner } from './job-runner.js';

export const DEFAULT_SCHEDULE_INTERVAL_MS = 60_000;
/** Bounds one tick: merchants beyond this wait for the next tick. */
const MAX_MERCHANTS_PER_TICK = 1_000;

export class JobScheduler {
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<JobRun[]> | undefined;
  private readonly log: Logger;

  constructor(
    private readonly gdb: GatewayDb,
    private readonly runner: JobRunner,
    log: Logger,
    private readonly intervalMs = DEFAULT_SCHEDULE_INTERVAL_MS,
  ) {
    this.log = log.child({ module: 'jobs/scheduler' });
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick().catch((err) => this.log.error({ err }, 'schedule tick failed')), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a tick in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking?.catch(() => undefined);
  }

  /** One pass over every merchant; returns the runs that ran (not the no-ops). A tick in progress is joined, not doubled. */
  tick(): Promise<JobRun[]> {
    this.ticking ??= this.pass().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  private async pass(): Promise<JobRun[]> {
    const merchants = await this.gdb.db.selectFrom('merchants').select('id').orderBy('id').limit(MAX_MERCHANTS_PER_TICK).execute();
    const ran: JobRun[] = [];
    for (const { id: merchantId } of merchants) {
      const cal = await this.runner.merchantCalendar(merchantId);
      if (localTimeOfDay(cal.nowMs, cal.utcOffsetMinutes) < cal.settings.runAt) continue;
      for (const def of this.runner.jobs) {
        if (cal.settings.disabled.includes(def.name)) continue;
        try {
          const r = await this.runner.run(merchantId, def.name, { trigger: 'schedule' });
          if (!r.replayed) ran.push(r.run);
        } catch (error) {
          // Another instance is running this period: it records the outcome.
          if (error instanceof GatewayError && error.code === 'CONFLICT') continue;
          throw error;
        }
      }
    }
    return ran;
  }
}
