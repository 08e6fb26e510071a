// Network printers on a raw TCP socket (port 9100, "JetDirect").
import net from 'node:net';
import { Subject } from 'rxjs';
import type { ByteTransport } from './byte-transport.js';
import { DeviceError } from '../../bus/device-error.js';

export interface TcpAddress {
  host: string;
  port: number;
  connectTimeoutMs?: number;
}

export class TcpTransport implements ByteTransport {
  readonly address: string;
  private socket: net.Socket | null = null;
  private readonly dataSubject = new Subject<Buffer>();
  private readonly lostSubject = new Subject<Error>();
  readonly data$ = this.dataSubject.asObservable();
  readonly lost$ = this.lostSubject.asObservable();

  constructor(private readonly tcp: TcpAddress) {
    this.address = `tcp_${tcp.host}:${tcp.port}`;
  }

  async open(): Promise<void> {
    if (this.socket) return;
    const timeoutMs = this.tcp.connectTimeoutMs ?? 3_000;
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.createConnection({ host: this.tcp.host, port: this.tcp.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new DeviceError('OPEN_FAILED', `${this.tcp.host}:${this.tcp.port} connect timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (error) => {
        clearTimeout(timer);
        reject(new DeviceError('OPEN_FAILED', `${this.tcp.host}:${this.tcp.port}: ${error.message}`, { cause: error }));
      });
    });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 5_000);
    socket.on('data', (chunk) => this.dataSubject.next(chunk));
    socket.on('error', () => undefined); // 'close' follows and reports the loss
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.lostSubject.next(new DeviceError('TRANSPORT_LOST', `${this.tcp.host}:${this.tcp.port} closed the connection`));
    });
    this.socket = socket;
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => socket.destroy(), 500).unref();
    });
  }

  async write(bytes: Uint8Array): Promise<void> {
    const socket = this.socket;
    if (!socket) throw new DeviceError('WRITE_FAILED', `${this.address} is not connected`);
    await new Promise<void>((resolve, reject) =>
      socket.write(bytes, (error) => (error ? reject(new DeviceError('WRITE_FAILED', error.message, { cause: error })) : resolve())),
    );
  }
}
