// kill -9 while a child process commits sales: every sale it reported as committed is there after
// reopening, with its receipt number; nothing is half-written; numbers are gap-free; the last sale
// can be read back for a reprint. A real child process and a real SIGKILL, no mocks.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalStore, formatReceiptNo } from '../../../terminal/src/store/index.js';

const child = fileURLToPath(new URL('./fixtures/commit-loop.ts', import.meta.url));

/** Runs the child until it has reported `killAfter` commits, then SIGKILLs it; resolves with what it reported. */
function runAndKill(file: string, start: number, killAfter: number, extraDelayMs: number): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, file, String(start)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked = new Map<string, string>();
    let buffer = '';
    let killing = false;
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    proc.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') continue;
        const [saleId, receiptNo] = line.split(' ');
        acked.set(saleId!, receiptNo!);
      }
      if (!killing && acked.size >= killAfter) {
        killing = true;
        // A random extra delay lands the kill anywhere inside a later commit.
        setTimeout(() => proc.kill('SIGKILL'), extraDelayMs);
      }
    });
    proc.on('exit', (code, signal) => {
      // Lines written before the kill may still be in the pipe: they are acks too.
      for (const line of buffer.split('\n')) {
        const [saleId, receiptNo] = line.split(' ');
        if (saleId && receiptNo) acked.set(saleId, receiptNo);
      }
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}

describe('kill -9 during sale commits', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pos-kill9-'));
  const file = path.join(dir, 'terminal.sqlite');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every acknowledged sale across three random kills, gap-free and reprintable', async () => {
    const allAcked = new Map<string, string>();
    let start = 0;
    for (let round = 0; round < 3; round += 1) {
      const killAfter = 20 + Math.floor(Math.random() * 150);
      const acked = await runAndKill(file, start, killAfter, Math.floor(Math.random() * 15));
      start += 100_000;
      for (const [k, v] of acked) allAcked.set(k, v);
      expect(acked.size).toBeGreaterThanOrEqual(killAfter);

      const store = LocalStore.open(file);
      try {
        expect(store.integrityCheck()).toBe('ok');
        for (const [saleId, receiptNo] of allAcked) {
          expect(store.journal.saleById(saleId)?.body.receiptNo).toBe(receiptNo);
        }
        const journal = store.journal.journalSize();
        // At most the one commit in flight at the kill is durable without having been reported.
        expect(journal - allAcked.size).toBeGreaterThanOrEqual(0);
        expect(journal - allAcked.size).toBeLessThanOrEqual(round + 1);
        // Nothing half-written: every journal row has its outbox row (nothing was acked).
        expect(store.journal.outboxSize()).toBe(journal);
        const receipts: string[] = [];
        for (let page = store.journal.journalAfter(0, 1000); page.length > 0; page = store.journal.journalAfter(page.at(-1)!.journalSeq, 1000)) {
          receipts.push(...page.map((e) => (e.body as { receiptNo: string }).receiptNo));
        }
        expect(receipts).toEqual(Array.from({ length: journal }, (_, k) => formatReceiptNo('K-', k + 1)));
        // The last sale reads back whole for a reprint.
        const last = store.journal.lastSale();
        expect(last?.body.receiptNo).toBe(formatReceiptNo('K-', journal));
        expect(last?.body.lines[0]?.name).toBe('矿泉水 550ml');
      } finally {
        store.close();
      }
    }
  });
});
