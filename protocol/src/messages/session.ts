// Session messages: opening handshake with cursor exchange, liveness, acks and errors.
import { z } from 'zod';
import { EventId, MerchantId, StoreId, TerminalId, Ulid } from '../ids.js';
import { IsoTimestamp } from '../time.js';

/** Terminal → gateway, first frame on a connection. */
export const HelloBody = z.object({
  softwareVersion: z.string().min(1).max(64),
  /** The gateway change-feed position the terminal has applied; null on a new terminal. */
  cursor: z.string().max(128).nullable(),
  /** Rule-set version the terminal runs now, so HQ can see who runs what. */
  ruleSetVersion: z.number().int().min(0).nullable(),
  /** Number of outbox entries waiting, for the gateway's health view. */
  pendingEvents: z.number().int().min(0),
});
export type HelloBody = z.infer<typeof HelloBody>;

/** Gateway → terminal, answer to hello. */
export const WelcomeBody = z.object({
  merchantId: MerchantId,
  storeId: StoreId,
  terminalId: TerminalId,
  serverTime: IsoTimestamp,
  /** snapshot: chunks follow, then live deltas; delta: only changes since the cursor follow. */
  mode: z.enum(['snapshot', 'delta']),
  heartbeatIntervalMs: z.number().int().min(1000).max(300_000),
  /** Largest batch of events the gateway accepts in one upstream burst before acking. */
  maxEventsInFlight: z.number().int().min(1).max(10_000),
});
export type WelcomeBody = z.infer<typeof WelcomeBody>;

export const PingBody = z.object({
  nonce: z.string().max(64),
  /** Terminal → gateway pings also say what the terminal runs now, so HQ sees a new rule set arrive without a reconnect. */
  ruleSetVersion: z.number().int().min(0).nullable().optional(),
  pendingEvents: z.number().int().min(0).optional(),
});
export const PongBody = z.object({ nonce: z.string().max(64) });

export const AckOutcome = z.enum(['applied', 'duplicate']);
/** Gateway → terminal: these events are durably applied (or were already); the terminal may drop them from its outbox. */
export const AckBody = z.object({
  acks: z
    .array(z.object({ eventId: EventId, outcome: AckOutcome }))
    .min(1)
    .max(10_000),
});
export type AckBody = z.infer<typeof AckBody>;

export const ErrorCode = z.enum([
  'BAD_JSON',
  'FRAME_TOO_LARGE',
  'SCHEMA_VIOLATION',
  'UNSUPPORTED_VERSION',
  'UNKNOWN_TYPE',
  'WRONG_DIRECTION',
  'UNKNOWN_TERMINAL',
  'TERMINAL_REVOKED',
  'BAD_SIGNATURE',
  'REPLAYED_SEQ',
  'EVENT_REJECTED',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** Either side: a refused frame or event, with a stable code and a message for the log. */
export const ErrorBody = z.object({
  code: ErrorCode,
  message: z.string().max(2000),
  /** Dotted path of the failing field, for schema violations. */
  field: z.string().max(500).optional(),
  /** Envelope id of the frame that was refused. */
  refId: Ulid.optional(),
  /** Event id, when one event of a batch was refused. */
  eventId: EventId.optional(),
  /** Protocol versions, for UNSUPPORTED_VERSION. */
  supportedVersion: z.string().max(32).optional(),
  receivedVersion: z.string().max(32).optional(),
  /** The connection will be closed after this frame. */
  fatal: z.boolean().default(false),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
