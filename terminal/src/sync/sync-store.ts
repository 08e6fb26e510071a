// What the sync client needs from the terminal's local store. `LocalStore` provides it; the
// interface keeps the client readable and names exactly which store operations sync relies on.
import type { DeltaBody, EventMessageType, MemberRecord, RuleSetRecord, SnapshotChunkBody } from '@pos/protocol';

export interface PendingEvent {
  /** Commit order in the outbox; increases with every commit. */
  position: number;
  eventId: string;
  type: EventMessageType;
  body: unknown;
}

export interface SyncStore {
  /** Change-feed position applied so far; null on a new terminal. */
  cursor(): string | null;
  activeRuleSet(): Pick<RuleSetRecord, 'version'> | null;
  /** Reserves `count` upstream frame seqs durably and returns the first, so a restart never reuses one. */
  reserveFrameSeqs(count: number): number;
  readonly journal: {
    /** Oldest unacked events first, at most `limit`. */
    pendingOutbox(limit: number): PendingEvent[];
    /** Unacked events after outbox position `afterPosition`, oldest first, at most `limit`. */
    pendingOutboxAfter(afterPosition: number, limit: number): PendingEvent[];
    outboxSize(): number;
    recordAttempt(eventIds: readonly string[], attemptedAt: string): void;
    /** Deletes acked events from the outbox; the journal keeps them. */
    ack(eventIds: readonly string[]): number;
  };
  /** The cached member records, into which acked events' effects are folded. */
  readonly members: { member(memberId: string): MemberRecord | null };
  /** Applied atomically; the cursor advances only with the last chunk. */
  applySnapshotChunk(chunk: SnapshotChunkBody): void;
  /** Applied atomically together with its cursor. */
  applyDelta(delta: DeltaBody): void;
}
