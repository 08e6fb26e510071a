// Card types and the card lifecycle: issue, report loss (挂失), cancel loss, freeze, unfreeze,
// replace (补卡: balances move to the new card) and cancel (销卡: principal refunded, bonus
// forfeited). Status changes are checked against one transition table; every change is audited.
import { newId } from '@pos/protocol';
import { writeAudit } from '../audit/audit-log.js';
import { require, storesInScope } from '../auth/permissions.js';
import type { Actor, Clock } from '../context.js';
import { forUpdate, inTransaction, isUniqueViolation, type GatewayDb } from '../db/database.js';
import { GatewayError, notFound } from '../errors.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { MemberService } from '../members/member-service.js';
import { nationalDigits } from '@pos/protocol';
import { findCardById, findCardByNo, type CardRow } from './card-repository.js';

export type CardTypeKind = 'personal' | 'linked' | 'subsidiary' | 'group';
export type CardLevel = 'regular' | 'silver' | 'gold' | 'vip';

export interface CardType {
  id: string;
  name: string;
  kind: CardTypeKind;
  level: CardLevel;
  discountPerMille: number;
  offlineLimitFen: number;
  tierId: string | null;
}

export type StatusAction = 'loss' | 'unloss' | 'freeze' | 'unfreeze';

/** from-status → to-status for each simple action; anything else is INVALID_TRANSITION. */
const TRANSITIONS: Record<StatusAction, { from: string; to: string }> = {
  loss: { from: 'active', to: 'lost' },
  unloss: { from: 'lost', to: 'active' },
  freeze: { from: 'active', to: 'frozen' },
  unfreeze: { from: 'frozen', to: 'active' },
};
const REPLACEABLE = ['active', 'lost', 'frozen'];
const CANCELLABLE = ['active', 'lost', 'frozen'];

export interface CardView {
  id: string;
  cardNo: string;
  memberId: string;
  cardTypeId: string;
  storeId: string;
  status: string;
  mainCardId: string | null;
  uids: string[];
  replacedBy: string | null;
  createdAt: number;
  updatedAt: number;
}

function view(c: CardRow): CardView {
  return { id: c.id, cardNo: c.cardNo, memberId: c.memberId, cardTypeId: c.cardTypeId, storeId: c.storeId, status: c.status, mainCardId: c.mainCardId, uids: c.uids, replacedBy: c.replacedBy, createdAt: c.createdAt, updatedAt: c.updatedAt };
}

export class CardService {
  constructor(
    private readonly gdb: GatewayDb,
    private readonly clock: Clock,
    private readonly members: MemberService,
    private readonly ledger: LedgerService,
  ) {}

  private get db() {
    return this.gdb.db;
  }

  async createCardType(actor: Actor, input: Omit<CardType, 'id'>): Promise<CardType> {
    require(actor, 'cardType.write');
    const now = this.clock.nowMs();
    const type: CardType = { id: newId(now), ...input };
    await inTransaction(this.gdb, async (trx) => {
      await trx
        .insertInto('card_types')
        .values({ merchant_id: actor.merchantId, id: type.id, name: type.name, kind: type.kind, level: type.level, discount_per_mille: type.discountPerMille, offline_limit_fen: type.offlineLimitFen, tier_id: type.tierId, created_at: now })
        .execute();
      await writeAudit(trx, actor, now, { action: 'cardType.create', entityType: 'cardType', entityId: type.id, after: type });
    });
    return type;
  }

  async listCardTypes(actor: Actor): Promise<CardType[]> {
    require(actor, 'cardType.read');
    const rows = await this.db.selectFrom('card_types').selectAll().where('merchant_id', '=', actor.merchantId).orderBy('id').execute();
    return rows.map((r) => ({ id: r.id, name: r.name, kind: r.kind as CardTypeKind, level: r.level as CardLevel, discountPerMille: Number(r.discount_per_mille), offlineLimitFen: Number(r.offline_limit_fen), tierId: r.tier_id }));
  }

  /** The card if it is in the actor's scope (by the store that issued it), else NOT_FOUND. */
  async visibleCard(actor: Actor, cardNo: string): Promise<CardRow> {
    const card = await findCardByNo(this.db, actor.merchantId, cardNo);
    if (!card) throw notFound('card');
    const scope = await storesInScope(this.db, actor);
    if (scope !== 'all' && !scope.includes(card.storeId)) throw notFound('card');
    return card;
  }

  async getCard(actor: Actor, cardNo: string): Promise<CardView & { balance: { principalFen: number; bonusFen: number } }> {
    require(actor, 'member.read');
    const card = await this.visibleCard(actor, cardNo);
    return { ...view(card), balance: await this.ledger.balanceOfCard(this.db, actor.merchantId, card) };
  }

