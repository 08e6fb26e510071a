// Finds the member at the till: by card (card number or RFID UID in the cache), by phone typed,
// or by the member's dynamic QR code. Refusals are checked in a fixed order, first one wins:
// card not found → card status (lost, frozen, cancelled, replaced) → member missing → disabled → blocked.
import {
  type CardRecord,
  MEMBER_CODE_STEP_SECONDS,
  MEMBER_CODE_WINDOW_STEPS,
  type MemberRecord,
  normalizePhone,
  parseMemberCodePayload,
  verifyMemberCode,
} from '@pos/protocol';
import type { MemberContext } from '@pos/engine';
import { type LocalStore, StoreError } from '../store/index.js';
import { CheckoutError, type CheckoutErrorCode } from './checkout-error.js';

export interface IdentifiedMember {
  member: MemberRecord;
  card: CardRecord | null;
  via: 'card' | 'phone' | 'qr';
}

export type Identification = { ok: true; value: IdentifiedMember } | { ok: false; error: CheckoutError };

const CARD_REFUSAL: Record<CardRecord['status'], CheckoutErrorCode | null> = {
  active: null,
  lost: 'CARD_LOST',
  frozen: 'CARD_FROZEN',
  cancelled: 'CARD_CANCELLED',
  replaced: 'CARD_REPLACED',
};

/**
 * The seam for the dynamic member code (issue 10): the default verifies the protocol's TOTP
 * payload offline against the secret in the member cache and refuses a replayed step.
 */
export interface MemberCodeVerifier {
  /** null when the text is not a member code at all (e.g. a product barcode). */
  recognise(text: string): { memberId: string } | null;
  verify(text: string, member: MemberRecord, nowMs: number): { ok: true } | { ok: false; code: 'QR_INVALID' | 'QR_REPLAYED' };
}

/** How many accepted (member, step) pairs are remembered in memory when no store persists them. */
export const MAX_REMEMBERED_MEMBER_CODES = 1000;
/**
 * Accepted steps are kept this many steps behind now: a code verifies only within
 * MEMBER_CODE_WINDOW_STEPS of now, the rest is margin for the till's clock being set back.
 */
export const USED_MEMBER_CODE_KEEP_STEPS = MEMBER_CODE_WINDOW_STEPS + 10;

/** Where accepted member codes are recorded; the local store persists them (used_member_codes). */
export interface UsedMemberCodes {
  claimMemberCode(memberId: string, step: number, oldestStepKept: number, nowMs: number): boolean;
}

export class TotpMemberCodeVerifier implements MemberCodeVerifier {
  private readonly accepted = new Set<string>();

  /** Without `used`, accepted codes are remembered in memory only (lost at restart). */
  constructor(private readonly used?: UsedMemberCodes) {}

  recognise(text: string): { memberId: string } | null {
    const parsed = parseMemberCodePayload(text);
    return parsed ? { memberId: parsed.memberId } : null;
  }

  verify(text: string, member: MemberRecord, nowMs: number): { ok: true } | { ok: false; code: 'QR_INVALID' | 'QR_REPLAYED' } {
    if (!member.codeSecret) return { ok: false, code: 'QR_INVALID' };
    const check = verifyMemberCode(text, member.codeSecret, nowMs);
    if (!check.ok || check.memberId !== member.memberId) return { ok: false, code: 'QR_INVALID' };
    if (this.used) {
      const nowStep = Math.floor(nowMs / 1000 / MEMBER_CODE_STEP_SECONDS);
      const claimed = this.used.claimMemberCode(check.memberId, check.step, nowStep - USED_MEMBER_CODE_KEEP_STEPS, nowMs);
      return claimed ? { ok: true } : { ok: false, code: 'QR_REPLAYED' };
    }
    const key = `${check.memberId}:${check.step}`;
    if (this.accepted.has(key)) return { ok: false, code: 'QR_REPLAYED' };
    this.accepted.add(key);
    // Oldest first out: a Set iterates in insertion order.
    if (this.accepted.size > MAX_REMEMBERED_MEMBER_CODES) this.accepted.delete(this.accepted.values().next().value!);
    return { ok: true };
  }
}

/** A typed phone number as E.164; mainland numbers may be typed without +86. */
export function normalisePhone(text: string): string | null {
  return normalizePhone(text);
}

function refuse(code: CheckoutErrorCode): Identification {
  return { ok: false, error: new CheckoutError(code) };
}

function checkMember(member: MemberRecord | null, card: CardRecord | null, via: IdentifiedMember['via']): Identification {
  if (!member) return refuse('MEMBER_NOT_FOUND');
  if (member.status === 'disabled') return refuse('MEMBER_DISABLED');
  if (member.flags.includes('blocked')) return refuse('MEMBER_BLOCKED');
  return { ok: true, value: { member, card, via } };
}

