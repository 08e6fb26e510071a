// Fuzz target (c): malformed ESC/POS into the simulator's printer over TCP (port 9100 style), each
// stream on its own connection: random bytes, command introducers with random parameters, and the
// demo receipt with bytes flipped, inserted or deleted. Invariants: the printer answers DLE EOT
// (a real-time status request) after every stream, reports problems instead of throwing, never
// stalls, and the next valid receipt prints exactly (junk text without a cut may precede it on the
// same paper, as on a real printer), unless the junk ended inside a command with
// a declared length (then, as on a real printer, the following bytes are that command's data:
// counted, and the printer is swapped for a fresh one so later cases start clean).
import { connect } from 'node:net';
import { chineseSaleReceipt, EscPosPrinter, EscPosStream, TcpPrinterServer } from '@pos/hardware-sim';
import { FuzzTally, mutateBytes, pickOne, randomBytes, randomInt, seededRandom, type FuzzResult } from './fuzz-result.js';

export interface EscPosOptions {
  streams: number;
  seed: number;
  progress?: (line: string) => void;
}

const INTRODUCERS = [
  [0x1b], [0x1d], [0x1c], [0x10, 0x04], [0x10, 0x14], [0x1d, 0x28, 0x6b], [0x1d, 0x28, 0x4c], [0x1d, 0x38, 0x4c],
  [0x1d, 0x76, 0x30], [0x1b, 0x2a], [0x1d, 0x6b], [0x1b, 0x26], [0x1c, 0x71], [0x1b, 0x44], [0x0a], [0x1c, 0x26], [0x1b, 0x40], [0x1d, 0x56],
];
const IDLE_TIMEOUT_MS = 5_000;

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Writes `bytes` on a new connection and closes it; resolves with whatever came back. */
async function sendOnce(port: number, bytes: Uint8Array, waitReplyBytes = 0): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const replies: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    socket.on('data', (d) => {
      replies.push(d);
      if (waitReplyBytes > 0 && Buffer.concat(replies).length >= waitReplyBytes) socket.end();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(replies)));
    socket.on('connect', () => {
      socket.write(bytes);
      if (waitReplyBytes === 0) socket.end();
    });
    setTimeout(() => socket.destroy(), 2_000).unref();
  });
}

class PrinterUnderTest {
  printer = new EscPosPrinter({ maxJobs: 10 });
  server = new TcpPrinterServer(this.printer);
  port = 0;
  problems = 0;

  async start(): Promise<void> {
    this.printer.on('problem', () => (this.problems += 1));
    this.port = await this.server.listen(0);
  }

  async close(): Promise<void> {
    await this.server.close();
  }
}

export async function fuzzEscPosPrinter(options: EscPosOptions): Promise<FuzzResult> {
  const tally = new FuzzTally('ESC/POS printer over TCP');
  const random = seededRandom(options.seed);
  const crashes: string[] = [];
  const onCrash = (error: unknown) => crashes.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  const valid = chineseSaleReceipt();
  let p = new PrinterUnderTest();
  await p.start();
  let swaps = 0;
  try {
    // The reference: what the valid receipt prints as on a clean printer.
    await sendOnce(p.port, valid);
    await withTimeout(p.printer.whenIdle(5), IDLE_TIMEOUT_MS, 'printing the reference receipt');
    const reference = p.printer.jobs.at(-1)?.text;
    tally.check(reference !== undefined && reference.includes('星光便利店'), `the reference receipt did not print: ${reference}`);
    const kinds: [string, () => Uint8Array][] = [
      ['random bytes', () => randomBytes(random, 400)],
      ['introducer soup', () => Uint8Array.from(Array.from({ length: 1 + randomInt(random, 40) }, () => (random() < 0.5 ? pickOne(random, INTRODUCERS) : Array.from(randomBytes(random, 8)))).flat())],
      ['mutated receipt', () => mutateBytes(random, valid)],
      ['truncated receipt', () => valid.subarray(0, randomInt(random, valid.length))],
    ];
    for (let i = 0; i < options.streams; i += 1) {
      const [kind, make] = pickOne(random, kinds);
      const junk = make();
      tally.cases += 1;
      const problemsBefore = p.problems;
      const jobsBefore = p.printer.jobs.length;
      try {
        await sendOnce(p.port, junk);
        const status = await sendOnce(p.port, Uint8Array.from([0x10, 0x04, 0x01]), 1);
        tally.check(status.length === 1, `${kind} #${i}: DLE EOT 1 got ${status.length} bytes back`);
        await withTimeout(p.printer.whenIdle(5), IDLE_TIMEOUT_MS, `${kind} #${i}: the printer going idle`);
      } catch (error) {
        tally.fail(`${kind} #${i}: ${(error as Error).message}`);
        continue;
      }
      const problems = p.problems - problemsBefore;
      const jobs = p.printer.jobs.length - jobsBefore;
      tally.count(`${kind} → ${problems > 0 ? 'problems reported' : 'no problem'}${jobs > 0 ? ', printed' : ''}`);
      const probe = new EscPosStream();
      probe.push(junk);
      const leftOpen = probe.bufferedBytes > 0;
      if (leftOpen) {
        // The printer now waits for that command's data; a fresh one takes over.
        tally.count(`${kind} → ended inside a command (printer swapped)`);
        await p.close();
        p = new PrinterUnderTest();
        await p.start();
        swaps += 1;
        continue;
      }
      await sendOnce(p.port, valid);
      await withTimeout(p.printer.whenIdle(5), IDLE_TIMEOUT_MS, 'the receipt after junk').catch((e: Error) => tally.fail(e.message));
      // Junk text without a cut is on the same paper, before the receipt: the receipt must end the job exactly.
      const printed = p.printer.jobs.at(-1)?.text;
      const exact = printed !== undefined && reference !== undefined && printed.endsWith(reference);
      tally.check(exact, `${kind} #${i}: the receipt after junk printed as ${JSON.stringify(printed?.slice(0, 200))}; junk ${Buffer.from(junk).toString('hex').slice(0, 200)}`);
      tally.count(`valid receipt after ${kind} → ${exact ? (printed === reference ? 'exact' : 'exact, after junk text on the same paper') : 'WRONG'}`);
      if (i > 0 && i % 1000 === 0) options.progress?.(`  escpos: ${i} streams`);
    }
  } finally {
    await p.close();
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  }
  for (const c of crashes) tally.fail(`uncaught: ${c}`);
  tally.note(`printer swapped ${swaps} times (junk ended inside a declared-length command); uncaught exceptions: ${crashes.length}`);
  return tally.result();
}
