// fast-check: random sequences of recharges, spends (each order, with and without overdraft), refunds,
// adjustments and family transfers keep the ledger's invariants on both dialects: every balance equals
// its postings, debits equal credits, no customer balance is negative, and the family's stored value
// equals the money that flowed in minus the money that flowed out.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../gateway/src/errors.js';
import { checkLedger } from '../../gateway/src/ledger/ledger-check.js';
import { DIALECTS, openServices, type ServiceFixture } from './harness.js';
import { seedMerchant } from './fixtures.js';

const Card = fc.constantFrom('A', 'B');
const Op = fc.oneof(
  fc.record({ kind: fc.constant('recharge' as const), card: Card, paidFen: fc.integer({ min: 1, max: 40_000 }) }),
  fc.record({ kind: fc.constant('spend' as const), card: Card, amountFen: fc.integer({ min: 1, max: 20_000 }), order: fc.constantFrom('principalFirst' as const, 'bonusFirst' as const, 'proportional' as const), overdraft: fc.boolean() }),
  fc.record({ kind: fc.constant('refund' as const), pick: fc.nat(), amountFen: fc.integer({ min: 1, max: 10_000 }) }),
  fc.record({ kind: fc.constant('adjust' as const), card: Card, principalDeltaFen: fc.integer({ min: -5_000, max: 5_000 }), bonusDeltaFen: fc.integer({ min: -2_000, max: 2_000 }) }),
  fc.record({ kind: fc.constant('transfer' as const), from: Card, amountFen: fc.integer({ min: 1, max: 15_000 }) }),
);

describe.each(DIALECTS)('ledger invariants under random operations on %s', (dialect) => {
  let fx: ServiceFixture;
  let run = 0;
  beforeAll(async () => {
    fx = await openServices(dialect);
  });
  afterAll(async () => fx?.close());

  it('holds for every sequence', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(Op, { minLength: 5, maxLength: 25 }), async (ops) => {
        run += 1;
        const s = fx.services;
        const f = await seedMerchant(s, `prop${run}`);
        const member = await s.members.createMember(f.system, { name: 'p', phone: '13800000000', storeId: f.storeA1 });
        const cardNo = { A: `77${run}0001`.padEnd(8, '0'), B: `77${run}0002`.padEnd(8, '0') };
        await s.cards.issueCard(f.system, { memberId: member.id, cardTypeId: f.personalType, cardNo: cardNo.A });
        await s.cards.issueCard(f.system, { memberId: member.id, cardTypeId: f.subsidiaryType, cardNo: cardNo.B, mainCardNo: cardNo.A });
        let inflow = 0;
        let outflow = 0;
        const spends: { id: string; amount: number }[] = [];
        for (const [i, op] of ops.entries()) {
          const key = `op-${i}`;
          try {
            if (op.kind === 'recharge') {
              const r = await s.ledger.recharge(f.system, { idempotencyKey: key, cardNo: cardNo[op.card], paidFen: op.paidFen });
              inflow += r.principalFen + r.bonusFen;
            } else if (op.kind === 'spend') {
              const r = await s.ledger.spend(f.system, { idempotencyKey: key, cardNo: cardNo[op.card], amountFen: op.amountFen, order: op.order, allowOverdraft: op.overdraft });
              outflow += r.principalFen + r.bonusFen;
              expect(r.principalFen + r.bonusFen + r.shortfallFen).toBe(op.amountFen);
              spends.push({ id: r.transactionId, amount: r.principalFen + r.bonusFen + r.shortfallFen });
            } else if (op.kind === 'refund') {
              const spend = spends[op.pick % Math.max(1, spends.length)];
              if (!spend) continue;
              const r = await s.ledger.refund(f.system, { idempotencyKey: key, spendTransactionId: spend.id, amountFen: op.amountFen });
              inflow += r.principalFen + r.bonusFen;
            } else if (op.kind === 'adjust') {
              await s.ledger.adjust(f.system, { idempotencyKey: key, cardNo: cardNo[op.card], principalDeltaFen: op.principalDeltaFen, bonusDeltaFen: op.bonusDeltaFen, reason: 'property' });
              inflow += op.principalDeltaFen + op.bonusDeltaFen;
            } else {
              const to = op.from === 'A' ? 'B' : 'A';
              await s.ledger.transfer(f.system, { idempotencyKey: key, fromCardNo: cardNo[op.from], toCardNo: cardNo[to], amountFen: op.amountFen });
            }
          } catch (error) {
            // Refusals are expected outcomes; anything else fails the property.
            const expected = ['INSUFFICIENT_BALANCE', 'REFUND_EXCEEDS_SPEND', 'VALIDATION'];
            if (!(error instanceof GatewayError && expected.includes(error.code))) throw error;
          }
        }
        const a = await s.ledger.balanceOf(f.merchantId, cardNo.A);
        const b = await s.ledger.balanceOf(f.merchantId, cardNo.B);
        expect(Math.min(a.principalFen, a.bonusFen, b.principalFen, b.bonusFen)).toBeGreaterThanOrEqual(0);
        expect(a.principalFen + a.bonusFen + b.principalFen + b.bonusFen).toBe(inflow - outflow);
        const report = await checkLedger(fx.gdb, f.merchantId);
        expect([report.balanceMismatches, report.unbalanced, report.negativeCustomerAccounts]).toEqual([[], [], []]);
      }),
      { numRuns: 12 },
    );
  });
});
