// A real full filesystem: the store lives on a 1 MB tmpfs and sales are committed until the disk
// refuses. The refusal is DISK_FULL, nothing is half-written, and the file reopens sound.
// Mounting needs root (CI runs as root); elsewhere this file is skipped and the SQLite page-cap
// variant in local-store.test.ts still covers the same code path.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStore, StoreError, formatReceiptNo } from '../../../terminal/src/store/index.js';
import { saleDraft } from './fixtures/records.js';

const mountPoint = mkdtempSync(path.join(tmpdir(), 'pos-diskfull-'));
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], { stdio: 'ignore' });
  mounted = true;
} catch {
  mounted = false;
}

describe.runIf(mounted)('disk full on a real filesystem', () => {
  const file = path.join(mountPoint, 'terminal.sqlite');
  beforeAll(() => expect(mounted).toBe(true));
  afterAll(() => {
    execFileSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it('refuses the sale with DISK_FULL and keeps every earlier sale whole', () => {
    const store = LocalStore.open(file);
    let committed = 0;
    let refusal: unknown = null;
    for (let i = 0; i < 5000 && refusal === null; i += 1) {
      try {
        store.commitSale(saleDraft(i), 'F-');
        committed += 1;
      } catch (error) {
        refusal = error;
      }
    }
    expect(refusal).toBeInstanceOf(StoreError);
    expect((refusal as StoreError).code).toBe('DISK_FULL');
    expect(committed).toBeGreaterThan(10);
    expect(store.journal.journalSize()).toBe(committed);
    expect(store.journal.outboxSize()).toBe(committed);
    // Still full: the next attempt is refused the same way, and consumes no receipt number.
    expect(() => store.commitSale(saleDraft(9999), 'F-')).toThrow(expect.objectContaining({ code: 'DISK_FULL' }));
    store.close();

    const reopened = LocalStore.open(file);
    try {
      expect(reopened.integrityCheck()).toBe('ok');
      expect(reopened.journal.journalSize()).toBe(committed);
      expect(reopened.journal.lastSale()?.body.receiptNo).toBe(formatReceiptNo('F-', committed));
      // An ack needs WAL space too. Whether the reopened file still has a free page for it depends
      // on the page layout (any new table in the schema shifts it), so both outcomes are allowed,
      // but only these: refused with DISK_FULL and the outbox keeps every entry, or done and the
      // acked entries are gone.
      const ids = reopened.journal.pendingOutbox(1000).map((e) => e.eventId);
      let ackError: unknown = null;
      try {
        reopened.journal.ack(ids);
      } catch (error) {
        ackError = error;
      }
      if (ackError !== null) {
        expect(ackError).toBeInstanceOf(StoreError);
        expect((ackError as StoreError).code).toBe('DISK_FULL');
        expect(reopened.journal.outboxSize()).toBe(committed);
      } else {
        expect(reopened.journal.outboxSize()).toBe(committed - ids.length);
      }
    } finally {
      reopened.close();
    }
  });
});
