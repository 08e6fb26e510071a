// Applies upstream events from terminals to the gateway's ledger and member database.
//
// Guarantee: each event has its effect once, whatever the number of deliveries. Every ledger
// operation an event causes is keyed by the event id (`<eventId>:<part>`), so a delivery that
// crashed half-way replays the finished parts as no-ops; the event is registered in
// `sync_events` last, together with its growth change, in one transaction. A registered event
// is acked as a duplicate without touching anything.
// Offline spends are never refused for lack of balance: the shortfall goes to the overdraft
// account and the member is flagged.
import type { Logger } from 'pino';
import pino from 'pino';
import type {
  BodyOf,
  CardEventBody,
  EventMessageType,
  MemberEnrolledBody,
  RechargeCommittedBody,
  SaleCommittedBody,
  SaleRefundedBody,
} from '@pos/protocol';
import type { CardService } from '../cards/card-service.js';
import { type Actor, type Clock, systemActor } from '../context.js';
import { type GatewayDb, inTransaction } from '../db/database.js';
import { GatewayError } from '../errors.js';
import type { LedgerService } from '../ledger/ledger-service.js';
import type { MemberService } from '../members/member-service.js';
import { syncDb } from './sync-tables.js';

export type ApplyOutcome = 'applied' | 'duplicate';

export interface TerminalIdentity {
  merchantId: string;
  storeId: string;
  terminalId: string;
}

export class EventRejected extends Error {
  constructor(
    readonly eventId: string,
    message: string,
  ) {
    super(message);
  }
}

export interface EventApplierDeps {
  gdb: GatewayDb;
  clock: Clock;
  ledger: LedgerService;
  members: MemberService;
  cards: CardService;
  logger?: Logger;
}

const STORED_VALUE_KINDS = new Set(['storedValue', 'fuelCard']);

export class SyncEventApplier {
  private readonly log: Logger;

  constructor(private readonly deps: EventApplierDeps) {
    this.log = (deps.logger ?? pino({ level: 'silent' })).child({ module: 'gateway/sync/apply' });
  }

