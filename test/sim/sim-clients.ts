// Terminal-side clients for simulator tests: a serialport reader on a PTY, a TCP printer
// connection, and HID report decoding. They use the same transports the terminal's drivers use.
import { connect, type Socket } from 'node:net';
import { SerialPort } from 'serialport';

export async function openSerial(path: string, baudRate = 9600): Promise<{ port: SerialPort; received: () => Buffer; waitFor: (pred: (all: Buffer) => boolean, timeoutMs?: number) => Promise<Buffer>; close: () => Promise<void> }> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  let all = Buffer.alloc(0);
  port.on('data', (chunk: Buffer) => {
    all = Buffer.concat([all, chunk]);
  });
  return {
    port,
    received: () => all,
    waitFor: (pred, timeoutMs = 3000) => waitUntil(() => (pred(all) ? all : null), timeoutMs, `serial data on ${path}`),
    close: () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}

export async function waitUntil<T>(probe: () => T | null | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface PrinterClient {
  socket: Socket;
  send(bytes: Uint8Array): Promise<void>;
  /** Sends DLE EOT n and returns the one status byte the printer answers. */
  status(n: 1 | 2 | 3 | 4): Promise<number>;
  close(): void;
}

export async function connectPrinter(port: number, host = '127.0.0.1'): Promise<PrinterClient> {
  const socket = connect({ port, host });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  const replies: number[] = [];
  socket.on('data', (chunk: Buffer) => replies.push(...chunk));
  return {
    socket,
    send: (bytes) => new Promise<void>((resolve, reject) => socket.write(bytes, (e) => (e ? reject(e) : resolve()))),
    async status(n) {
      const before = replies.length;
      socket.write(Uint8Array.of(0x10, 0x04, n));
      await waitUntil(() => replies.length > before, 2000, `DLE EOT ${n} reply`);
      return replies.splice(before, 1)[0]!;
    },
    close: () => socket.destroy(),
  };
}

/** US-layout boot-keyboard reports back to text (the inverse of what a wedge device types). */
export function reportsToText(reports: Buffer[]): string {
  const plain = 'abcdefghijklmnopqrstuvwxyz1234567890';
  const shifted = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ!@#$%^&*()';
  const punct: Record<number, [string, string]> = {
    0x2c: [' ', ' '], 0x2d: ['-', '_'], 0x2e: ['=', '+'], 0x2f: ['[', '{'], 0x30: [']', '}'], 0x31: ['\\', '|'],
    0x33: [';', ':'], 0x34: ["'", '"'], 0x35: ['`', '~'], 0x36: [',', '<'], 0x37: ['.', '>'], 0x38: ['/', '?'], 0x28: ['\n', '\n'],
  };
  let out = '';
  for (const r of reports) {
    const key = r[2] ?? 0;
    if (key === 0) continue;
    const shift = ((r[0] ?? 0) & 0x22) !== 0;
    if (key >= 0x04 && key <= 0x27) out += (shift ? shifted : plain)[key - 0x04];
    else out += punct[key]?.[shift ? 1 : 0] ?? '?';
  }
  return out;
}
