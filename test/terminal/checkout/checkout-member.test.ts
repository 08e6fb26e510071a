// Member identification at the till (card number, RFID UID, phone, dynamic QR) and every refusal,
// each leaving the sale as it was and saying why in zh-CN and en; plus the bus adapter.
import { Subject } from 'rxjs';
import { memberCodeAt } from '@pos/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../../terminal/src/bus/device-events.js';
import { type CheckoutState, connectCheckoutToBus } from '../../../terminal/src/checkout/index.js';
import { cardNoOf, ean13Of, memberIdOf, uidOf } from '../store/fixtures/records.js';
import { type Fixture, QR_SECRET, checkoutFixture } from './checkout-fixture.js';

function withoutRefusal(s: CheckoutState): Omit<CheckoutState, 'lastRefusal'> {
  const { lastRefusal: _r, ...rest } = s;
  return rest;
}

describe('checkout: member identification', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await checkoutFixture();
    f.machine.scan(ean13Of(1));
  });
  afterEach(() => f.close());

  it.each([
    ['card number', () => f.machine.identifyByCard({ cardNo: cardNoOf(1) }), 'card', cardNoOf(1)],
    ['RFID UID, lower case', () => f.machine.identifyByCard({ uid: uidOf(1).toLowerCase() }), 'card', cardNoOf(1)],
    ['phone typed without +86', () => f.machine.identifyByPhone('138 0000 0001'), 'phone', cardNoOf(1)],
    ['phone in E.164', () => f.machine.identifyByPhone('+8613800000001'), 'phone', cardNoOf(1)],
  ])('attaches the member by %s', (_name, act, via, cardNo) => {
    expect(act()).toEqual({ ok: true });
    expect(f.machine.state.phase).toBe('memberAttached');
    expect(f.machine.state.member).toMatchObject({ via, member: { memberId: memberIdOf(1) }, card: { cardNo } });
    expect(f.machine.state.member?.context).toEqual({
      memberId: memberIdOf(1),
      tierId: 'silver',
      birthday: null,
      card: { cardNo: cardNoOf(1), cardTypeId: 'std', status: 'active' },
      storedValue: { principalFen: 10_000, bonusFen: 2_000 },
      pointsLots: [{ lotId: 'unlotted', points: 500, expiresOn: null }],
      growth: 120,
    });
  });

  it.each([
    ['a lost card', { cardNo: cardNoOf(2) }, 'CARD_LOST', '该卡已挂失，不能使用', 'This card was reported lost and cannot be used'],
    ['a frozen card', { cardNo: cardNoOf(3) }, 'CARD_FROZEN', '该卡已冻结，不能使用', 'This card is frozen and cannot be used'],
    ['a cancelled card', { cardNo: cardNoOf(4) }, 'CARD_CANCELLED', '该卡已注销，不能使用', 'This card was cancelled and cannot be used'],
    ['a replaced card (by UID)', { uid: uidOf(5) }, 'CARD_REPLACED', '该卡已换新，请使用新卡', 'This card was replaced; use the new card'],
    ['an unknown card', { cardNo: '8800999999999999' }, 'CARD_NOT_FOUND', '未找到该会员卡', 'Card not found'],
    ['a read with no number', {}, 'CARD_UNREADABLE', '无法读取卡号，请重新刷卡', 'The card could not be read; swipe again'],
    ['a disabled member', { cardNo: cardNoOf(6) }, 'MEMBER_DISABLED', '会员已停用', 'The member is disabled'],
    ['a blocked member', { cardNo: cardNoOf(7) }, 'MEMBER_BLOCKED', '会员已被锁定，请联系总部', 'The member is blocked; contact HQ'],
  ])('refuses %s with the reason and leaves the sale as it was', (_name, read, code, zh, en) => {
    const before = withoutRefusal(f.machine.state);
    const result = f.machine.identifyByCard(read);
    expect(result).toMatchObject({ ok: false, error: { code, text: { zh, en } } });
    expect(f.machine.state.lastRefusal).toEqual({ code, text: { zh, en }, atMs: f.clock.t });
    expect(withoutRefusal(f.machine.state)).toEqual(before);
  });

  it.each([
    ['an invalid phone', '12345', 'PHONE_INVALID'],
    ['an unknown phone', '13900000000', 'MEMBER_NOT_FOUND'],
    ['a disabled member', '13800000006', 'MEMBER_DISABLED'],
  ])('refuses %s typed as a phone', (_name, typed, code) => {
    expect(f.machine.identifyByPhone(typed)).toMatchObject({ ok: false, error: { code } });
    expect(f.machine.state.member).toBeNull();
  });

  it('attaches a member by a fresh dynamic QR, refuses its replay and an expired code', () => {
    const code = memberCodeAt(memberIdOf(8), QR_SECRET, f.clock.t);
    expect(f.machine.scan(code.payload)).toEqual({ ok: true });
    expect(f.machine.state.member).toMatchObject({ via: 'qr', member: { memberId: memberIdOf(8) } });
    expect(f.machine.state.lines).toHaveLength(1); // the QR was not taken for a product
    f.machine.detachMember();
    expect(f.machine.scan(code.payload)).toMatchObject({ ok: false, error: { code: 'QR_REPLAYED' } });
    const old = memberCodeAt(memberIdOf(8), QR_SECRET, f.clock.t - 5 * 60_000);
    expect(f.machine.scan(old.payload)).toMatchObject({ ok: false, error: { code: 'QR_INVALID' } });
    // A member without a code secret cannot be identified by QR.
    const forged = memberCodeAt(memberIdOf(1), QR_SECRET, f.clock.t);
    expect(f.machine.scan(forged.payload)).toMatchObject({ ok: false, error: { code: 'QR_INVALID' } });
    expect(f.machine.state.member).toBeNull();
  });

  it('refuses a second member while one is attached, and detaches back to basket', () => {
    f.machine.identifyByCard({ cardNo: cardNoOf(1) });
    expect(f.machine.identifyByPhone('13800000008')).toMatchObject({ ok: false, error: { code: 'MEMBER_ALREADY_ATTACHED' } });
    expect(f.machine.detachMember()).toEqual({ ok: true });
    expect(f.machine.state.phase).toBe('basket');
    expect(f.machine.detachMember()).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED_NOW' } });
  });

  it('attaches a member before the first scan (idle → memberAttached)', async () => {
    const g = await checkoutFixture();
    try {
      expect(g.machine.identifyByCard({ cardNo: cardNoOf(1) })).toEqual({ ok: true });
      expect(g.machine.state).toMatchObject({ phase: 'memberAttached', lines: [], priced: null });
      expect(g.machine.startTendering()).toMatchObject({ ok: false, error: { code: 'BASKET_EMPTY' } });
      g.machine.scan(ean13Of(2));
      expect(g.machine.state.phase).toBe('memberAttached');
      expect(g.machine.state.priced?.totals.payableFen).toBe(350);
    } finally {
      g.close();
    }
  });
});

