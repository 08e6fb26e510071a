// The machine a figure was measured on, printed with every benchmark and chaos run: the host is
// shared with other processes, so the load average goes next to each figure.
import os from 'node:os';

export function describeMachine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}, ${os.type()} ${os.release()}`;
}

/** `load 1.23 0.98 0.75` (1, 5, 15 minutes). */
export function loadAverage(): string {
  return `load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`;
}
