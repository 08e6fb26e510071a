// Refunds of past sales (whole or some lines, manager PIN), enrolment at the till and recharge by
// plan (充100送20): each journaled with its outbox entry, each refusal changing nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SaleCommittedBody, SaleRefundedBody } from '@pos/protocol';
import { cardNoOf, ean13Of, memberIdOf } from '../store/fixtures/records.js';
import { type Fixture, MANAGER_PIN, checkoutFixture } from './checkout-fixture.js';

/** Sells WATER ×2 (300) and COLA (350) to member 1: 400 from stored value, the rest in cash. */
function sellTwoLines(f: Fixture): string {
  f.machine.identifyByCard({ cardNo: cardNoOf(1) });
  f.machine.scan(ean13Of(1));
  f.machine.scan(ean13Of(1));
  f.machine.scan(ean13Of(2));
  f.machine.startTendering();
  f.machine.addTender({ kind: 'storedValue', amountFen: 400 });
  f.machine.addTender({ kind: 'cash', amountFen: 300 });
  expect(f.machine.state.phase).toBe('committed');
  f.machine.markPrinted();
  return f.machine.state.committed!.receiptNo;
}

describe('checkout: refunds', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await checkoutFixture();
  });
  afterEach(() => f.close());

  it('refunds one line, then the rest, reversing exactly what the sale allocated', async () => {
    const receiptNo = sellTwoLines(f);
    const sale = f.store.journal.byReceiptNo(receiptNo)!.body as SaleCommittedBody;
    expect(sale.totals.payableFen).toBe(650);

    expect(await f.machine.refund({ receiptNo, lineNos: [2], managerPin: MANAGER_PIN, reason: '顾客退货' })).toEqual({ ok: true });
    const first = f.machine.state.lastOutcome;
    expect(first?.type).toBe('saleRefunded');
    const r1 = first!.body as SaleRefundedBody;
    expect(r1).toMatchObject({
      receiptNo: 'T1-00000002',
      saleId: sale.saleId,
      memberId: memberIdOf(1),
      lines: [{ lineNo: 2, quantityMilli: 1000, refundFen: 350 }],
      refundFen: 350,
      approvedBy: 'mgr-1',
      reason: '顾客退货',
    });
    expect(r1.tenders.reduce((s, t) => s + t.amountFen, 0)).toBe(350);

    expect(await f.machine.refund({ receiptNo, lineNos: [2], managerPin: MANAGER_PIN, reason: 'again' })).toMatchObject({
      ok: false,
      error: { code: 'REFUND_EXCEEDS_SALE', causeCode: 'REFUND_INVALID' },
    });

    expect(await f.machine.refund({ receiptNo, managerPin: MANAGER_PIN, reason: '整单退' })).toEqual({ ok: true });
    const r2 = f.machine.state.lastOutcome!.body as SaleRefundedBody;
    expect(r2.lines.map((l) => l.lineNo)).toEqual([1]);
    expect(r1.refundFen + r2.refundFen).toBe(650);
    // Stored value back to the card exactly as spent, the rest as cash.
    const back = [...r1.tenders, ...r2.tenders];
    expect(back.filter((t) => t.kind === 'storedValue').reduce((s, t) => s + t.amountFen, 0)).toBe(400);
    expect(back.filter((t) => t.kind === 'cash').reduce((s, t) => s + t.amountFen, 0)).toBe(250);
    expect(r1.pointsReversed + r2.pointsReversed).toBe(6);
    expect(await f.machine.refund({ receiptNo, managerPin: MANAGER_PIN, reason: 'x' })).toMatchObject({ ok: false, error: { code: 'REFUND_EXCEEDS_SALE' } });

    expect(f.store.journal.journalAfter(0, 10).map((e) => e.type)).toEqual(['saleCommitted', 'saleRefunded', 'saleRefunded']);
    expect(f.store.journal.outboxSize()).toBe(3);
    // Once everything is refunded, the member's unacked effect nets to zero stored value.
    expect(f.store.journal.pendingEffectOf(memberIdOf(1))).toMatchObject({ storedValueDeltaFen: 0, principalDeltaFen: 0, bonusDeltaFen: 0, pointsDelta: 0 });
  });

  it.each([
    ['a wrong manager PIN', { managerPin: '0000' }, 'MANAGER_PIN_INVALID'],
    ['an unknown receipt', { receiptNo: 'T1-00000099' }, 'SALE_NOT_FOUND'],
    ['an unknown line', { lineNos: [7] }, 'REFUND_EXCEEDS_SALE'],
  ])('refuses a refund with %s and journals nothing', async (_name, patch, code) => {
    const receiptNo = sellTwoLines(f);
    const result = await f.machine.refund({ receiptNo, managerPin: MANAGER_PIN, reason: 'r', ...patch });
    expect(result).toMatchObject({ ok: false, error: { code } });
    expect(f.store.journal.journalSize()).toBe(1);
  });

  it('refuses a refund while a sale is in progress', async () => {
    const receiptNo = sellTwoLines(f);
    f.machine.scan(ean13Of(1));
    expect(await f.machine.refund({ receiptNo, managerPin: MANAGER_PIN, reason: 'r' })).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED_NOW' } });
  });
});

