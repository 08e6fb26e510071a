// Card types, cards and their lifecycle.
import { z } from '@hono/zod-openapi';
import type { Services } from '../../services.js';
import { addRoute, type GatewayApp } from '../route.js';
import { CancelBody, CardSchema, CardStatusBody, CardTypeBody, CardTypeSchema, IssueCardBody, LedgerResultSchema, ReplaceBody, UidBody, params } from '../schemas.js';

export function cardRoutes(app: GatewayApp, s: Services): void {
  const cards = s.cards;
  addRoute(app, { method: 'get', path: '/v1/card-types', tag: 'cards', summary: 'Card types of the merchant', response: z.array(CardTypeSchema) }, ({ actor }) => cards.listCardTypes(actor));
  addRoute(app, { method: 'post', path: '/v1/card-types', tag: 'cards', summary: 'Define a card type (HQ)', body: CardTypeBody, response: CardTypeSchema, status: 201 }, ({ actor, body }) => cards.createCardType(actor, body));
  addRoute(app, { method: 'post', path: '/v1/cards', tag: 'cards', summary: 'Issue a card to a member', body: IssueCardBody, response: CardSchema, status: 201 }, ({ actor, body }) => cards.issueCard(actor, body));
  addRoute(app, { method: 'get', path: '/v1/cards/{cardNo}', tag: 'cards', summary: 'A card and its stored value (fen)', params: params.cardNo, response: CardSchema.extend({ balance: z.object({ principalFen: z.number(), bonusFen: z.number() }) }) }, ({ actor, params: p }) => cards.getCard(actor, p.cardNo));
  for (const action of ['loss', 'unloss', 'freeze', 'unfreeze'] as const) {
    addRoute(app, { method: 'post', path: `/v1/cards/{cardNo}/${action}`, tag: 'cards', summary: `Card ${action}`, params: params.cardNo, body: CardStatusBody, response: CardSchema }, ({ actor, params: p, body }) => cards.changeStatus(actor, p.cardNo, action, body.reason));
  }
  addRoute(app, { method: 'post', path: '/v1/cards/{cardNo}/replace', tag: 'cards', summary: 'Replace (补卡): balances move to the new card', params: params.cardNo, body: ReplaceBody, response: LedgerResultSchema }, ({ actor, params: p, body }) => cards.replaceCard(actor, p.cardNo, body));
  addRoute(app, { method: 'post', path: '/v1/cards/{cardNo}/cancel', tag: 'cards', summary: 'Cancel (销卡): principal refunded, bonus forfeited', params: params.cardNo, body: CancelBody, response: LedgerResultSchema }, ({ actor, params: p, body }) => cards.cancelCard(actor, p.cardNo, body));
  addRoute(app, { method: 'post', path: '/v1/cards/{cardNo}/uids', tag: 'cards', summary: 'Bind a magstripe/IC/RFID UID', params: params.cardNo, body: UidBody, response: CardSchema }, ({ actor, params: p, body }) => cards.bindUid(actor, p.cardNo, body.uid));
}
