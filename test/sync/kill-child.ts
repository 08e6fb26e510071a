// Runs the sync commit loop (fixtures/sync-commit-loop.ts) as a child process and SIGKILLs it
// after it has reported a number of durably committed sales: shared by the kill -9 test and
// `npm run chaos` (chaos/kill-terminal.ts).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const child = fileURLToPath(new URL('./fixtures/sync-commit-loop.ts', import.meta.url));

export interface ChildRun {
  reported: string[];
  signal: NodeJS.Signals | null;
}

/** Runs the child until it has reported `killAfter` sales, waits `extraDelayMs`, then SIGKILLs it. */
export function runAndKill(args: string[], killAfter: number, extraDelayMs: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const reported: string[] = [];
    let buffer = '';
    let stderr = '';
    let killing = false;
    const take = (line: string) => {
      if (line && line !== 'ready') reported.push(line);
    };
    proc.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    proc.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      lines.forEach(take);
      if (!killing && reported.length >= killAfter) {
        killing = true;
        setTimeout(() => proc.kill('SIGKILL'), extraDelayMs);
      }
    });
    proc.on('exit', (code, signal) => {
      // Lines written before the kill may still be in the pipe: they were reported too.
      buffer.split('\n').forEach(take);
      if (signal === 'SIGKILL') resolve({ reported, signal });
      else reject(new Error(`child exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
}
