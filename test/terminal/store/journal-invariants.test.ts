// Invariants of journal + outbox under random mixes of valid, invalid and duplicate commits and acks
// (fast-check): receipt numbers stay gap-free, every outbox entry is a journal entry in journal
// order, and only acked entries leave the outbox.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LocalStore, formatReceiptNo } from '../../../terminal/src/store/index.js';
import { saleDraft } from './fixtures/records.js';

type Op = { kind: 'sale' } | { kind: 'invalid' } | { kind: 'duplicate' } | { kind: 'ack'; pick: number[] } | { kind: 'reopen' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'sale' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'invalid' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'duplicate' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('ack' as const), pick: fc.array(fc.nat(50), { maxLength: 5 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
);

describe('journal and outbox invariants', () => {
  it('hold for any sequence of commits, refusals, acks and reopens', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => {
        const dir = mkdtempSync(path.join(tmpdir(), 'pos-prop-'));
        const file = path.join(dir, 't.sqlite');
        let store = LocalStore.open(file);
        try {
          const committed: string[] = [];
          const acked = new Set<string>();
          let i = 0;
          for (const o of ops) {
            i += 1;
            if (o.kind === 'sale') committed.push(store.commitSale(saleDraft(i), 'P-').eventId);
            if (o.kind === 'invalid') expect(() => store.commitSale(saleDraft(i, { tenders: [] }), 'P-')).toThrow(expect.objectContaining({ code: 'INVALID_EVENT' }));
            if (o.kind === 'duplicate' && committed.length > 0) {
              const again = store.journal.journalAfter(0, 1)[0]!.body as Parameters<LocalStore['commitSale']>[0];
              expect(() => store.commitSale(again, 'P-')).toThrow(expect.objectContaining({ code: 'DUPLICATE_EVENT' }));
            }
            if (o.kind === 'ack' && committed.length > 0) {
              const ids = o.pick.map((k) => committed[k % committed.length]!);
              store.journal.ack(ids);
              for (const id of ids) acked.add(id);
            }
            if (o.kind === 'reopen') {
              store.close();
              store = LocalStore.open(file);
            }
          }
          const journal = store.journal.journalAfter(0, 1000);
          expect(journal.map((e) => e.eventId)).toEqual(committed);
          expect(journal.map((e) => (e.body as { receiptNo: string }).receiptNo)).toEqual(committed.map((_, k) => formatReceiptNo('P-', k + 1)));
          expect(store.journal.pendingOutbox(1000).map((e) => e.eventId)).toEqual(committed.filter((id) => !acked.has(id)));
        } finally {
          store.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 40 },
    );
  });
});
