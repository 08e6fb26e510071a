// Turns an ESC/POS byte stream arriving in chunks into commands, holding at most one incomplete
// command between chunks; `end()` reports a command cut off by the end of the stream.
import { copyBytes, MAX_COMMAND_BYTES, parseCommandAt } from './command-parser.js';
import type { ParsedCommand } from './commands.js';

export class EscPosStream {
  private pending: Uint8Array = new Uint8Array(0);
  private offset = 0;

  /** Feeds bytes; returns every command completed by them. */
  push(chunk: Uint8Array): ParsedCommand[] {
    const buf = this.pending.length === 0 ? chunk : concat(this.pending, chunk);
    const out: ParsedCommand[] = [];
    let pos = 0;
    while (pos < buf.length) {
      const step = parseCommandAt(buf, pos);
      if (step === null) {
        if (buf.length - pos > MAX_COMMAND_BYTES) {
          // A declared length we will never buffer: report the introducer and resynchronise after it.
          out.push({ command: { type: 'unknown', bytes: copyBytes(buf, pos, pos + 1), reason: 'command longer than the buffer limit' }, offset: this.offset + pos, length: 1 });
          pos += 1;
          continue;
        }
        break;
      }
      out.push({ command: step.command, offset: this.offset + pos, length: step.length });
      pos += step.length;
    }
    this.pending = copyBytes(buf, pos);
    this.offset += pos;
    return out;
  }

  /**
   * Ends the stream. A command cut off by the end is reported by its first byte and the bytes
   * after it are parsed again, so text behind a bogus length field is not lost.
   */
  end(): ParsedCommand[] {
    const buf = this.pending;
    const out: ParsedCommand[] = [];
    let pos = 0;
    while (pos < buf.length) {
      const step = parseCommandAt(buf, pos);
      if (step === null) {
        out.push({ command: { type: 'unknown', bytes: copyBytes(buf, pos, pos + 1), reason: 'stream ended inside a command' }, offset: this.offset + pos, length: 1 });
        pos += 1;
      } else {
        out.push({ command: step.command, offset: this.offset + pos, length: step.length });
        pos += step.length;
      }
    }
    this.offset += buf.length;
    this.pending = new Uint8Array(0);
    return out;
  }

  get bufferedBytes(): number {
    return this.pending.length;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Parses a whole buffer. */
export function parseEscPos(bytes: Uint8Array): ParsedCommand[] {
  const stream = new EscPosStream();
  return [...stream.push(bytes), ...stream.end()];
}
