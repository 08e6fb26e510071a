// A network printer port (raw TCP, "port 9100"): bytes in to the printer, status replies out on
// the same socket; a full printer buffer pauses the socket so TCP flow control reaches the sender.
import { createServer, type Server, type Socket } from 'node:net';
import type { EscPosPrinter } from '../devices/escpos-printer.js';

const MAX_CONNECTIONS = 8;

export class TcpPrinterServer {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor(
    private readonly printer: EscPosPrinter,
    private readonly host = '127.0.0.1',
  ) {}

  get address(): { host: string; port: number } {
    return { host: this.host, port: this.port };
  }

  async listen(port: number): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    server.maxConnections = MAX_CONNECTIONS;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => resolve());
    });
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : port;
    this.server = server;
    return this.port;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const session = this.printer.openSession((bytes) => {
      if (!socket.destroyed) socket.write(bytes);
    });
    const onDrain = (): void => {
      if (!socket.destroyed) socket.resume();
    };
    this.printer.on('drain', onDrain);
    socket.on('data', (chunk) => {
      if (!session.write(chunk)) socket.pause();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.printer.off('drain', onDrain);
    });
  }

  /** Drops every connection (like pulling the network cable) and keeps listening. */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.dropConnections();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
