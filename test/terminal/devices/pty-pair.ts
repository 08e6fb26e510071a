// Test helper: a socat pseudo-terminal pair, the same transport the simulator's serial devices use.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PtyPair {
  /** The end the driver opens with serialport. */
  terminalPath: string;
  /** The end the test (playing the device) writes to. */
  devicePath: string;
  stop(): Promise<void>;
  /** Recreates the pair on the same paths (the device is replugged). */
  restart(): Promise<void>;
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for socat');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function startPtyPair(): Promise<PtyPair> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-pty-'));
  const terminalPath = path.join(dir, 'terminal');
  const devicePath = path.join(dir, 'device');
  let child: ChildProcess | null = null;
  const start = async (): Promise<void> => {
    child = spawn('socat', [`pty,raw,echo=0,link=${terminalPath}`, `pty,raw,echo=0,link=${devicePath}`], { stdio: 'ignore' });
    await waitFor(() => fs.existsSync(terminalPath) && fs.existsSync(devicePath), 5_000);
  };
  const stop = async (): Promise<void> => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
    await waitFor(() => !fs.existsSync(terminalPath), 2_000);
  };
  await start();
  return { terminalPath, devicePath, stop, restart: start };
}