  async apply<T extends EventMessageType>(terminal: TerminalIdentity, type: T, body: BodyOf<T>): Promise<ApplyOutcome> {
    const event = body as BodyOf<T> & { eventId: string; occurredAt: string; offline: boolean };
    const db = syncDb(this.deps.gdb);
    const seen = await db
      .selectFrom('sync_events')
      .select('event_id')
      .where('merchant_id', '=', terminal.merchantId)
      .where('event_id', '=', event.eventId)
      .executeTakeFirst();
    if (seen) return 'duplicate';
    // A terminal may only post events of its own store.
    if ((event as { storeId?: string }).storeId !== terminal.storeId || (event as { terminalId?: string }).terminalId !== terminal.terminalId) {
      throw new EventRejected(event.eventId, 'event names another store or terminal');
    }
    const actor = systemActor(terminal.merchantId, terminal.storeId);
    let growthDelta = 0;
    let memberId: string | null = null;
    try {
      switch (type) {
        case 'saleCommitted': {
          const sale = body as SaleCommittedBody;
          await this.applySale(actor, sale);
          growthDelta = sale.growthEarned;
          memberId = sale.memberId;
          break;
        }
        case 'saleRefunded': {
          const refund = body as SaleRefundedBody;
          await this.applyRefund(actor, refund);
          growthDelta = -refund.growthReversed;
          memberId = refund.memberId;
          break;
        }
        case 'rechargeCommitted':
          await this.applyRecharge(actor, body as RechargeCommittedBody);
          break;
        case 'memberEnrolled':
          await this.applyEnrolment(actor, body as MemberEnrolledBody);
          break;
        case 'cardEvent':
          await this.applyCardEvent(actor, body as CardEventBody);
          break;
        case 'pumpTransaction':
          // Recorded in the register below; the money moves with the sale that settles it.
          break;
      }
    } catch (error) {
      if (error instanceof GatewayError && (error.code === 'NOT_FOUND' || error.code === 'VALIDATION' || error.code === 'REFUND_EXCEEDS_SPEND')) {
        throw new EventRejected(event.eventId, error.message);
      }
      throw error;
    }
    return inTransaction(this.deps.gdb, async (trx) => {
      const tdb = trx as unknown as ReturnType<typeof syncDb>;
      const inserted = await tdb
        .insertInto('sync_events')
        .values({
          merchant_id: terminal.merchantId,
          event_id: event.eventId,
          terminal_id: terminal.terminalId,
          store_id: terminal.storeId,
          type,
          sale_id: (event as { saleId?: string }).saleId ?? null,
          member_id: (event as { memberId?: string | null }).memberId ?? null,
          occurred_at: event.occurredAt,
          received_at: this.deps.clock.nowMs(),
          offline: event.offline ? 1 : 0,
          body: JSON.stringify(body),
        })
        .onConflict((oc) => oc.columns(['merchant_id', 'event_id']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return 'duplicate';
      if (growthDelta !== 0 && memberId) {
        await tdb
          .updateTable('members')
          .set((eb) => ({ growth: eb('growth', '+', growthDelta), updated_at: this.deps.clock.nowMs() }))
          .where('merchant_id', '=', terminal.merchantId)
          .where('id', '=', memberId)
          .execute();
      }
      return 'applied';
    });
  }

  private async flag(actor: Actor, memberId: string, flag: 'overdraft', eventId: string, cardNo: string | null, amount: number): Promise<void> {
    await syncDb(this.deps.gdb)
      .insertInto('member_flags')
      .values({
        merchant_id: actor.merchantId,
        member_id: memberId,
        flag,
        card_no: cardNo,
        event_id: eventId,
        amount,
        raised_at: this.deps.clock.nowMs(),
        cleared_at: null,
      })
      .onConflict((oc) => oc.columns(['merchant_id', 'member_id', 'flag', 'event_id']).doNothing())
      .execute();
    this.log.warn({ memberId, flag, eventId, amount }, 'member flagged by sync');
  }

  private async applySale(actor: Actor, sale: SaleCommittedBody): Promise<void> {
    const { ledger } = this.deps;
    let index = 0;
    for (const tender of sale.tenders) {
      if (!STORED_VALUE_KINDS.has(tender.kind) || tender.amountFen === 0) continue;
      const cardNo = tender.cardNo ?? sale.cardNo;
      if (!cardNo) throw new GatewayError('VALIDATION', 'stored-value tender without a card', 'cardNo');
      const spend = await ledger.spend(actor, {
        idempotencyKey: `${sale.eventId}:sv:${index}`,
        cardNo,
        amountFen: tender.amountFen,
        allowOverdraft: true,
      });
      index += 1;
      const shortfallFen = (spend as { shortfallFen?: number }).shortfallFen ?? 0;
      if (shortfallFen > 0 && sale.memberId) await this.flag(actor, sale.memberId, 'overdraft', sale.eventId, cardNo, shortfallFen);
    }
    if (!sale.memberId) return;
    if (sale.pointsSpent > 0) {
      try {
        await ledger.spendPoints(actor, {
          idempotencyKey: `${sale.eventId}:points-spend`,
          memberId: sale.memberId,
          points: sale.pointsSpent,
          today: sale.businessDate,
        });
      } catch (error) {
        // Points spent offline on two tills: the sale stands, the member is flagged for HQ.
        if (!(error instanceof GatewayError && error.code === 'INSUFFICIENT_POINTS')) throw error;
        await this.flag(actor, sale.memberId, 'overdraft', sale.eventId, sale.cardNo, sale.pointsSpent);
      }
    }
    if (sale.pointsEarned > 0) {
      await ledger.earnPoints(actor, {
        idempotencyKey: `${sale.eventId}:points-earn`,
        memberId: sale.memberId,
        points: sale.pointsEarned,
        expiresOn: null,
      });
    }
  }

  private async applyRefund(actor: Actor, refund: SaleRefundedBody): Promise<void> {
    const { ledger } = this.deps;
    const db = syncDb(this.deps.gdb);
    const sale = await db
      .selectFrom('sync_events')
      .select(['event_id'])
      .where('merchant_id', '=', actor.merchantId)
      .where('sale_id', '=', refund.saleId)
      .where('type', '=', 'saleCommitted')
      .executeTakeFirst();
    if (!sale) throw new GatewayError('NOT_FOUND', 'refunded sale has not been synced', 'saleId');
    let index = 0;
    for (const tender of refund.tenders) {
      if (!STORED_VALUE_KINDS.has(tender.kind) || tender.amountFen === 0) continue;
      const spend = await db
        .selectFrom('ledger_transactions')
        .select('id')
        .where('merchant_id', '=', actor.merchantId)
        .where('idempotency_key', '=', `${sale.event_id}:sv:${index}`)
        .executeTakeFirst();
      if (!spend) throw new GatewayError('NOT_FOUND', 'stored-value spend of the refunded sale not found', 'tenders');
      await ledger.refund(actor, { idempotencyKey: `${refund.eventId}:sv:${index}`, spendTransactionId: spend.id, amountFen: tender.amountFen });
      index += 1;
    }
    if (!refund.memberId) return;
    if (refund.pointsReversed > 0) {
      try {
        await ledger.spendPoints(actor, {
          idempotencyKey: `${refund.eventId}:points-reverse`,
          memberId: refund.memberId,
          points: refund.pointsReversed,
          today: refund.businessDate,
        });
      } catch (error) {
        if (!(error instanceof GatewayError && error.code === 'INSUFFICIENT_POINTS')) throw error;
        await this.flag(actor, refund.memberId, 'overdraft', refund.eventId, null, refund.pointsReversed);
      }
    }
    if (refund.pointsRestored > 0) {
      await ledger.earnPoints(actor, {
        idempotencyKey: `${refund.eventId}:points-restore`,
        memberId: refund.memberId,
        points: refund.pointsRestored,
        expiresOn: null,
      });
    }
  }

  private async applyRecharge(actor: Actor, recharge: RechargeCommittedBody): Promise<void> {
    if (!recharge.cardNo) throw new GatewayError('VALIDATION', 'a recharge needs a card', 'cardNo');
    await this.deps.ledger.rechargeExplicit(actor, {
      idempotencyKey: `${recharge.eventId}:recharge`,
      cardNo: recharge.cardNo,
      principalFen: recharge.principalFen,
      bonusFen: recharge.bonusFen,
    });
    if (recharge.bonusPoints > 0) {
      await this.deps.ledger.earnPoints(actor, {
        idempotencyKey: `${recharge.eventId}:bonus-points`,
        memberId: recharge.memberId,
        points: recharge.bonusPoints,
        expiresOn: null,
      });
    }
  }

  private async applyEnrolment(actor: Actor, enrolment: MemberEnrolledBody): Promise<void> {
    try {
      await this.deps.members.createMember(actor, {
        memberId: enrolment.memberId,
        name: enrolment.name,
        phone: enrolment.phone,
        birthday: enrolment.birthday ?? null,
        storeId: enrolment.storeId,
        referrerId: enrolment.referrerMemberId ?? null,
      });
    } catch (error) {
      // Enrolled at two tills while offline: the first one wins; the phone identifies the member.
      if (error instanceof GatewayError && error.code === 'PHONE_TAKEN') {
        this.log.info({ eventId: enrolment.eventId }, 'enrolment of a phone that is already a member');
        return;
      }
      throw error;
    }
  }

  private async applyCardEvent(actor: Actor, event: CardEventBody): Promise<void> {
    const { cards } = this.deps;
    try {
      switch (event.action) {
        case 'loss':
        case 'unloss':
        case 'freeze':
        case 'unfreeze':
          await cards.changeStatus(actor, event.cardNo, event.action, event.reason);
          return;
        case 'bind':
          if (!event.uid) throw new GatewayError('VALIDATION', 'bind needs a uid', 'uid');
          await cards.bindUid(actor, event.cardNo, event.uid);
          return;
        case 'replace':
          if (!event.newCardNo) throw new GatewayError('VALIDATION', 'replace needs newCardNo', 'newCardNo');
          await cards.replaceCard(actor, event.cardNo, { newCardNo: event.newCardNo, idempotencyKey: `${event.eventId}:replace` });
          return;
        case 'cancel':
          await cards.cancelCard(actor, event.cardNo, { reason: event.reason ?? 'cancelled at the till', idempotencyKey: `${event.eventId}:cancel` });
          return;
      }
    } catch (error) {
      // The card is already where the event takes it (e.g. frozen at HQ too): nothing left to do.
      if (error instanceof GatewayError && error.code === 'INVALID_TRANSITION') return;
      throw error;
    }
  }
}