describe('checkout: refusals by phase', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await checkoutFixture();
  });
  afterEach(() => f.close());

  it('refuses each action outside its phases and changes nothing', () => {
    const tries: [string, () => unknown, string][] = [
      ['startTendering in idle', () => f.machine.startTendering(), 'NOT_ALLOWED_NOW'],
      ['addTender in idle', () => f.machine.addTender({ kind: 'cash', amountFen: 100 }), 'NOT_ALLOWED_NOW'],
      ['commit in idle', () => f.machine.commit(), 'NOT_ALLOWED_NOW'],
      ['voidLine in idle', () => f.machine.voidLine(1), 'NOT_ALLOWED_NOW'],
      ['suspend in idle', () => f.machine.suspend(), 'NOT_ALLOWED_NOW'],
      ['markPrinted in idle', () => f.machine.markPrinted(), 'NOT_ALLOWED_NOW'],
      ['cancelTendering in idle', () => f.machine.cancelTendering(), 'NOT_ALLOWED_NOW'],
      ['recharge without a member', () => f.machine.recharge({ paidFen: 10_000, tender: { kind: 'cash' } }), 'NO_MEMBER'],
      ['an unknown barcode', () => f.machine.scan('6900000000000'), 'UNKNOWN_BARCODE'],
      ['an unknown sku', () => f.machine.addSku('NOPE'), 'UNKNOWN_SKU'],
    ];
    for (const [name, act, code] of tries) {
      const before = withoutRefusal(f.machine.state);
      expect({ name, result: act() }).toMatchObject({ name, result: { ok: false, error: { code } } });
      expect(withoutRefusal(f.machine.state)).toEqual(before);
    }
  });

  it('refuses basket edits while tendering and a partial commit, and returns to the basket on cancel', () => {
    f.machine.scan(ean13Of(2));
    f.machine.startTendering();
    expect(f.machine.scan(ean13Of(1))).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED_NOW' } });
    expect(f.machine.voidLine(1)).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED_NOW' } });
    expect(f.machine.identifyByCard({ cardNo: cardNoOf(1) })).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED_NOW' } });
    expect(f.machine.redeemPoints(10)).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED_NOW' } });
    expect(f.machine.addTender({ kind: 'storedValue' })).toMatchObject({ ok: false, error: { code: 'NO_MEMBER' } });
    f.machine.addTender({ kind: 'cash', amountFen: 100 });
    expect(f.machine.state.priced?.payment.dueFen).toBe(250);
    expect(f.machine.commit()).toMatchObject({ ok: false, error: { code: 'AMOUNT_DUE' } });
    expect(f.machine.cancelTendering()).toEqual({ ok: true });
    expect(f.machine.state).toMatchObject({ phase: 'basket', tenders: [] });
    expect(f.machine.state.priced?.payment.dueFen).toBe(350);
    expect(f.machine.redeemPoints(10)).toMatchObject({ ok: false, error: { code: 'NO_MEMBER' } });
  });

  it('refuses edits to a committed sale', () => {
    f.machine.scan(ean13Of(2));
    f.machine.startTendering();
    f.machine.addTender({ kind: 'cash', amountFen: 350 });
    expect(f.machine.state.phase).toBe('committed');
    for (const act of [() => f.machine.voidSale(), () => f.machine.voidLine(1), () => f.machine.changeQuantity(1, 2000), () => f.machine.startTendering(), () => f.machine.suspend()]) {
      expect(act()).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED_NOW' } });
    }
    expect(f.store.journal.journalSize()).toBe(1);
    expect(f.machine.newSale()).toEqual({ ok: true });
    expect(f.machine.state).toMatchObject({ phase: 'idle', lines: [], committed: null, saleId: null });
    expect(f.machine.state.lastOutcome?.type).toBe('saleCommitted');
    f.machine.scan(ean13Of(2));
    expect(f.machine.newSale()).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED_NOW' } });
  });
});

