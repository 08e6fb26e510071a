// Child processes for benchmarks and chaos runs: the gateway (gateway-child.ts) and terminal
// workers (terminal-worker.ts), each run with tsx so they are measured and killed apart.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export interface GatewayProcess {
  proc: ChildProcess;
  /** http://127.0.0.1:<port> */
  url: string;
  /** ws://127.0.0.1:<port>/v1/sync */
  syncUrl: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (clean close) and wait for the exit. */
  stop(): Promise<void>;
  /** The last 4,000 characters the gateway wrote to stderr (why it died, when it did). */
  stderr(): string;
}

/** Starts the gateway on `databaseUrl` (port 0 = any free port) and waits until it listens. */
export function startGatewayProcess(databaseUrl: string, port = 0, timeoutMs = 60_000): Promise<GatewayProcess> {
  // BENCH_GATEWAY_PROF=<dir> writes a V8 CPU profile of the gateway there (to see where its time goes).
  const prof = process.env.BENCH_GATEWAY_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_GATEWAY_PROF}`] : [];
  const proc = spawn(process.execPath, [...prof, '--import', 'tsx', here('./gateway-child.ts')], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`gateway did not listen within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const url = m[1]!;
      resolve({
        proc,
        url,
        syncUrl: `${url.replace(/^http/, 'ws')}/v1/sync`,
        exited,
        stderr: () => stderr,
        stop: async () => {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
          await exited;
        },
      });
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited (${code ?? signal}) before listening: ${stderr}`));
    });
  });
}

/** A forked tsx child speaking JSON messages over IPC. */
export interface Worker<In, Out> {
  proc: ChildProcess;
  send(message: In): void;
  /** The next message matching `type` (rejects if the worker exits first or after `timeoutMs`). */
  next<T extends Out & { type: string }>(type: T['type'], timeoutMs: number): Promise<T>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function forkWorker<In, Out extends { type: string }>(file: string, args: string[] = []): Worker<In, Out> {
  // BENCH_WORKER_PROF=<dir> writes a V8 CPU profile of each worker there.
  const prof = process.env.BENCH_WORKER_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_WORKER_PROF}`] : [];
  const proc = fork(file, args, { execArgv: [...prof, '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const inbox: Out[] = [];
  const waiting: Array<{ type: string; resolve: (m: Out) => void }> = [];
  proc.on('message', (m: unknown) => {
    const msg = m as Out;
    const i = waiting.findIndex((w) => w.type === msg.type);
    if (i >= 0) waiting.splice(i, 1)[0]!.resolve(msg);
    else inbox.push(msg);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    proc,
    exited,
    send: (message) => proc.send(message as object),
    next: <T extends Out>(type: string, timeoutMs: number) =>
      new Promise<T>((resolve, reject) => {
        const i = inbox.findIndex((m) => m.type === type);
        if (i >= 0) return resolve(inbox.splice(i, 1)[0] as T);
        const timer = setTimeout(() => reject(new Error(`worker sent no '${type}' within ${timeoutMs} ms`)), timeoutMs);
        waiting.push({
          type,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m as T);
          },
        });
        void exited.then(({ code, signal }) => {
          clearTimeout(timer);
          reject(new Error(`worker exited (${code ?? signal}) while waiting for '${type}'`));
        });
      }),
  };
}
