// Model-based test (fast-check): any sequence of cashier actions keeps the machine consistent:
// the phase matches the basket, a refused action changes nothing but the refusal, every committed
// sale is journaled once with the next receipt number, and nothing else is journaled.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CheckoutMachine, CheckoutResult, CheckoutState } from '../../../terminal/src/checkout/index.js';
import { cardNoOf, ean13Of } from '../store/fixtures/records.js';
import { checkoutFixture } from './checkout-fixture.js';

type Action = (m: CheckoutMachine) => CheckoutResult;

const fixed = (name: string, act: Action): fc.Arbitrary<[string, Action]> => fc.constant<[string, Action]>([name, act]);

// Weighted so that sales regularly get all the way to committed and printed.
const action: fc.Arbitrary<[string, Action]> = fc.oneof(
  { weight: 4, arbitrary: fixed('scan water', (m) => m.scan(ean13Of(1))) },
  { weight: 3, arbitrary: fixed('scan cola', (m) => m.scan(ean13Of(2))) },
  { weight: 1, arbitrary: fixed('scan unknown', (m) => m.scan('6900000000000')) },
  { weight: 1, arbitrary: fixed('detach', (m) => m.detachMember()) },
  { weight: 4, arbitrary: fixed('startTendering', (m) => m.startTendering()) },
  { weight: 1, arbitrary: fixed('cancelTendering', (m) => m.cancelTendering()) },
  { weight: 1, arbitrary: fixed('voidSale', (m) => m.voidSale()) },
  { weight: 1, arbitrary: fixed('suspend', (m) => m.suspend()) },
  { weight: 1, arbitrary: fixed('resume first', (m) => m.resume(m.state.suspended[0]?.suspendId ?? 'none')) },
  { weight: 1, arbitrary: fixed('discard first suspended', (m) => m.discardSuspended(m.state.suspended[0]?.suspendId ?? 'none')) },
  { weight: 2, arbitrary: fixed('markPrinted', (m) => m.markPrinted()) },
  { weight: 1, arbitrary: fixed('newSale', (m) => m.newSale()) },
  { weight: 1, arbitrary: fixed('commit', (m) => m.commit()) },
  { weight: 1, arbitrary: fixed('redeem max', (m) => m.redeemPoints('max')) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 7 }).map((i): [string, Action] => [`card ${i}`, (m) => m.identifyByCard({ cardNo: cardNoOf(i) })]) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }).map((n): [string, Action] => [`voidLine ${n}`, (m) => m.voidLine(n)]) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 4 })).map(([n, q]): [string, Action] => [`qty ${n}=${q}`, (m) => m.changeQuantity(n, q * 1000)]),
  },
  { weight: 3, arbitrary: fixed('pay what is due in cash', (m) => m.addTender({ kind: 'cash', amountFen: m.state.priced?.payment.dueFen ?? 0 })) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 2000 }).map((a): [string, Action] => [`cash ${a}`, (m) => m.addTender({ kind: 'cash', amountFen: a })]) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 800 }).map((a): [string, Action] => [`sv ${a}`, (m) => m.addTender({ kind: 'storedValue', amountFen: a })]) },
);

function consistent(s: CheckoutState): void {
  const expected =
    s.phase === 'committed' || s.phase === 'printed' || s.phase === 'tendering'
      ? s.phase
      : s.member
        ? 'memberAttached'
        : s.lines.length > 0
          ? 'basket'
          : 'idle';
  expect(s.phase).toBe(expected);
  if (s.phase === 'tendering') expect(s.lines.length).toBeGreaterThan(0);
  if (s.phase !== 'committed' && s.phase !== 'printed') {
    expect(s.committed).toBeNull();
    expect(s.priced === null).toBe(s.lines.length === 0);
  } else {
    expect(s.committed).not.toBeNull();
  }
  // Tenders exist only while paying (and stay visible on the finished sale).
  if (['idle', 'basket', 'memberAttached'].includes(s.phase)) expect(s.tenders).toEqual([]);
}

describe('checkout model', () => {
  it('stays consistent and journals exactly the committed sales under any action sequence', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 10, maxLength: 40, size: 'max' }), async (actions) => {
        const f = await checkoutFixture();
        try {
          const receipts: string[] = [];
          for (const [, act] of actions) {
            const before = f.machine.state;
            const result = act(f.machine);
            const after = f.machine.state;
            consistent(after);
            if (!result.ok) {
              const { lastRefusal: _a, ...restBefore } = before;
              const { lastRefusal, ...restAfter } = after;
              expect(restAfter).toEqual(restBefore);
              expect(lastRefusal?.code).toBe(result.error.code);
            }
            if (after.phase === 'committed' && before.phase !== 'committed') receipts.push(after.committed!.receiptNo);
          }
          const journal = f.store.journal.journalAfter(0, 1000);
          expect(journal.map((e) => e.type).every((t) => t === 'saleCommitted')).toBe(true);
          expect(journal.map((e) => (e.body as { receiptNo: string }).receiptNo)).toEqual(receipts);
          expect(receipts).toEqual(receipts.map((_, k) => `T1-${String(k + 1).padStart(8, '0')}`));
        } finally {
          f.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
