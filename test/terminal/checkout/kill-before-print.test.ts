// kill -9 after the sale is committed and before it prints: on restart the sale is in the journal
// and outbox, and the last receipt can be read back whole for a reprint. Real child process, real SIGKILL.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckoutMachine } from '../../../terminal/src/checkout/index.js';
import { LocalStore } from '../../../terminal/src/store/index.js';
import { STORE_ID, TERMINAL_ID, T0_MS } from '../store/fixtures/records.js';

const child = fileURLToPath(new URL('./fixtures/sell-then-hang.ts', import.meta.url));

describe('kill -9 between commit and print', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pos-kill-print-'));
  const file = path.join(dir, 'terminal.sqlite');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the committed sale and can reprint it after restart', async () => {
    const reported = await new Promise<string>((resolve, reject) => {
      const proc = spawn(process.execPath, ['--import', 'tsx', child, file], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
      proc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) proc.kill('SIGKILL');
      });
      proc.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve(out.trim()) : reject(new Error(`child did not commit: ${err}`))));
    });
    const [word, receiptNo, saleId] = reported.split(' ');
    expect(word).toBe('committed');
    expect(receiptNo).toBe('R-00000001');

    const store = LocalStore.open(file);
    try {
      expect(store.integrityCheck()).toBe('ok');
      const last = store.journal.lastSale();
      expect(last?.body).toMatchObject({ saleId, receiptNo: 'R-00000001', totals: { payableFen: 101 }, tenders: [{ kind: 'cash', amountFen: 10_000, changeFen: 9_899 }] });
      expect(last?.body.lines.map((l) => l.name)).toEqual(['商品1']);
      expect(store.journal.pendingOutbox(10).map((e) => e.eventId)).toEqual([last?.eventId]);
      // A new machine after restart starts idle; the next sale continues the receipt sequence.
      const machine = new CheckoutMachine({ store, clock: { nowMs: () => T0_MS }, identity: { storeId: STORE_ID, terminalId: TERMINAL_ID, receiptPrefix: 'R-' }, verifyManagerPin: async () => null });
      expect(machine.state.phase).toBe('idle');
      machine.addSku('SKU-1');
      machine.startTendering();
      machine.addTender({ kind: 'cash', amountFen: 101 });
      expect(machine.state.committed?.receiptNo).toBe('R-00000002');
      machine.close();
    } finally {
      store.close();
    }
  });
});
