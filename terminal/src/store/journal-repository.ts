// The journal (every sale, refund, recharge, enrolment and card event, kept forever) and the
// outbox (the same events waiting for the gateway's ack), written in ONE transaction, plus the
// persisted counters (gap-free receipt numbers, frame seq).
//
// Guarantees: when `append` returns, the event is durable (WAL + synchronous=FULL) in both the
// journal and the outbox, or in neither; a receipt number is allocated inside that transaction,
// so a refused or crashed commit never leaves a gap.
import type { Database, Statement } from 'better-sqlite3';
import type { ZodType } from 'zod';
import {
  type BodyOf,
  type EventMessageType,
  MESSAGES,
  type RechargeCommittedBody,
  type SaleCommittedBody,
  type SaleRefundedBody,
} from '@pos/protocol';
import { StoreError, toStoreError } from './store-error.js';

export const RECEIPT_COUNTER = 'receiptNo';
export const FRAME_SEQ_COUNTER = 'frameSeq';
/** Largest outbox batch one call returns; the sync client sends in batches of at most this. */
export const MAX_OUTBOX_BATCH = 1000;

/** The outbox event types of the protocol. */
export type JournaledType = EventMessageType;

export interface JournalEntry<T extends JournaledType = JournaledType> {
  journalSeq: number;
  eventId: string;
  type: T;
  occurredAt: string;
  body: BodyOf<T>;
}

export interface OutboxEntry {
  position: number;
  eventId: string;
  type: JournaledType;
  body: unknown;
  createdAt: string;
  attempts: number;
  lastAttemptAt: string | null;
}

/** Balance effect of events not yet acked, so offline spending is checked against what is known. */
export interface PendingMemberEffect {
  storedValueDeltaFen: number;
  /** Stored value spent by unacked events (refunds and recharges not netted in): what offline limits count. */
  storedValueSpentFen: number;
  principalDeltaFen: number;
  bonusDeltaFen: number;
  pointsDelta: number;
  events: number;
}

export interface MemberEffect {
  memberId: string | null;
  principalDeltaFen: number;
  bonusDeltaFen: number;
  pointsDelta: number;
}

/** Stored value moved by these tenders, split as the ledger keeps it (principal when unsplit). */
function storedValueOf(tenders: SaleCommittedBody['tenders']): { principalFen: number; bonusFen: number } {
  let principalFen = 0;
  let bonusFen = 0;
  for (const t of tenders) {
    if (t.kind !== 'storedValue') continue;
    const bonus = t.bonusFen ?? 0;
    bonusFen += bonus;
    principalFen += t.principalFen ?? t.amountFen - bonus;
  }
  return { principalFen, bonusFen };
}

export function effectOf(type: JournaledType, body: unknown): MemberEffect {
  switch (type) {
    case 'saleCommitted': {
      const b = body as SaleCommittedBody;
      const sv = storedValueOf(b.tenders);
      return { memberId: b.memberId, principalDeltaFen: -sv.principalFen, bonusDeltaFen: -sv.bonusFen, pointsDelta: b.pointsEarned - b.pointsSpent };
    }
    case 'saleRefunded': {
      const b = body as SaleRefundedBody;
      const sv = storedValueOf(b.tenders);
      return { memberId: b.memberId, principalDeltaFen: sv.principalFen, bonusDeltaFen: sv.bonusFen, pointsDelta: b.pointsRestored - b.pointsReversed };
    }
    case 'rechargeCommitted': {
      const b = body as RechargeCommittedBody;
      return { memberId: b.memberId, principalDeltaFen: b.principalFen, bonusDeltaFen: b.bonusFen, pointsDelta: b.bonusPoints };
    }
    case 'memberEnrolled':
    case 'cardEvent':
      return { memberId: (body as { memberId: string }).memberId, principalDeltaFen: 0, bonusDeltaFen: 0, pointsDelta: 0 };
    case 'pumpTransaction':
    case 'shiftClosed':
      return { memberId: null, principalDeltaFen: 0, bonusDeltaFen: 0, pointsDelta: 0 };
  }
  throw new StoreError('INVALID_EVENT', `not an outbox event type: ${String(type)}`);
}

