// 积分有效期 end to end: a synced sale's points lot gets the expiry day of the rule set the sale was
// priced with (counted from its business day), a recharge's bonus points that of the latest rule set;
// the ledger's expiry then takes the lot the day after, once. On SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pointsExpiryDate } from '@pos/engine';
import type { RechargeCommittedBody, SaleCommittedBody } from '@pos/protocol';
import { SyncEventApplier } from '../../gateway/src/sync/index.js';
import { DIALECTS, openServices, silentLogger, type ServiceFixture } from '../gateway/harness.js';
import { memberWithCard, seedMerchant, type MerchantFixture } from '../gateway/fixtures.js';
import { EXAMPLES } from '../protocol/message-examples.js';

describe('pointsExpiryDate', () => {
  it.each([
    [{ kind: 'never' as const }, '2026-11-25', null],
    [{ kind: 'days' as const, days: 365 }, '2026-11-25', '2027-11-25'],
    [{ kind: 'days' as const, days: 365 }, '2028-02-29', '2029-02-28'],
    [{ kind: 'days' as const, days: 1 }, '2026-12-31', '2027-01-01'],
    [{ kind: 'endOfYear' as const, yearsAfter: 0 }, '2026-01-01', '2026-12-31'],
    [{ kind: 'endOfYear' as const, yearsAfter: 1 }, '2026-11-25', '2027-12-31'],
  ])('%j earned on %s → %s', (validity, earnedOn, expected) => {
    expect(pointsExpiryDate(validity, earnedOn)).toBe(expected);
  });
  it('a rule set without the field never expires points', () => {
    expect(pointsExpiryDate(undefined, '2026-11-25')).toBeNull();
  });
});

describe.each(DIALECTS)('points validity on %s', (dialect) => {
  let fx: ServiceFixture;
  let merchant: MerchantFixture;
  let applier: SyncEventApplier;
  let terminal: { merchantId: string; storeId: string; terminalId: string };
  let memberId: string;
  let endOfNextYear: number;
  let days30: number;
  const cardNo = '6200000000000001';

  async function lots(): Promise<{ points_earned: number; expires_on: string | null }[]> {
    const rows = await fx.gdb.db.selectFrom('points_lots').select(['points_earned', 'expires_on']).where('member_id', '=', memberId).orderBy('expires_on').execute();
    return rows.map((r) => ({ points_earned: Number(r.points_earned), expires_on: r.expires_on }));
  }

  beforeAll(async () => {
    fx = await openServices(dialect);
    merchant = await seedMerchant(fx.services, `PV${dialect === 'sqlite' ? 'L' : 'P'}`);
    memberId = (await memberWithCard(fx.services, merchant, { phone: '13812345678', cardNo })).member.id;
    const till = await fx.services.hierarchy.createTerminal(merchant.system, { storeId: merchant.storeA1, name: 'till' });
    terminal = { merchantId: merchant.merchantId, storeId: merchant.storeA1, terminalId: till.id };
    applier = new SyncEventApplier({ gdb: fx.gdb, clock: fx.clock, ledger: fx.services.ledger, members: fx.services.members, cards: fx.services.cards, logger: silentLogger });
    const publish = async (validity: unknown) => {
      const draft = await fx.services.ruleSets.createDraft(merchant.system, { name: 'points', content: { points: { validity } } });
      return (await fx.services.ruleSets.publish(merchant.system, draft.id)).version;
    };
    endOfNextYear = await publish({ kind: 'endOfYear', yearsAfter: 1 });
    days30 = await publish({ kind: 'days', days: 30 });
  });
  afterAll(async () => fx?.close());

  it('stamps each lot by the rule set its event names, then expires it the day after, once', async () => {
    const sale = (n: number, version: number): SaleCommittedBody => ({
      ...(EXAMPLES.saleCommitted as SaleCommittedBody),
      ...terminal,
      eventId: `01JD0000000000000000000E${n}0`,
      saleId: `01JD0000000000000000000S${n}0`,
      memberId,
      cardNo: null,
      tenders: [{ kind: 'cash', amountFen: 2370 }],
      ruleSetVersion: version,
    });
    expect(await applier.apply(terminal, 'saleCommitted', sale(1, endOfNextYear))).toBe('applied');
    expect(await applier.apply(terminal, 'saleCommitted', sale(2, days30))).toBe('applied');
    const recharge: RechargeCommittedBody = { ...(EXAMPLES.rechargeCommitted as RechargeCommittedBody), ...terminal, memberId, cardNo, bonusPoints: 50 };
    expect(await applier.apply(terminal, 'rechargeCommitted', recharge)).toBe('applied');
    expect(await lots()).toEqual([
      { points_earned: 23, expires_on: '2026-12-25' },
      { points_earned: 50, expires_on: '2026-12-25' },
      { points_earned: 23, expires_on: '2027-12-31' },
    ]);
    expect(await fx.services.ledger.expirePoints(merchant.system, '2026-12-25')).toEqual({ lotsExpired: 0, pointsExpired: 0 });
    expect(await fx.services.ledger.expirePoints(merchant.system, '2026-12-26')).toEqual({ lotsExpired: 2, pointsExpired: 73 });
    expect(await fx.services.ledger.expirePoints(merchant.system, '2026-12-26')).toEqual({ lotsExpired: 0, pointsExpired: 0 });
    expect(await fx.services.ledger.pointsOf(merchant.merchantId, memberId)).toBe(23);
  });
});