describe('checkout: bus adapter', () => {
  it('turns scan and cardRead events into scans and card identification', async () => {
    const f = await checkoutFixture();
    try {
      const bus = new Subject<DeviceEvent>();
      const sub = connectCheckoutToBus(f.machine, bus);
      bus.next({ type: 'scan', deviceId: 'scanner-1', code: ean13Of(1), symbology: 'EAN-13' });
      bus.next({ type: 'drawer', deviceId: 'printer-1', state: 'open' }); // not for the checkout
      bus.next({
        type: 'cardRead',
        deviceId: 'msr-1',
        track2: { pan: cardNoOf(1), expiryYymm: '', serviceCode: '', discretionary: '' },
      });
      expect(f.machine.state.lines.map((l) => l.sku)).toEqual(['WATER']);
      expect(f.machine.state.member?.card?.cardNo).toBe(cardNoOf(1));
      f.machine.detachMember();
      bus.next({ type: 'cardRead', deviceId: 'rfid-1', uid: uidOf(2) });
      expect(f.machine.state.lastRefusal?.code).toBe('CARD_LOST');
      sub.unsubscribe();
      bus.next({ type: 'scan', deviceId: 'scanner-1', code: ean13Of(2) });
      expect(f.machine.state.lines.map((l) => l.sku)).toEqual(['WATER']);
    } finally {
      f.close();
    }
  });
});
