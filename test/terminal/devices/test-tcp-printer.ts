// Test helper: an ESC/POS printer on a real TCP socket (or any byte line, e.g. a serial PTY), built from the simulator's committed decoder and
// status-byte model (the simulator's own TCP printer had not landed when this was written). It answers DLE EOT like
// a real printer, opens its drawer on ESC p, and like a real printer keeps what it receives while stopped (paper out,
// cover open) in its buffer and prints it when it can again; a power cycle loses that buffer.
import net from 'node:net';
import { EscPosStream, decodeEscPos, readyPrinterState, receiptToText, statusByte, type PrinterState } from '../../../hardware-sim/src/escpos/index.js';

export class TestTcpPrinter {
  state: PrinterState = readyPrinterState();
  /** When false the printer ignores status requests (hung, or switched off behind a network box). */
  answersStatus = true;
  /** Paper runs out after this many more printed bytes (a roll ending mid-receipt). */
  paperOutAfterBytes: number | null = null;
  private printed: number[] = [];
  /** Received while stopped: printed once the printer can print again, lost on a power cycle. */
  private buffered: number[] = [];
  private readonly kicks: number[] = [];
  private readonly sockets = new Set<net.Socket>();
  private server: net.Server | null = null;
  connections = 0;
  port = 0;

  async listen(port = 0): Promise<number> {
    const server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
    return this.port;
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    this.connections += 1;
    this.attach(socket);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.sockets.delete(socket));
  }

  /** Serves any byte duplex (a TCP socket, the device end of a serial line) as this printer. */
  attach(line: { on(event: 'data', listener: (chunk: Buffer) => void): unknown; write(bytes: Buffer): unknown }): void {
    const stream = new EscPosStream();
    const received: number[] = [];
    line.on('data', (chunk) => {
      received.push(...chunk);
      this.resumeIfPossible();
      for (const { command, offset, length } of stream.push(chunk)) {
        if (command.type === 'statusRequest') {
          if (this.answersStatus) line.write(Buffer.from([statusByte(command.kind, this.state)]));
          continue;
        }
        if (command.type === 'drawerKick') {
          this.kicks.push(command.pin);
          this.state.drawerOpen = true;
          continue;
        }
        const bytes = received.slice(offset, offset + length);
        if (this.stopped()) {
          this.buffered.push(...bytes);
          continue;
        }
        if (this.paperOutAfterBytes !== null) {
          this.paperOutAfterBytes -= length;
          if (this.paperOutAfterBytes <= 0) {
            this.paperOutAfterBytes = null;
            this.state.paperOut = true;
            this.buffered.push(...bytes);
            continue;
          }
        }
        this.printed.push(...bytes);
      }
    });
  }

  private stopped(): boolean {
    return this.state.paperOut || this.state.coverOpen || this.state.offline;
  }

  private resumeIfPossible(): void {
    if (this.stopped() || this.buffered.length === 0) return;
    this.printed.push(...this.buffered);
    this.buffered = [];
  }

  /** Switches the printer off and on: connections drop and whatever it had not printed is gone. */
  powerCycle(): void {
    this.buffered = [];
    this.dropConnections();
  }

  /** Every receipt printed so far, decoded by the simulator's decoder to text with [QR …] and [cut] markers. */
  printedText(): string[] {
    return decodeEscPos(Buffer.from(this.printed)).receipts.map((r) => receiptToText(r, { markers: true }));
  }

  drawerKicks(): number[] {
    return [...this.kicks];
  }

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
