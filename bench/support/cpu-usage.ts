// Where the cores went during a benchmark run: CPU seconds of the gateway, the terminal workers
// and PostgreSQL, read from /proc (Linux), so a throughput figure can be explained by its budget.
// On a 2-core machine every process competes for the same cores; "ms of CPU per sale" per process
// says which one a faster design would have to shrink.
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc's utime/stime (sysconf(_SC_CLK_TCK); 100 on Linux x86/arm). */
const TICKS_PER_SECOND = 100;

/** user + system CPU seconds a process has used so far; 0 when it is gone. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by every process whose command name is `name` (e.g. every PostgreSQL backend). */
export function commandCpuSeconds(name: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (comm === name) total += processCpuSeconds(Number(entry));
    } catch {
      // the process ended between listing and reading
    }
  }
  return total;
}

/** Busy (non-idle) CPU seconds of the whole machine so far, all cores together. */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [, ...values] = line.trim().split(/\s+/);
  const ticks = values.map(Number);
  // user nice system idle iowait irq softirq steal ...: idle and iowait are not busy
  const busy = ticks.reduce((sum, t) => sum + t, 0) - (ticks[3] ?? 0) - (ticks[4] ?? 0);
  return busy / TICKS_PER_SECOND;
}

export interface CpuSnapshot {
  gateway: number;
  workers: number;
  postgres: number;
  machine: number;
}

export function cpuSnapshot(gatewayPid: number | undefined, workerPids: Array<number | undefined>): CpuSnapshot {
  return {
    gateway: gatewayPid ? processCpuSeconds(gatewayPid) : 0,
    workers: workerPids.reduce<number>((sum, pid) => sum + (pid ? processCpuSeconds(pid) : 0), 0),
    postgres: commandCpuSeconds('postgres'),
    machine: machineBusySeconds(),
  };
}

/** `CPU per sale: gateway 1.2 ms, terminals 3.4 ms, PostgreSQL 0.9 ms, whole machine 6.0 ms (of which others 0.5)`. */
export function formatCpuPerSale(before: CpuSnapshot, after: CpuSnapshot, sales: number): string {
  const per = (key: keyof CpuSnapshot) => ((after[key] - before[key]) * 1000) / Math.max(1, sales);
  const others = per('machine') - per('gateway') - per('workers') - per('postgres');
  return (
    `CPU per sale: gateway ${per('gateway').toFixed(2)} ms, terminals ${per('workers').toFixed(2)} ms, PostgreSQL ${per('postgres').toFixed(2)} ms, ` +
    `whole machine ${per('machine').toFixed(2)} ms (others ${Math.max(0, others).toFixed(2)})`
  );
}
