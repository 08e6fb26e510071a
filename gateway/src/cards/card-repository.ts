// Card rows as the ledger and the card service read them, with the card type's kind joined in.
import type { Kysely } from 'kysely';
import type { GatewayDatabase } from '../db/schema.js';

export interface CardRow {
  id: string;
  cardNo: string;
  memberId: string;
  cardTypeId: string;
  typeKind: string;
  offlineLimitFen: number;
  storeId: string;
  status: string;
  mainCardId: string | null;
  uids: string[];
  replacedBy: string | null;
  createdAt: number;
  updatedAt: number;
}

function cardQuery(trx: Kysely<GatewayDatabase>, merchantId: string) {
  return trx
    .selectFrom('cards')
    .innerJoin('card_types', (j) =>
      j.onRef('card_types.merchant_id', '=', 'cards.merchant_id').onRef('card_types.id', '=', 'cards.card_type_id'),
    )
    .select([
      'cards.id',
      'cards.card_no',
      'cards.member_id',
      'cards.card_type_id',
      'card_types.kind',
      'card_types.offline_limit_fen',
      'cards.store_id',
      'cards.status',
      'cards.main_card_id',
      'cards.uids',
      'cards.replaced_by',
      'cards.created_at',
      'cards.updated_at',
    ])
    .where('cards.merchant_id', '=', merchantId);
}

type RawCard = Awaited<ReturnType<ReturnType<typeof cardQuery>['executeTakeFirstOrThrow']>>;

function toCard(r: RawCard): CardRow {
  return {
    id: r.id,
    cardNo: r.card_no,
    memberId: r.member_id,
    cardTypeId: r.card_type_id,
    typeKind: r.kind,
    offlineLimitFen: Number(r.offline_limit_fen),
    storeId: r.store_id,
    status: r.status,
    mainCardId: r.main_card_id,
    uids: JSON.parse(r.uids) as string[],
    replacedBy: r.replaced_by,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export async function findCardByNo(trx: Kysely<GatewayDatabase>, merchantId: string, cardNo: string) {
  const r = await cardQuery(trx, merchantId).where('cards.card_no', '=', cardNo).executeTakeFirst();
  return r ? toCard(r) : undefined;
}

export async function findCardById(trx: Kysely<GatewayDatabase>, merchantId: string, id: string) {
  const r = await cardQuery(trx, merchantId).where('cards.id', '=', id).executeTakeFirst();
  return r ? toCard(r) : undefined;
}

export async function findCardsOfMember(trx: Kysely<GatewayDatabase>, merchantId: string, memberId: string) {
  const rows = await cardQuery(trx, merchantId).where('cards.member_id', '=', memberId).orderBy('cards.id').execute();
  return rows.map(toCard);
}

/** The card whose accounts hold this card's stored value: a linked (family) card draws on its main card. */
export function storedValueOwner(card: CardRow): string {
  return card.typeKind === 'linked' && card.mainCardId !== null ? card.mainCardId : card.id;
}

/** The family a card belongs to: its main card, or itself. */
export function familyRoot(card: CardRow): string {
  return card.mainCardId ?? card.id;
}
