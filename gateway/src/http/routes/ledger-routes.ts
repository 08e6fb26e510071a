// Stored value and points operations. Every body carries a client idempotency key; amounts in fen.
import { z } from '@hono/zod-openapi';
import { require } from '../../auth/permissions.js';
import type { Services } from '../../services.js';
import { GatewayError } from '../../errors.js';
import { addRoute, type GatewayApp } from '../route.js';
import { AdjustmentBody, LedgerResultSchema, PointsEarnBody, PointsSpendBody, RechargeBody, RefundBody, SpendBody, TransferBody } from '../schemas.js';

export function ledgerRoutes(app: GatewayApp, s: Services): void {
  const { ledger, cards, members } = s;
  addRoute(app, { method: 'post', path: '/v1/recharges', tag: 'stored value', summary: 'Recharge: paid amount as principal, bonus and bonus points by the rule set’s recharge plans (充值方案)', body: RechargeBody, response: LedgerResultSchema, status: 201 }, async ({ actor, body }) => {
    require(actor, 'stored-value.recharge');
    await cards.visibleCard(actor, body.cardNo);
    return ledger.recharge(actor, body);
  });
  addRoute(app, { method: 'post', path: '/v1/spends', tag: 'stored value', summary: 'Spend stored value (principal and bonus in proportion)', body: SpendBody, response: LedgerResultSchema, status: 201 }, async ({ actor, body }) => {
    require(actor, 'stored-value.spend');
    await cards.visibleCard(actor, body.cardNo);
    return ledger.spend(actor, body);
  });
  addRoute(app, { method: 'post', path: '/v1/refunds', tag: 'stored value', summary: 'Refund (part of) a spend to its card', body: RefundBody, response: LedgerResultSchema, status: 201 }, async ({ actor, body }) => {
    require(actor, 'stored-value.spend');
    const spend = await s.gdb.db.selectFrom('ledger_transactions').innerJoin('cards', (j) => j.onRef('cards.merchant_id', '=', 'ledger_transactions.merchant_id').onRef('cards.id', '=', 'ledger_transactions.card_id'))
      .select('cards.card_no').where('ledger_transactions.merchant_id', '=', actor.merchantId).where('ledger_transactions.id', '=', body.spendTransactionId).executeTakeFirst();
    if (!spend) throw new GatewayError('NOT_FOUND', '原消费不存在 / spend not found', 'spendTransactionId');
    await cards.visibleCard(actor, spend.card_no);
    return ledger.refund(actor, body);
  });
  addRoute(app, { method: 'post', path: '/v1/adjustments', tag: 'stored value', summary: 'Manager adjustment (reason required)', body: AdjustmentBody, response: LedgerResultSchema, status: 201 }, async ({ actor, body }) => {
    require(actor, 'stored-value.adjust');
    await cards.visibleCard(actor, body.cardNo);
    return ledger.adjust(actor, body);
  });
  addRoute(app, { method: 'post', path: '/v1/transfers', tag: 'stored value', summary: 'Transfer within a card family', body: TransferBody, response: LedgerResultSchema, status: 201 }, async ({ actor, body }) => {
    require(actor, 'stored-value.adjust');
    await cards.visibleCard(actor, body.fromCardNo);
    await cards.visibleCard(actor, body.toCardNo);
    return ledger.transfer(actor, body);
  });
  addRoute(app, { method: 'post', path: '/v1/points/earn', tag: 'points', summary: 'Credit points as a lot with an expiry day', body: PointsEarnBody, response: LedgerResultSchema, status: 201 }, async ({ actor, body }) => {
    require(actor, 'points.write');
    await members.visibleRow(actor, body.memberId);
    return ledger.earnPoints(actor, body);
  });
  addRoute(app, { method: 'post', path: '/v1/points/expire', tag: 'points', summary: 'Expire every lot whose day has passed (HQ job; each lot once)', body: z.object({ today: z.iso.date() }), response: z.object({ lotsExpired: z.number(), pointsExpired: z.number() }) }, async ({ actor, body }) => {
    require(actor, 'ruleSet.write');
    return ledger.expirePoints(actor, body.today);
  });
  addRoute(app, { method: 'post', path: '/v1/points/spend', tag: 'points', summary: 'Redeem points, first-expiring lot first', body: PointsSpendBody, response: LedgerResultSchema, status: 201 }, async ({ actor, body }) => {
    require(actor, 'points.write');
    await members.visibleRow(actor, body.memberId);
    return ledger.spendPoints(actor, body);
  });
}
