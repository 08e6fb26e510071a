// The till presents the attached member's own coupons (from the member record the gateway sends) to
// the engine: only those valid now, and not one this till already redeemed in a sale the gateway
// has not acknowledged yet.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { card, cardNoOf, ean13Of, member } from '../store/fixtures/records.js';
import { type Fixture, checkoutFixture } from './checkout-fixture.js';
import { runPageCommand } from '../../../terminal/src/runtime/page-commands.js';
import type { DeviceBus } from '../../../terminal/src/bus/index.js';

const WATER_CODE = ean13Of(1);

describe('checkout: member coupons from the member record', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await checkoutFixture();
    f.store.applyDelta({
      cursor: 'c-2',
      changes: [
        {
          op: 'upsert',
          change: {
            entity: 'members',
            items: [
              member(9, {
                coupons: [
                  { code: 'OFF1:EXPIRED', couponDefId: 'OFF1', validFrom: '2026-01-01T00:00:00+08:00', validUntil: '2026-02-01T00:00:00+08:00' },
                  { code: 'OFF1:NOW', couponDefId: 'OFF1', validFrom: '2026-11-01T00:00:00+08:00', validUntil: '2026-12-01T00:00:00+08:00' },
                  { code: 'OFF1:LATER', couponDefId: 'OFF1', validFrom: '2026-12-01T00:00:00+08:00', validUntil: '2026-12-31T00:00:00+08:00' },
                ],
              }),
            ],
          },
        },
        { op: 'upsert', change: { entity: 'cards', items: [card(9)] } },
      ],
    });
  });
  afterEach(() => f.close());

  it("the cashier page's applyMemberCoupons command reaches the checkout", async () => {
    f.machine.scan(WATER_CODE);
    f.machine.identifyByCard({ cardNo: cardNoOf(9) });
    // The command touches no device: the bus is not used.
    await runPageCommand({ type: 'applyMemberCoupons' }, f.machine, {} as DeviceBus);
    expect(f.machine.state.coupons).toEqual([{ couponId: 'OFF1:NOW', couponDefId: 'OFF1' }]);
  });

  it('presents the coupons valid now, and not again while the sale that used one is unacked', () => {
    f.machine.scan(WATER_CODE);
    expect(f.machine.applyMemberCoupons()).toMatchObject({ ok: false, error: { code: 'NO_MEMBER' } });
    f.machine.identifyByCard({ cardNo: cardNoOf(9) });
    f.machine.changeQuantity(1, 4000); // 600 fen
    expect(f.machine.applyMemberCoupons()).toEqual({ ok: true });
    expect(f.machine.state.coupons).toEqual([{ couponId: 'OFF1:NOW', couponDefId: 'OFF1' }]);
    expect(f.machine.state.priced?.totals).toMatchObject({ grossFen: 600, couponFen: 100, payableFen: 500 });
    // Presenting again adds nothing.
    expect(f.machine.applyMemberCoupons()).toEqual({ ok: true });
    expect(f.machine.state.coupons).toHaveLength(1);
    f.machine.startTendering();
    f.machine.addTender({ kind: 'cash', amountFen: 500 });
    expect(f.machine.state.committed?.couponsRedeemed).toEqual(['OFF1:NOW']);
    f.machine.markPrinted();

    // Same member, next sale, the first not yet acked by the gateway: the coupon is spent.
    f.machine.identifyByCard({ cardNo: cardNoOf(9) });
    f.machine.scan(WATER_CODE);
    expect(f.machine.applyMemberCoupons()).toEqual({ ok: true });
    expect(f.machine.state.coupons).toEqual([]);
    expect(f.machine.state.priced?.totals).toMatchObject({ couponFen: 0 });
  });
});
