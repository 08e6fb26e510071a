// The forecourt controller's TCP port: each connection is a session of line-framed JSON; dropping the
// connections simulates a cut network cable while the controller keeps running its pumps.
import { createServer, type Server, type Socket } from 'node:net';
import type { ForecourtController } from './forecourt-controller.js';

const MAX_CONNECTIONS = 8;

export class ForecourtTcpServer {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly controller: ForecourtController,
    private readonly host = '127.0.0.1',
  ) {}

  async listen(port: number): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    server.maxConnections = MAX_CONNECTIONS;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => resolve());
    });
    this.server = server;
    const address = server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    let session;
    try {
      session = this.controller.openSession((bytes) => {
        if (!socket.destroyed) socket.write(bytes);
      });
    } catch {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on('data', (chunk) => session.write(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      session.close();
    });
  }

  /** Drops every connection (communication loss) and keeps listening. */
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
