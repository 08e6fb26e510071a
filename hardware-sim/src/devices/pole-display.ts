// A customer pole display (VFD, 2×20) on a serial line, speaking the Epson DM-D command set most
// pole displays copy: ESC @ / FF clear, CR, LF, US $ x y cursor, ESC Q A / ESC Q B line messages;
// bytes ≥ 0x80 are GB18030 (two columns per Chinese character).
import iconv from 'iconv-lite';
import { EventEmitter } from 'node:events';
import type { PtyPort } from '../transports/pty-port.js';

const COLUMNS = 20;
const ROWS = 2;
const MAX_PENDING_BYTES = 256;

export class PoleDisplay extends EventEmitter<{ changed: [string[]] }> {
  private cells: string[][] = blank();
  private row = 0;
  private col = 0;
  private pending: number[] = [];
  unknownBytes = 0;

  constructor(readonly port: PtyPort) {
    super();
    port.on('data', (chunk) => this.receive(chunk));
  }

  /** The two lines as shown (trailing spaces kept, 20 columns each). */
  lines(): string[] {
    return this.cells.map((r) => r.join(''));
  }

  receive(chunk: Uint8Array): void {
    for (const b of chunk) this.pending.push(b);
    if (this.pending.length > MAX_PENDING_BYTES) this.pending.splice(0, this.pending.length - MAX_PENDING_BYTES);
    let i = 0;
    const p = this.pending;
    while (i < p.length) {
      const b = p[i]!;
      if (b === 0x1b) {
        if (i + 1 >= p.length) break;
        const c = p[i + 1]!;
        if (c === 0x40) {
          this.clear();
          i += 2;
        } else if (c === 0x51) {
          // ESC Q A|B text CR: write a whole line.
          const cr = p.indexOf(0x0d, i + 3);
          if (i + 2 >= p.length || cr < 0) break;
          const target = p[i + 2] === 0x42 ? 1 : 0;
          this.cells[target] = Array.from({ length: COLUMNS }, () => ' ');
          this.row = target;
          this.col = 0;
          this.writeText(Buffer.from(p.slice(i + 3, cr)));
          i = cr + 1;
        } else {
          this.unknownBytes += 2;
          i += 2;
        }
      } else if (b === 0x1f) {
        if (i + 1 >= p.length) break;
        if (p[i + 1] === 0x24) {
          if (i + 3 >= p.length) break;
          this.col = Math.min(COLUMNS - 1, Math.max(0, p[i + 2]! - 1));
          this.row = Math.min(ROWS - 1, Math.max(0, p[i + 3]! - 1));
          i += 4;
        } else {
          this.unknownBytes += 2;
          i += 2;
        }
      } else if (b === 0x0c) {
        this.clear();
        i++;
      } else if (b === 0x0d) {
        this.col = 0;
        i++;
      } else if (b === 0x0a) {
        this.row = Math.min(ROWS - 1, this.row + 1);
        i++;
      } else if (b === 0x0b) {
        this.row = 0;
        this.col = 0;
        i++;
      } else if (b >= 0x20) {
        let end = i;
        while (end < p.length && p[end]! >= 0x20) end++;
        // Keep a GB18030 lead byte whose trail has not arrived yet.
        if (end === p.length && p[end - 1]! >= 0x81 && countHigh(p, i, end) % 2 === 1) end--;
        if (end === i) break;
        this.writeText(Buffer.from(p.slice(i, end)));
        i = end;
      } else {
        this.unknownBytes++;
        i++;
      }
    }
    this.pending = p.slice(i);
    this.emit('changed', this.lines());
  }

  private writeText(bytes: Buffer): void {
    for (const ch of iconv.decode(bytes, 'gb18030')) {
      const wide = (ch.codePointAt(0) ?? 0) >= 0x2e80;
      if (this.col + (wide ? 2 : 1) > COLUMNS) continue;
      const line = this.cells[this.row]!;
      line[this.col] = ch;
      if (wide) line[this.col + 1] = '';
      this.col += wide ? 2 : 1;
    }
  }

  private clear(): void {
    this.cells = blank();
    this.row = 0;
    this.col = 0;
  }
}

function blank(): string[][] {
  return Array.from({ length: ROWS }, () => Array.from({ length: COLUMNS }, () => ' '));
}

function countHigh(p: number[], from: number, to: number): number {
  let n = 0;
  for (let i = to - 1; i >= from && p[i]! >= 0x81; i--) n++;
  return n;
}
