// Disk full on the terminal: the till's store lives on a 1 MB tmpfs and its real checkout sells
// until the disk refuses. The sale is refused with a clear message (STORE_REFUSED / DISK_FULL, in
// zh-CN and en), the cashier keeps the basket and tenders, nothing is half-written (journal and
// outbox hold exactly the committed sales, receipt numbers have no gap, the file is sound after
// reopening), and once space is freed the same sale commits with the next receipt number.
// Mounting needs root; without it the scenario reports BROKEN (it cannot show anything).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckoutMachine } from '../terminal/src/checkout/index.js';
import { LocalStore, formatReceiptNo } from '../terminal/src/store/index.js';
import { invariant, scenario } from './support.js';

const STORE_ID = '01JST0RE000000000000000001';
const TERMINAL_ID = '01JTERM0000000000000000001';
const PREFIX = 'D-';

await scenario('disk full on the terminal (1 MB tmpfs)', 2 * 60_000, async () => {
  const mountPoint = mkdtempSync(join(tmpdir(), 'pos-chaos-diskfull-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint]);
  const file = join(mountPoint, 'terminal.sqlite');
  try {
    // 96 KiB of filler the "supervisor" deletes later to free space.
    const filler = join(mountPoint, 'filler.bin');
    writeFileSync(filler, Buffer.alloc(96 * 1024, 1));
    const store = LocalStore.open(file);
    store.loadCatalogue([{ sku: 'TEA', barcodes: ['6900000000017'], name: { zh: '茶叶礼盒', en: 'Tea gift box' }, unitPriceFen: 1_000, unit: 'piece', category: 'gifts', noDiscount: true, noPoints: true, pointsMultiplierPerMille: 1000 }]);
    store.applyDelta({ cursor: 'c', changes: [{ op: 'upsert', change: { entity: 'ruleSet', items: [{ ruleSetId: '01JRULES000000000000000001', version: 1, publishedAt: '2026-11-24T00:00:00Z', rules: { version: 1, tiers: [], campaigns: [] } }] } }] });
    const machine = new CheckoutMachine({ store, clock: { nowMs: () => Date.now() }, identity: { storeId: STORE_ID, terminalId: TERMINAL_ID, receiptPrefix: PREFIX }, verifyManagerPin: async () => null });
    let committed = 0;
    let refusal: { code: string; causeCode?: string; text?: { zh: string; en: string } } | null = null;
    for (let i = 0; i < 20_000 && refusal === null; i += 1) {
      const steps = [machine.addSku('TEA'), machine.startTendering(), machine.addTender({ kind: 'cash', amountFen: 1_000 })];
      const failed = steps.find((r) => !r.ok);
      if (failed && !failed.ok) {
        refusal = { code: failed.error.code, causeCode: (failed.error as { causeCode?: string }).causeCode, text: (failed.error as { text?: { zh: string; en: string } }).text };
        break;
      }
      if (machine.state.phase !== 'committed') throw new Error(`sale ${i} not committed: ${machine.state.phase}`);
      committed += 1;
      machine.markPrinted();
      machine.newSale();
    }
    console.log(`  ${committed} sales committed, then: ${JSON.stringify(refusal)}`);
    invariant('the sale is refused as STORE_REFUSED / DISK_FULL', refusal?.code === 'STORE_REFUSED' && refusal.causeCode === 'DISK_FULL');
    invariant('the refusal says so in zh-CN and en', /存储空间已满/.test(refusal?.text?.zh ?? '') && /disk is full/i.test(refusal?.text?.en ?? ''), `${refusal?.text?.zh} / ${refusal?.text?.en}`);
    invariant('the cashier keeps the basket and tenders for a retry', machine.state.phase === 'tendering' && machine.state.lines.length === 1);
    invariant('journal = outbox = committed sales (nothing half-written)', store.journal.journalSize() === committed && store.journal.outboxSize() === committed, `${store.journal.journalSize()} / ${store.journal.outboxSize()} / ${committed}`);
    invariant('receipt numbers have no gap', store.journal.lastSale()?.body.receiptNo === formatReceiptNo(PREFIX, committed));
    // The supervisor frees space; the same sale commits with the next number.
    unlinkSync(filler);
    const retry = machine.commit();
    invariant('after space is freed the same sale commits with the next receipt number', retry.ok && store.journal.lastSale()?.body.receiptNo === formatReceiptNo(PREFIX, committed + 1));
    machine.close();
    store.close();
    const reopened = LocalStore.open(file);
    invariant('the store reopens sound (integrity_check ok) with every sale', reopened.integrityCheck() === 'ok' && reopened.journal.journalSize() === committed + 1);
    reopened.close();
  } finally {
    execFileSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  }
});