/** Receipt numbers: the terminal's prefix and an 8-digit, gap-free sequence. */
export function formatReceiptNo(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(8, '0')}`;
}

export class JournalRepository {
  private readonly insertJournal: Statement;
  private readonly insertOutbox: Statement;
  private readonly bumpCounter: Statement;
  private readonly readCounter: Statement;
  private readonly selectBySale: Statement;
  private readonly selectByReceipt: Statement;
  private readonly selectLastSale: Statement;
  private readonly selectRefunds: Statement;
  private readonly selectJournal: Statement;
  private readonly selectOutbox: Statement;
  private readonly selectOutboxAfter: Statement;
  private readonly countOutbox: Statement;
  private readonly countJournal: Statement;
  private readonly attemptOutbox: Statement;
  private readonly deleteOutbox: Statement;
  private readonly pendingEffect: Statement;
  private readonly pendingSaleBodies: Statement;

  constructor(private readonly db: Database) {
    this.insertJournal = db.prepare(
      `INSERT INTO journal (event_id, type, occurred_at, sale_id, receipt_no, member_id, body) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertOutbox = db.prepare(
      `INSERT INTO outbox (event_id, type, body, created_at, member_id, stored_value_delta_fen, principal_delta_fen, bonus_delta_fen, points_delta)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.bumpCounter = db.prepare(
      `INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value RETURNING value`,
    );
    this.readCounter = db.prepare(`SELECT value FROM counters WHERE name = ?`).pluck();
    this.selectBySale = db.prepare(
      `SELECT journal_seq, event_id, type, occurred_at, body FROM journal WHERE sale_id = ? AND type = 'saleCommitted'`,
    );
    this.selectByReceipt = db.prepare(
      `SELECT journal_seq, event_id, type, occurred_at, body FROM journal WHERE receipt_no = ?`,
    );
    this.selectLastSale = db.prepare(
      `SELECT journal_seq, event_id, type, occurred_at, body FROM journal WHERE type = 'saleCommitted' ORDER BY journal_seq DESC LIMIT 1`,
    );
    this.selectRefunds = db.prepare(
      `SELECT journal_seq, event_id, type, occurred_at, body FROM journal WHERE sale_id = ? AND type = 'saleRefunded' ORDER BY journal_seq`,
    );
    this.selectJournal = db.prepare(
      `SELECT journal_seq, event_id, type, occurred_at, body FROM journal WHERE journal_seq > ? ORDER BY journal_seq LIMIT ?`,
    );
    this.selectOutbox = db.prepare(
      `SELECT position, event_id, type, body, created_at, attempts, last_attempt_at FROM outbox ORDER BY position LIMIT ?`,
    );
    this.selectOutboxAfter = db.prepare(
      `SELECT position, event_id, type, body, created_at, attempts, last_attempt_at FROM outbox WHERE position > ? ORDER BY position LIMIT ?`,
    );
    this.countOutbox = db.prepare(`SELECT count(*) FROM outbox`).pluck();
    this.countJournal = db.prepare(`SELECT count(*) FROM journal`).pluck();
    this.attemptOutbox = db.prepare(`UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ? WHERE event_id = ?`);
    this.deleteOutbox = db.prepare(`DELETE FROM outbox WHERE event_id = ?`);
    this.pendingEffect = db.prepare(
      `SELECT coalesce(sum(stored_value_delta_fen), 0) AS sv, coalesce(sum(principal_delta_fen), 0) AS p, coalesce(sum(bonus_delta_fen), 0) AS b,
              coalesce(sum(CASE WHEN stored_value_delta_fen < 0 THEN -stored_value_delta_fen ELSE 0 END), 0) AS spent,
              coalesce(sum(points_delta), 0) AS pts, count(*) AS n FROM outbox WHERE member_id = ?`,
    );
    this.pendingSaleBodies = db.prepare(`SELECT body FROM outbox WHERE member_id = ? AND type = 'saleCommitted'`).pluck();
  }

  /**
   * Validates the body against its protocol schema, then writes journal and outbox rows in the
   * caller's transaction. Returns the validated body (defaults applied) as it was stored.
   */
  appendInTransaction<T extends JournaledType>(type: T, body: BodyOf<T>): JournalEntry<T> {
    const parsed = (MESSAGES[type].body as ZodType).safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new StoreError('INVALID_EVENT', `${type}: ${issue?.path.join('.')}: ${issue?.message}`, issue?.path.join('.'));
    }
    const checked = parsed.data as BodyOf<T> & { eventId: string; occurredAt: string };
    const json = JSON.stringify(checked);
    const saleId = (checked as { saleId?: string }).saleId ?? null;
    const receiptNo = (checked as { receiptNo?: string }).receiptNo ?? null;
    const effect = effectOf(type, checked);
    const info = this.insertJournal.run(checked.eventId, type, checked.occurredAt, saleId, type === 'saleRefunded' || type === 'saleCommitted' ? receiptNo : null, effect.memberId, json);
    this.insertOutbox.run(
      checked.eventId,
      type,
      json,
      checked.occurredAt,
      effect.memberId,
      effect.principalDeltaFen + effect.bonusDeltaFen,
      effect.principalDeltaFen,
      effect.bonusDeltaFen,
      effect.pointsDelta,
    );
    return { journalSeq: Number(info.lastInsertRowid), eventId: checked.eventId, type, occurredAt: checked.occurredAt, body: checked };
  }

  /** Next value of a persisted counter, inside the caller's transaction. */
  nextInTransaction(counter: string): number {
    return this.advanceInTransaction(counter, 1);
  }

  /** Advances a persisted counter by `count` and returns the first value of the block. */
  advanceInTransaction(counter: string, count: number): number {
    const row = this.bumpCounter.get(counter, count) as { value: number };
    return row.value - count + 1;
  }

  counterValue(counter: string): number {
    return (this.readCounter.get(counter) as number | undefined) ?? 0;
  }

  saleById(saleId: string): JournalEntry<'saleCommitted'> | null {
    return toEntry(this.selectBySale.get(saleId));
  }

  byReceiptNo(receiptNo: string): JournalEntry<'saleCommitted' | 'saleRefunded'> | null {
    return toEntry(this.selectByReceipt.get(receiptNo));
  }

  lastSale(): JournalEntry<'saleCommitted'> | null {
    return toEntry(this.selectLastSale.get());
  }

  refundsOf(saleId: string): JournalEntry<'saleRefunded'>[] {
    return this.selectRefunds.all(saleId).map((row) => toEntry(row)!) as JournalEntry<'saleRefunded'>[];
  }

  /** Journal entries after `afterSeq`, oldest first, at most `limit` (≤ MAX_OUTBOX_BATCH). */
  journalAfter(afterSeq: number, limit: number): JournalEntry[] {
    return this.selectJournal.all(afterSeq, Math.min(limit, MAX_OUTBOX_BATCH)).map((row) => toEntry(row)!);
  }

  journalSize(): number {
    return this.countJournal.get() as number;
  }

  /** The oldest outbox entries, in commit order, at most `limit` (≤ MAX_OUTBOX_BATCH). */
  pendingOutbox(limit: number): OutboxEntry[] {
    return this.outboxRows(this.selectOutbox.all(Math.min(Math.max(1, limit), MAX_OUTBOX_BATCH)));
  }

  /** Outbox entries after outbox position `afterPosition`, in commit order, at most `limit` (≤ MAX_OUTBOX_BATCH). */
  pendingOutboxAfter(afterPosition: number, limit: number): OutboxEntry[] {
    return this.outboxRows(this.selectOutboxAfter.all(afterPosition, Math.min(Math.max(1, limit), MAX_OUTBOX_BATCH)));
  }

  private outboxRows(all: unknown[]): OutboxEntry[] {
    const rows = all as {
      position: number;
      event_id: string;
      type: JournaledType;
      body: string;
      created_at: string;
      attempts: number;
      last_attempt_at: string | null;
    }[];
    return rows.map((r) => ({
      position: r.position,
      eventId: r.event_id,
      type: r.type,
      body: JSON.parse(r.body) as unknown,
      createdAt: r.created_at,
      attempts: r.attempts,
      lastAttemptAt: r.last_attempt_at,
    }));
  }

  outboxSize(): number {
    return this.countOutbox.get() as number;
  }

  recordAttempt(eventIds: readonly string[], attemptedAt: string): void {
    this.mapped(() => {
      for (const id of eventIds) this.attemptOutbox.run(attemptedAt, id);
    });
  }

  /**
   * Drops acked events from the outbox (the journal keeps them). Returns how many were still there.
   * On a full disk even a delete needs WAL space: it is refused as DISK_FULL and the entries stay,
   * which is safe, since the gateway acks a duplicate again.
   */
  ack(eventIds: readonly string[]): number {
    return this.mapped(() => {
      let deleted = 0;
      for (const id of eventIds) deleted += this.deleteOutbox.run(id).changes;
      return deleted;
    });
  }

  private mapped<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate();
    } catch (error) {
      throw toStoreError(error);
    }
  }

  /**
   * Coupon codes this till's unacked sales of the member redeemed: the cached member record still
   * lists them until the gateway's answer arrives, and they must not be presented again meanwhile.
   */
  pendingCouponCodesOf(memberId: string): Set<string> {
    const codes = new Set<string>();
    for (const body of this.pendingSaleBodies.all(memberId) as string[]) {
      for (const code of (JSON.parse(body) as { couponsRedeemed?: string[] }).couponsRedeemed ?? []) codes.add(code);
    }
    return codes;
  }

  pendingEffectOf(memberId: string): PendingMemberEffect {
    const row = this.pendingEffect.get(memberId) as { sv: number; spent: number; p: number; b: number; pts: number; n: number };
    return { storedValueDeltaFen: row.sv, storedValueSpentFen: row.spent, principalDeltaFen: row.p, bonusDeltaFen: row.b, pointsDelta: row.pts, events: row.n };
  }
}

function toEntry<T extends JournaledType>(row: unknown): JournalEntry<T> | null {
  if (!row) return null;
  const r = row as { journal_seq: number; event_id: string; type: T; occurred_at: string; body: string };
  return { journalSeq: r.journal_seq, eventId: r.event_id, type: r.type, occurredAt: r.occurred_at, body: JSON.parse(r.body) as BodyOf<T> };
}
