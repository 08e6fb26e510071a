// The checkout state machine through a whole sale: every transition, the durable commit before
// `committed` is emitted, mixed tenders, points as cash, coupons, void, suspend/resume, disk full.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckoutMachine, type CheckoutState } from '../../../terminal/src/checkout/index.js';
import { card, cardNoOf, ean13Of, member, memberIdOf } from '../store/fixtures/records.js';
import { type Fixture, RULES, WATER, checkoutFixture } from './checkout-fixture.js';

const WATER_CODE = ean13Of(1);
const COLA_CODE = ean13Of(2);

/** State without the refusal, to check that a refused action changed nothing else. */
function withoutRefusal(s: CheckoutState): Omit<CheckoutState, 'lastRefusal'> {
  const { lastRefusal: _r, ...rest } = s;
  return rest;
}

describe('checkout: a sale from idle to printed', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await checkoutFixture();
  });
  afterEach(() => f.close());

  it('goes idle → basket → memberAttached → tendering → committed → printed with mixed stored value + cash', () => {
    expect(f.machine.state.phase).toBe('idle');
    expect(f.machine.scan(WATER_CODE)).toEqual({ ok: true });
    expect(f.machine.scan(WATER_CODE)).toEqual({ ok: true }); // same item: quantity 2
    expect(f.machine.state.phase).toBe('basket');
    expect(f.machine.state.lines).toEqual([{ lineNo: 1, sku: 'WATER', name: { zh: '矿泉水', en: 'Water' }, item: WATER, quantityMilli: 2000 }]);
    expect(f.machine.state.priced?.totals.payableFen).toBe(300);

    expect(f.machine.identifyByCard({ cardNo: cardNoOf(1) })).toEqual({ ok: true });
    expect(f.machine.state.phase).toBe('memberAttached');
    expect(f.machine.state.member?.via).toBe('card');

    expect(f.machine.startTendering()).toEqual({ ok: true });
    expect(f.machine.state.phase).toBe('tendering');
    expect(f.machine.addTender({ kind: 'storedValue', amountFen: 200 })).toEqual({ ok: true });
    expect(f.machine.state.phase).toBe('tendering');
    expect(f.machine.state.priced?.payment.dueFen).toBe(100);
    expect(f.store.journal.journalSize()).toBe(0);

    expect(f.machine.addTender({ kind: 'cash', amountFen: 500 })).toEqual({ ok: true });
    const s = f.machine.state;
    expect(s.phase).toBe('committed');
    expect(s.committed).toMatchObject({
      receiptNo: 'T1-00000001',
      saleId: s.saleId,
      memberId: memberIdOf(1),
      cardNo: cardNoOf(1),
      ruleSetVersion: 3,
      businessDate: '2026-11-25',
      offline: true,
      cashierId: 'c-07',
      totals: { grossFen: 600 / 2, discountFen: 0, pointsCashFen: 0, roundingFen: 0, payableFen: 300 },
      tenders: [
        { kind: 'storedValue', amountFen: 200, principalFen: 200, bonusFen: 0, cardNo: cardNoOf(1) },
        { kind: 'cash', amountFen: 500, changeFen: 400 },
      ],
      pointsEarned: 3,
      pointsSpent: 0,
      growthEarned: 3,
    });
    expect(s.committed?.lines).toEqual([
      { lineNo: 1, sku: 'WATER', name: '矿泉水', quantityMilli: 2000, unitPriceFen: 150, grossFen: 300, adjustments: [], netFen: 300, pointsEarned: 3 },
    ]);
    expect(s.lastOutcome).toEqual({ type: 'saleCommitted', body: s.committed });
    expect(f.store.journal.saleById(s.saleId!)?.body).toEqual(s.committed);
    expect(f.store.journal.pendingOutbox(10).map((e) => e.type)).toEqual(['saleCommitted']);

    expect(f.machine.markPrinted()).toEqual({ ok: true });
    expect(f.machine.state.phase).toBe('printed');
    expect(f.states.map((x) => x.phase)).toEqual([
      'idle',
      'basket',
      'basket',
      'memberAttached',
      'tendering',
      'tendering',
      'committed',
      'printed',
    ]);

    // The next scan starts a new sale with a new id; the finished one stays as lastOutcome.
    expect(f.machine.scan(COLA_CODE)).toEqual({ ok: true });
    expect(f.machine.state.phase).toBe('basket');
    expect(f.machine.state.saleId).not.toBe(s.saleId);
    expect(f.machine.state.member).toBeNull();
    expect(f.machine.state.lastOutcome?.body).toEqual(s.committed);
  });

  it('has the sale on disk (seen through another connection) before it emits committed', () => {
    const seenOnDisk: boolean[] = [];
    const reader = new Database(f.store.file, { readonly: true });
    const find = reader.prepare(`SELECT count(*) FROM journal j JOIN outbox o USING (event_id) WHERE j.sale_id = ?`).pluck();
    f.machine.state$.subscribe((s) => {
      if (s.phase === 'committed') seenOnDisk.push(find.get(s.saleId) === 1);
    });
    f.machine.scan(COLA_CODE);
    f.machine.startTendering();
    f.machine.addTender({ kind: 'cash', amountFen: 1000 });
    reader.close();
    expect(seenOnDisk).toEqual([true]);
  });

  it('voids a line, changes a quantity (whole pieces, fractional kilograms) and reprices each time', () => {
    f.machine.scan(WATER_CODE);
    f.machine.scan(COLA_CODE);
    f.machine.addSku('APPLE', 1234);
    expect(f.machine.state.priced?.totals.payableFen).toBe(150 + 350 + 1481);
    expect(f.machine.voidLine(2)).toEqual({ ok: true });
    expect(f.machine.state.lines.map((l) => l.lineNo)).toEqual([1, 3]);
    expect(f.machine.changeQuantity(1, 3000)).toEqual({ ok: true });
    expect(f.machine.state.priced?.totals.payableFen).toBe(450 + 1481);
    expect(f.machine.changeQuantity(3, 500)).toEqual({ ok: true });
    expect(f.machine.state.priced?.totals.payableFen).toBe(450 + 600);
    const before = withoutRefusal(f.machine.state);
    expect(f.machine.changeQuantity(1, 1500)).toMatchObject({ ok: false, error: { code: 'QUANTITY_INVALID' } });
    expect(f.machine.changeQuantity(1, 0)).toMatchObject({ ok: false, error: { code: 'QUANTITY_INVALID' } });
    expect(f.machine.changeQuantity(9, 1000)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_LINE' } });
    expect(f.machine.voidLine(9)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_LINE' } });
    expect(withoutRefusal(f.machine.state)).toEqual(before);
    expect(f.machine.state.lastRefusal).toMatchObject({ code: 'UNKNOWN_LINE', text: { zh: '没有这一行', en: 'No such line' } });
    // Voiding the last lines returns to idle.
    f.machine.voidLine(1);
    f.machine.voidLine(3);
    expect(f.machine.state.phase).toBe('idle');
    expect(f.machine.state.priced).toBeNull();
  });

  it('prices with a rule set that arrives by delta in the middle of a sale', () => {
    f.machine.identifyByCard({ cardNo: cardNoOf(1) });
    f.machine.scan(COLA_CODE);
    expect(f.machine.state.priced?.totals.payableFen).toBe(350);
    f.store.applyDelta({
      cursor: 'c-2',
      changes: [
        {
          op: 'upsert',
          change: {
            entity: 'ruleSet',
            items: [{ ruleSetId: '01JRULES000000000000000004', version: 4, publishedAt: '2026-11-25T00:00:00Z', rules: { ...RULES, version: 4, tiers: [{ tierId: 'silver', name: { zh: '银卡', en: 'Silver' }, growthThreshold: 0, discountPerMille: 900 }] } }],
          },
        },
      ],
    });
    f.machine.scan(COLA_CODE);
    expect(f.machine.state.priced?.totals).toMatchObject({ grossFen: 700, discountFen: 70, payableFen: 630 });
    f.machine.startTendering();
    f.machine.addTender({ kind: 'cash', amountFen: 630 });
    expect(f.machine.state.committed?.ruleSetVersion).toBe(4);
  });

  it('refuses a new line beyond the basket limit but still adds to an existing line', async () => {
    const g = await checkoutFixture({ maxBasketLines: 2 });
    try {
      g.machine.scan(WATER_CODE);
      g.machine.scan(COLA_CODE);
      expect(g.machine.addSku('APPLE', 1000)).toMatchObject({ ok: false, error: { code: 'BASKET_FULL', text: { zh: '商品行数已达上限', en: 'The basket has too many lines' } } });
      expect(g.machine.scan(WATER_CODE)).toEqual({ ok: true });
      expect(g.machine.state.lines.map((l) => [l.sku, l.quantityMilli])).toEqual([
        ['WATER', 2000],
        ['COLA', 1000],
      ]);
    } finally {
      g.close();
    }
  });

  it('voids the whole sale before commit and journals nothing', () => {
    f.machine.scan(WATER_CODE);
    f.machine.identifyByPhone('13800000001');
    f.machine.startTendering();
    f.machine.addTender({ kind: 'cash', amountFen: 100 });
    expect(f.machine.voidSale()).toEqual({ ok: true });
    expect(f.machine.state).toMatchObject({ phase: 'idle', lines: [], member: null, tenders: [], priced: null, saleId: null });
    expect(f.store.journal.journalSize()).toBe(0);
    expect(f.machine.voidSale()).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED_NOW' } });
  });

  it('suspends and resumes sales, keeping the sale id and member, up to the limit', async () => {
    const g = await checkoutFixture({ maxSuspendedSales: 2 });
    try {
      g.machine.scan(WATER_CODE);
      g.machine.identifyByCard({ cardNo: cardNoOf(1) });
      const firstId = g.machine.state.saleId!;
      expect(g.machine.suspend()).toEqual({ ok: true });
      expect(g.machine.state).toMatchObject({ phase: 'idle', lines: [], member: null });
      expect(g.machine.state.suspended.map((s) => s.suspendId)).toEqual([firstId]);

      g.machine.scan(COLA_CODE);
      const secondId = g.machine.state.saleId!;
      expect(g.machine.resume(firstId)).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED_NOW' } });
      g.machine.suspend();
      g.machine.scan(COLA_CODE);
      expect(g.machine.suspend()).toMatchObject({ ok: false, error: { code: 'SUSPEND_LIMIT' } });
      g.machine.voidSale();

      expect(g.machine.resume('01JNOSUCHSALE0000000000000')).toMatchObject({ ok: false, error: { code: 'SUSPENDED_NOT_FOUND' } });
      expect(g.machine.resume(firstId)).toEqual({ ok: true });
      expect(g.machine.state).toMatchObject({ phase: 'memberAttached', saleId: firstId });
      expect(g.machine.state.lines.map((l) => l.sku)).toEqual(['WATER']);
      expect(g.machine.state.member?.member.memberId).toBe(memberIdOf(1));
      expect(g.machine.state.suspended.map((s) => s.suspendId)).toEqual([secondId]);
      g.machine.startTendering();
      g.machine.addTender({ kind: 'cash', amountFen: 150 });
      expect(g.machine.state.committed?.saleId).toBe(firstId);
    } finally {
      g.close();
    }
  });

  it('keeps suspended sales across a restart, and re-checks the card on resume', () => {
    f.machine.scan(WATER_CODE);
    f.machine.identifyByCard({ cardNo: cardNoOf(1) });
    const withCard = f.machine.state.saleId!;
    f.machine.suspend();
    f.machine.scan(COLA_CODE);
    const plain = f.machine.state.saleId!;
    f.machine.suspend();
    // A new machine on the same store (the till restarted) sees both, oldest first.
    f.machine.close();
    const again = new CheckoutMachine({ store: f.store, clock: f.clock, identity: { storeId: '01JST0RE000000000000000001', terminalId: '01JTERM0000000000000000001', receiptPrefix: 'T1-' }, verifyManagerPin: async () => null });
    expect(again.state.suspended.map((x) => x.suspendId).sort()).toEqual([withCard, plain].sort());
    // The card was reported lost while the sale was parked: resuming refuses with the reason.
    f.store.loadMembers([], [card(1, { status: 'lost' })]);
    expect(again.resume(withCard)).toMatchObject({ ok: false, error: { code: 'CARD_LOST' } });
    expect(again.resume(plain)).toEqual({ ok: true });
    expect(again.state.lines.map((l) => l.sku)).toEqual(['COLA']);
    expect(f.store.listSuspended(10).map((x) => x.suspendId)).toEqual([withCard]);
    // A basket that cannot be resumed can be dropped, durably.
    expect(again.discardSuspended('01JNOSUCHSALE0000000000000')).toMatchObject({ ok: false, error: { code: 'SUSPENDED_NOT_FOUND' } });
    expect(again.discardSuspended(withCard)).toEqual({ ok: true });
    expect(again.state.suspended).toEqual([]);
    expect(f.store.listSuspended(10)).toEqual([]);
    again.close();
  });

  it('takes points as cash and a coupon, priced by the engine, and journals them', () => {
    f.machine.identifyByCard({ cardNo: cardNoOf(1) });
    f.machine.scan(WATER_CODE);
    f.machine.changeQuantity(1, 4000); // 600 fen
    expect(f.machine.redeemPoints(100)).toEqual({ ok: true });
    expect(f.machine.applyCoupon({ couponId: 'CP-1', couponDefId: 'OFF1' })).toEqual({ ok: true });
    expect(f.machine.applyCoupon({ couponId: 'CP-1', couponDefId: 'OFF1' })).toMatchObject({ ok: false, error: { code: 'COUPON_ALREADY_APPLIED' } });
    expect(f.machine.state.priced?.totals).toMatchObject({ grossFen: 600, couponFen: 100, pointsCashFen: 100, payableFen: 400 });
    f.machine.startTendering();
    f.machine.addTender({ kind: 'cash', amountFen: 400 });
    expect(f.machine.state.committed).toMatchObject({
      totals: { grossFen: 600, discountFen: 100, pointsCashFen: 100, roundingFen: 0, payableFen: 400 },
      pointsSpent: 100,
      couponsRedeemed: ['CP-1'],
      tenders: [{ kind: 'cash', amountFen: 400, changeFen: 0 }],
    });
    // The member's next sale sees the points spent and earned before the gateway acks them.
    expect(f.store.journal.pendingEffectOf(memberIdOf(1))).toEqual({ storedValueDeltaFen: 0, storedValueSpentFen: 0, principalDeltaFen: 0, bonusDeltaFen: 0, pointsDelta: 4 - 100, events: 1 });
  });

  it('spends stored value offline against the cached balance minus unacked spends', () => {
    f.machine.identifyByCard({ cardNo: cardNoOf(1) });
    f.machine.addSku('APPLE', 10_000); // 12,000 fen = the whole balance 10,000 + 2,000
    f.machine.startTendering();
    f.machine.addTender({ kind: 'storedValue', amountFen: 12_000 });
    expect(f.machine.state.committed?.tenders).toEqual([{ kind: 'storedValue', amountFen: 12_000, principalFen: 10_000, bonusFen: 2_000, cardNo: cardNoOf(1) }]);
    f.machine.markPrinted();
    f.machine.identifyByCard({ cardNo: cardNoOf(1) });
    expect(f.machine.state.member?.context.storedValue).toEqual({ principalFen: 0, bonusFen: 0 });
    f.machine.scan(WATER_CODE);
    f.machine.startTendering();
    const r = f.machine.addTender({ kind: 'storedValue', amountFen: 150 });
    expect(r).toMatchObject({ ok: false, error: { code: 'PRICING_REFUSED', causeCode: 'INSUFFICIENT_STORED_VALUE' } });
    expect(f.machine.state.phase).toBe('tendering');
    expect(f.store.journal.journalSize()).toBe(1);
  });

  it('caps offline stored-value spending at the card offline limit, counting unacked spends, and lifts the cap online', async () => {
    let online = false;
    const g = await checkoutFixture({ isOnline: () => online });
    try {
      g.store.loadMembers([member(1, { storedValue: { principalFen: 50_000, bonusFen: 0 } })], []); // card 1: offline limit 20,000
      const pay = (sku: string, qtyMilli: number, svFen: number) => {
        g.machine.identifyByCard({ cardNo: cardNoOf(1) });
        g.machine.addSku(sku, qtyMilli);
        g.machine.startTendering();
        return g.machine.addTender({ kind: 'storedValue', amountFen: svFen });
      };
      expect(pay('APPLE', 12_500, 15_000)).toEqual({ ok: true }); // 15,000 of 20,000 used offline
      expect(g.machine.state.committed?.offline).toBe(true);
      expect(pay('APPLE', 5_000, 6_000)).toMatchObject({ ok: false, error: { code: 'PRICING_REFUSED', causeCode: 'INSUFFICIENT_STORED_VALUE' } });
      expect(g.machine.state.member?.context.storedValue).toEqual({ principalFen: 5_000, bonusFen: 0 });
      online = true; // the link is back: the known balance (50,000 − 15,000) applies again
      expect(g.machine.addTender({ kind: 'storedValue', amountFen: 6_000 })).toEqual({ ok: true });
      expect(g.machine.state.committed?.offline).toBe(false);
    } finally {
      g.close();
    }
  });

  it('refuses the sale with the store error when the disk is full, leaving nothing half-written and the tenders for a retry', () => {
    // A basket of 60 lines makes a sale larger than the free space left in the file's pages.
    f.store.loadCatalogue(Array.from({ length: 60 }, (_, i) => ({ ...WATER, sku: `BIG-${i}`, barcodes: [], name: { zh: '大件商品'.repeat(10), en: `Big ${i}` } })));
    for (let i = 0; i < 60; i += 1) f.machine.addSku(`BIG-${i}`);
    f.machine.startTendering();
    // Stand-in for a full filesystem: SQLite's page cap gives the same SQLITE_FULL.
    f.store.setMaxPageCount(f.store.pageCount());
    const r = f.machine.addTender({ kind: 'cash', amountFen: 9000 });
    expect(r).toMatchObject({ ok: false, error: { code: 'STORE_REFUSED', causeCode: 'DISK_FULL' } });
    expect(f.machine.state.phase).toBe('tendering');
    expect(f.machine.state.lastRefusal?.text).toEqual({
      zh: '存储空间已满，交易未保存，请联系管理员',
      en: 'The disk is full; the transaction was not saved. Call a supervisor.',
    });
    expect(f.store.journal.journalSize()).toBe(0);
    expect(f.store.journal.outboxSize()).toBe(0);
    expect(f.machine.state.tenders).toEqual([{ kind: 'cash', amountFen: 9000 }]);
    expect(f.machine.state.priced?.payment.dueFen).toBe(0);
    f.store.setMaxPageCount(1_000_000);
    expect(f.machine.commit()).toEqual({ ok: true });
    expect(f.machine.state.phase).toBe('committed');
    expect(f.machine.state.committed?.receiptNo).toBe('T1-00000001');
    expect(f.store.journal.journalSize()).toBe(1);
  });
});