  /**
   * Issues a card to a member. Without a card number the member's phone becomes the e-card number.
   * A linked card (家庭副卡) names its main card and shares its stored value.
   */
  async issueCard(
    actor: Actor,
    input: { memberId: string; cardTypeId: string; cardNo?: string | undefined; mainCardNo?: string | undefined; uids?: string[] | undefined },
  ): Promise<CardView> {
    require(actor, 'card.issue');
    const member = await this.members.visibleRow(actor, input.memberId);
    const type = (await this.listCardTypes(actor)).find((t) => t.id === input.cardTypeId);
    if (!type) throw new GatewayError('NOT_FOUND', '卡类型不存在 / card type not found', 'cardTypeId');
    let cardNo = input.cardNo;
    if (cardNo === undefined) {
      if (member.phone === null) throw new GatewayError('VALIDATION', '无手机号时需要卡号 / cardNo is required when the member has no phone', 'cardNo');
      cardNo = nationalDigits(member.phone);
    }
    let mainCardId: string | null = null;
    if (type.kind === 'linked' || type.kind === 'subsidiary') {
      if (!input.mainCardNo) throw new GatewayError('VALIDATION', '副卡需要主卡 / a linked card needs mainCardNo', 'mainCardNo');
      const main = await this.visibleCard(actor, input.mainCardNo).catch(() => {
        throw new GatewayError('NOT_FOUND', '主卡不存在 / main card not found', 'mainCardNo');
      });
      if (main.status !== 'active' || main.mainCardId !== null) throw new GatewayError('VALIDATION', '主卡必须是有效的主卡 / the main card must be an active main card', 'mainCardNo');
      mainCardId = main.id;
    }
    const now = this.clock.nowMs();
    const id = newId(now);
    try {
      await inTransaction(this.gdb, async (trx) => {
        await trx
          .insertInto('cards')
          .values({ merchant_id: actor.merchantId, id, card_no: cardNo, member_id: member.id, card_type_id: type.id, store_id: member.store_id, status: 'active', main_card_id: mainCardId, uids: JSON.stringify(input.uids ?? []), replaced_by: null, created_at: now, updated_at: now })
          .execute();
        await writeAudit(trx, actor, now, { action: 'card.issue', entityType: 'card', entityId: id, after: { cardNo, memberId: member.id, cardTypeId: type.id, mainCardId } });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new GatewayError('CARD_NO_TAKEN', '卡号已存在 / card number already issued', 'cardNo');
      throw error;
    }
    return view((await findCardById(this.db, actor.merchantId, id))!);
  }

  /** Loss, cancel loss, freeze, unfreeze. */
  async changeStatus(actor: Actor, cardNo: string, action: StatusAction, reason?: string): Promise<CardView> {
    require(actor, 'card.status');
    const card = await this.visibleCard(actor, cardNo);
    const t = TRANSITIONS[action];
    const now = this.clock.nowMs();
    await inTransaction(this.gdb, async (trx) => {
      let q = trx.selectFrom('cards').select('status').where('merchant_id', '=', actor.merchantId).where('id', '=', card.id);
      if (forUpdate(this.gdb)) q = q.forUpdate();
      const current = await q.executeTakeFirstOrThrow();
      if (current.status !== t.from) {
        throw new GatewayError('INVALID_TRANSITION', `卡状态为 ${current.status}，不能${action} / cannot ${action} a ${current.status} card`);
      }
      await trx.updateTable('cards').set({ status: t.to, updated_at: now }).where('merchant_id', '=', actor.merchantId).where('id', '=', card.id).execute();
      await writeAudit(trx, actor, now, { action: `card.${action}`, entityType: 'card', entityId: card.id, before: { status: current.status }, after: { status: t.to, reason: reason ?? null } });
    });
    return view((await findCardById(this.db, actor.merchantId, card.id))!);
  }

  /** 补卡: a new card for the same member and type; stored value and linked cards move to it. */
  async replaceCard(actor: Actor, cardNo: string, input: { newCardNo: string; idempotencyKey?: string | undefined }) {
    require(actor, 'card.replace');
    const card = await this.visibleCard(actor, cardNo);
    const result = await this.ledger.run(
      actor,
      { idempotencyKey: input.idempotencyKey ?? `card-replace:${card.id}`, kind: 'card_replace', request: { cardNo, newCardNo: input.newCardNo } },
      async (ctx) => {
        const current = await findCardById(ctx.trx, actor.merchantId, card.id);
        if (!current || !REPLACEABLE.includes(current.status)) {
          throw new GatewayError('INVALID_TRANSITION', `卡状态为 ${current?.status}，不能补卡 / a ${current?.status} card cannot be replaced`);
        }
        if (await findCardByNo(ctx.trx, actor.merchantId, input.newCardNo)) {
          throw new GatewayError('CARD_NO_TAKEN', '卡号已存在 / card number already issued', 'newCardNo');
        }
        const newId_ = newId(ctx.nowMs);
        await ctx.trx
          .insertInto('cards')
          .values({ merchant_id: actor.merchantId, id: newId_, card_no: input.newCardNo, member_id: current.memberId, card_type_id: current.cardTypeId, store_id: current.storeId, status: 'active', main_card_id: current.mainCardId, uids: '[]', replaced_by: null, created_at: ctx.nowMs, updated_at: ctx.nowMs })
          .execute();
        await ctx.trx.updateTable('cards').set({ status: 'replaced', replaced_by: newId_, updated_at: ctx.nowMs }).where('merchant_id', '=', actor.merchantId).where('id', '=', current.id).execute();
        // Family cards follow their main card to the replacement.
        await ctx.trx.updateTable('cards').set({ main_card_id: newId_, updated_at: ctx.nowMs }).where('merchant_id', '=', actor.merchantId).where('main_card_id', '=', current.id).execute();
        const shares = current.typeKind === 'linked' && current.mainCardId !== null;
        const move = shares ? { postings: [], moved: { principalFen: 0, bonusFen: 0 } } : await this.ledger.moveAll(ctx, current, newId_);
        return {
          postings: move.postings,
          result: { kind: 'card_replace', oldCardNo: current.cardNo, newCardNo: input.newCardNo, moved: move.moved },
          memberId: current.memberId,
          cardId: current.id,
          amount: move.moved.principalFen + move.moved.bonusFen,
          audit: { entityType: 'card', entityId: current.id, before: { status: current.status, balance: move.moved }, after: { status: 'replaced', newCardNo: input.newCardNo, balance: { principalFen: 0, bonusFen: 0 } } },
        };
      },
    );
    return result;
  }

  /** 销卡: remaining principal refunded (paid out by the store), bonus forfeited; the card ends cancelled. */
  async cancelCard(actor: Actor, cardNo: string, input: { reason: string; idempotencyKey?: string | undefined }) {
    require(actor, 'card.cancel');
    const card = await this.visibleCard(actor, cardNo);
    return this.ledger.run(
      actor,
      { idempotencyKey: input.idempotencyKey ?? `card-cancel:${card.id}`, kind: 'card_cancel', request: { cardNo } },
      async (ctx) => {
        const current = await findCardById(ctx.trx, actor.merchantId, card.id);
        if (!current || !CANCELLABLE.includes(current.status)) {
          throw new GatewayError('INVALID_TRANSITION', `卡状态为 ${current?.status}，不能销卡 / a ${current?.status} card cannot be cancelled`);
        }
        const dependants = await ctx.trx.selectFrom('cards').select('id').where('merchant_id', '=', actor.merchantId).where('main_card_id', '=', current.id).where('status', 'in', CANCELLABLE).execute();
        if (dependants.length > 0) throw new GatewayError('INVALID_TRANSITION', '请先注销副卡 / cancel the linked cards first');
        const shares = current.typeKind === 'linked' && current.mainCardId !== null;
        const close = shares ? { postings: [], closed: { principalFen: 0, bonusFen: 0 } } : await this.ledger.closeOut(ctx, actor, current);
        await ctx.trx.updateTable('cards').set({ status: 'cancelled', updated_at: ctx.nowMs }).where('merchant_id', '=', actor.merchantId).where('id', '=', current.id).execute();
        return {
          postings: close.postings,
          result: { kind: 'card_cancel', cardNo: current.cardNo, refundedPrincipalFen: close.closed.principalFen, forfeitedBonusFen: close.closed.bonusFen },
          memberId: current.memberId,
          cardId: current.id,
          amount: close.closed.principalFen + close.closed.bonusFen,
          reason: input.reason,
          audit: { entityType: 'card', entityId: current.id, before: { status: current.status, balance: close.closed }, after: { status: 'cancelled', balance: { principalFen: 0, bonusFen: 0 }, reason: input.reason } },
        };
      },
    );
  }

  async bindUid(actor: Actor, cardNo: string, uid: string): Promise<CardView> {
    require(actor, 'card.status');
    const card = await this.visibleCard(actor, cardNo);
    const uids = [...new Set([...card.uids, uid.toUpperCase()])];
    const now = this.clock.nowMs();
    await inTransaction(this.gdb, async (trx) => {
      await trx.updateTable('cards').set({ uids: JSON.stringify(uids), updated_at: now }).where('merchant_id', '=', actor.merchantId).where('id', '=', card.id).execute();
      await writeAudit(trx, actor, now, { action: 'card.bind', entityType: 'card', entityId: card.id, before: { uids: card.uids }, after: { uids } });
    });
    return view((await findCardById(this.db, actor.merchantId, card.id))!);
  }
}
