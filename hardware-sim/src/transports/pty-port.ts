// A serial port for the terminal: Debian `socat` makes a pseudo-terminal whose slave is linked at
// `path` (the terminal opens it with `serialport`), and whose master is our child's stdin/stdout.
// Unplug kills socat, which removes the link; replug starts it again at the same path.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { SimError } from '../sim-error.js';

const START_TIMEOUT_MS = 5_000;
const MAX_STDERR_CHARS = 4_096;

export interface PtyPortEvents {
  data: [Buffer];
  unplugged: [];
  plugged: [];
}

export class PtyPort extends EventEmitter<PtyPortEvents> {
  private child: ChildProcessWithoutNullStreams | null = null;

  constructor(readonly path: string) {
    super();
  }

  get plugged(): boolean {
    return this.child !== null;
  }

  /** Starts socat and resolves once the link exists. */
  async plug(): Promise<void> {
    if (this.child) return;
    const child = spawn('socat', ['-d', '-d', `PTY,rawer,link=${this.path}`, 'STDIO'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new SimError('PTY_START_FAILED', `socat did not create ${this.path} within ${START_TIMEOUT_MS} ms: ${stderr}`));
      }, START_TIMEOUT_MS);
      child.once('error', (error) => {
        clearTimeout(timer);
        const code = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'SOCAT_MISSING' : 'PTY_START_FAILED';
        reject(new SimError(code, `cannot start socat: ${error.message}`, { cause: error }));
      });
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < MAX_STDERR_CHARS) stderr += chunk.toString('utf8');
        // socat logs this once the PTY exists and its link is in place.
        if (stderr.includes('starting data transfer loop') && existsSync(this.path)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new SimError('PTY_START_FAILED', `socat exited with ${code}: ${stderr}`));
      });
    });
    child.removeAllListeners('exit');
    child.stdout.on('data', (chunk: Buffer) => this.emit('data', chunk));
    child.stdin.on('error', () => {
      // The pipe breaks when socat goes away; the exit handler reports that.
    });
    child.once('exit', () => {
      if (this.child === child) {
        this.child = null;
        this.emit('unplugged');
      }
    });
    this.child = child;
    this.emit('plugged');
  }

  /** Stops socat; the terminal's open port sees a hang-up and the device node disappears. */
  async unplug(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
    this.emit('unplugged');
  }

  /** Stops reading what the terminal writes: socat's pipe fills, it stops reading the PTY, and the terminal's writes block. */
  pause(): void {
    this.child?.stdout.pause();
  }

  resume(): void {
    this.child?.stdout.resume();
  }

  /** Sends bytes to the terminal; resolves when the pipe to socat took them. */
  async write(bytes: Uint8Array): Promise<void> {
    const child = this.child;
    if (!child) throw new SimError('DEVICE_UNPLUGGED', `${this.path} is unplugged`);
    await new Promise<void>((resolve, reject) => {
      child.stdin.write(Buffer.from(bytes), (error) => (error ? reject(error) : resolve()));
    });
  }
}