/** The cached member again by id (a resumed sale), with the same checks as at first identification. */
export function checkCachedMember(store: LocalStore, memberId: string, via: IdentifiedMember['via']): Identification {
  return checkMember(store.members.member(memberId), null, via);
}

/** By card number or UID as read; a linked card's member is the card's own member. */
export function identifyByCard(store: LocalStore, read: { cardNo?: string; uid?: string }): Identification {
  let card: CardRecord | null = null;
  if (read.uid) card = store.members.cardByUid(read.uid);
  if (!card && read.cardNo) card = store.members.card(read.cardNo);
  if (!read.uid && !read.cardNo) return refuse('CARD_UNREADABLE');
  if (!card) return refuse('CARD_NOT_FOUND');
  const refusal = CARD_REFUSAL[card.status];
  if (refusal) return refuse(refusal);
  return checkMember(store.members.member(card.memberId), card, 'card');
}

export function identifyByPhone(store: LocalStore, typed: string): Identification {
  const phone = normalisePhone(typed);
  if (!phone) return refuse('PHONE_INVALID');
  const member = store.members.memberByPhone(phone);
  if (!member) return refuse('MEMBER_NOT_FOUND');
  // A member identified by phone pays with their first active card, if any.
  const card = store.members.cardsOf(member.memberId).find((c) => c.status === 'active') ?? null;
  return checkMember(member, card, 'phone');
}

export function identifyByQr(store: LocalStore, verifier: MemberCodeVerifier, text: string, nowMs: number): Identification {
  const recognised = verifier.recognise(text);
  if (!recognised) return refuse('QR_INVALID');
  const member = store.members.member(recognised.memberId);
  if (!member) return refuse('MEMBER_NOT_FOUND');
  let check: ReturnType<MemberCodeVerifier['verify']>;
  try {
    check = verifier.verify(text, member, nowMs);
  } catch (error) {
    // Recording the code needs a write: a full disk refuses it as it would refuse the sale.
    if (error instanceof StoreError) return { ok: false, error: new CheckoutError('STORE_REFUSED', { zh: error.messageZh, en: error.messageEn }, error.code) };
    throw error;
  }
  if (!check.ok) return refuse(check.code);
  const card = store.members.cardsOf(member.memberId).find((c) => c.status === 'active') ?? null;
  return checkMember(member, card, 'qr');
}

/**
 * What the engine knows of the member: the cached record plus the effect of this till's events
 * the gateway has not acked yet, so an offline till does not spend the same balance twice.
 */
export function memberContextOf(store: LocalStore, identified: IdentifiedMember, offline = false): MemberContext {
  const { member, card } = identified;
  const pending = store.journal.pendingEffectOf(member.memberId);
  // Never below zero: an overdraft the gateway flagged is the gateway's to settle.
  let principalFen = Math.max(0, member.storedValue.principalFen + pending.principalDeltaFen);
  let bonusFen = Math.max(0, member.storedValue.bonusFen + pending.bonusDeltaFen);
  if (offline) {
    // Offline, the card may spend at most its offline limit beyond what was synced (counting this
    // till's unacked spends), so two offline tills cannot overspend it by more than that limit.
    // Without a card there is no limit to go by, so nothing is spendable offline.
    const roomFen = Math.max(0, (card?.offlineLimitFen ?? 0) - pending.storedValueSpentFen);
    principalFen = Math.min(principalFen, roomFen);
    bonusFen = Math.min(bonusFen, roomFen - principalFen);
  }
  let pointsLots = member.pointsLots.map((lot) => ({ ...lot }));
  // Points the gateway reports without lots never expire as far as this till knows.
  const inLots = pointsLots.reduce((sum, lot) => sum + lot.points, 0);
  if (member.pointsBalance > inLots) pointsLots.push({ lotId: 'unlotted', points: member.pointsBalance - inLots, expiresOn: null });
  if (pending.pointsDelta > 0) {
    pointsLots.push({ lotId: 'pending-local', points: pending.pointsDelta, expiresOn: null });
  } else if (pending.pointsDelta < 0) {
    let owed = -pending.pointsDelta;
    pointsLots = pointsLots
      .sort((a, b) => (a.expiresOn ?? '9999-12-31').localeCompare(b.expiresOn ?? '9999-12-31'))
      .map((lot) => {
        const take = Math.min(owed, lot.points);
        owed -= take;
        return { ...lot, points: lot.points - take };
      })
      .filter((lot) => lot.points > 0);
  }
  return {
    memberId: member.memberId,
    tierId: member.tierId,
    birthday: member.birthday,
    card: card ? { cardNo: card.cardNo, cardTypeId: card.cardTypeId, status: card.status } : null,
    storedValue: { principalFen, bonusFen },
    pointsLots,
    growth: member.growth,
  };
}