describe('checkout: enrolment and recharge at the till', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await checkoutFixture();
  });
  afterEach(() => f.close());

  it('enrols a member by phone and name, journals it and attaches them', () => {
    expect(f.machine.enrol({ phone: '139 1234 5678', name: ' 张三 ' })).toEqual({ ok: true });
    const s = f.machine.state;
    expect(s.phase).toBe('memberAttached');
    expect(s.member?.member).toMatchObject({ name: '张三', phone: '+8613912345678', storedValue: { principalFen: 0, bonusFen: 0 }, pointsBalance: 0 });
    expect(s.lastOutcome).toMatchObject({ type: 'memberEnrolled', body: { phone: '+8613912345678', name: '张三', memberId: s.member?.member.memberId, offline: true } });
    expect(f.store.members.memberByPhone('+8613912345678')?.memberId).toBe(s.member?.member.memberId);
    expect(f.store.journal.pendingOutbox(10).map((e) => e.type)).toEqual(['memberEnrolled']);
  });

  it.each([
    ['an existing phone', { phone: '13800000001', name: '李四' }, 'MEMBER_EXISTS'],
    ['an invalid phone', { phone: '123', name: '李四' }, 'PHONE_INVALID'],
    ['an empty name', { phone: '13912345678', name: '   ' }, 'NAME_INVALID'],
  ])('refuses enrolment with %s', (_name, request, code) => {
    expect(f.machine.enrol(request)).toMatchObject({ ok: false, error: { code } });
    expect(f.store.journal.journalSize()).toBe(0);
  });

  it('recharges 100 yuan by plan 充100送20 and shows the new balance at once', async () => {
    f.close();
    f = await checkoutFixture({ isOnline: () => true }); // online: the balance is not capped by the offline limit
    f.machine.identifyByCard({ cardNo: cardNoOf(1) });
    expect(f.machine.recharge({ paidFen: 10_000, planId: 'P100', tender: { kind: 'wechat', reference: 'wx-1' } })).toEqual({ ok: true });
    expect(f.machine.state.lastOutcome).toMatchObject({
      type: 'rechargeCommitted',
      body: {
        memberId: memberIdOf(1),
        cardNo: cardNoOf(1),
        planId: 'P100',
        paidFen: 10_000,
        principalFen: 10_000,
        bonusFen: 2_000,
        bonusPoints: 0,
        tenders: [{ kind: 'wechat', amountFen: 10_000, reference: 'wx-1' }],
      },
    });
    expect(f.machine.state.member?.context.storedValue).toEqual({ principalFen: 20_000, bonusFen: 4_000 });
    expect(f.store.journal.pendingEffectOf(memberIdOf(1))).toEqual({ storedValueDeltaFen: 12_000, storedValueSpentFen: 0, principalDeltaFen: 10_000, bonusDeltaFen: 2_000, pointsDelta: 0, events: 1 });
  });

  it.each([
    ['an unknown plan', { paidFen: 10_000, planId: 'NOPE', tender: { kind: 'cash' as const } }, 'RECHARGE_INVALID', 'UNKNOWN_PLAN'],
    ['a zero amount', { paidFen: 0, tender: { kind: 'cash' as const } }, 'RECHARGE_INVALID', 'INVALID_INPUT'],
    ['paying with stored value', { paidFen: 10_000, tender: { kind: 'storedValue' as const } }, 'RECHARGE_INVALID', undefined],
  ])('refuses a recharge with %s', (_name, request, code, causeCode) => {
    f.machine.identifyByCard({ cardNo: cardNoOf(1) });
    const result = f.machine.recharge(request);
    expect(result).toMatchObject({ ok: false, error: { code } });
    if (!result.ok) expect(result.error.causeCode).toBe(causeCode);
    expect(f.store.journal.journalSize()).toBe(0);
  });

  it('refuses a recharge in the middle of a sale', () => {
    f.machine.identifyByCard({ cardNo: cardNoOf(1) });
    f.machine.scan(ean13Of(1));
    expect(f.machine.recharge({ paidFen: 10_000, tender: { kind: 'cash' } })).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED_NOW' } });
  });
});
