// The message registry: every frame type, who may send it, whether it is an
// outbox event (acked, idempotent by eventId), and the schema of its body.
import type { z } from 'zod';
import { CardEventBody, MemberEnrolledBody } from './members.js';
import { DeltaBody, SnapshotChunkBody } from './downstream.js';
import { PumpTransactionBody, ShiftClosedBody } from './fuel.js';
import { RechargeCommittedBody, SaleCommittedBody, SaleRefundedBody } from './sales.js';
import { AckBody, ErrorBody, HelloBody, PingBody, PongBody, WelcomeBody } from './session.js';

export type Sender = 'terminal' | 'gateway';

interface MessageSpec<S extends z.ZodType, E extends boolean> {
  body: S;
  /** Who may send it; `both` for liveness and errors. */
  from: Sender | 'both';
  /** Outbox events are journaled by the terminal and acked by the gateway. */
  event: E;
}

function spec<S extends z.ZodType>(body: S, from: Sender | 'both'): MessageSpec<S, false>;
function spec<S extends z.ZodType>(body: S, from: Sender | 'both', event: true): MessageSpec<S, true>;
function spec<S extends z.ZodType>(body: S, from: Sender | 'both', event = false): MessageSpec<S, boolean> {
  return { body, from, event };
}

export const MESSAGES = {
  hello: spec(HelloBody, 'terminal'),
  welcome: spec(WelcomeBody, 'gateway'),
  snapshotChunk: spec(SnapshotChunkBody, 'gateway'),
  delta: spec(DeltaBody, 'gateway'),
  saleCommitted: spec(SaleCommittedBody, 'terminal', true),
  saleRefunded: spec(SaleRefundedBody, 'terminal', true),
  rechargeCommitted: spec(RechargeCommittedBody, 'terminal', true),
  memberEnrolled: spec(MemberEnrolledBody, 'terminal', true),
  cardEvent: spec(CardEventBody, 'terminal', true),
  pumpTransaction: spec(PumpTransactionBody, 'terminal', true),
  shiftClosed: spec(ShiftClosedBody, 'terminal', true),
  ack: spec(AckBody, 'gateway'),
  error: spec(ErrorBody, 'both'),
  ping: spec(PingBody, 'both'),
  pong: spec(PongBody, 'both'),
} as const;

export type MessageType = keyof typeof MESSAGES;
export type BodyOf<T extends MessageType> = z.infer<(typeof MESSAGES)[T]['body']>;
export type EventMessageType = {
  [K in MessageType]: (typeof MESSAGES)[K]['event'] extends true ? K : never;
}[MessageType];

export const MESSAGE_TYPES = Object.keys(MESSAGES) as MessageType[];
export const EVENT_MESSAGE_TYPES = MESSAGE_TYPES.filter((t) => MESSAGES[t].event) as EventMessageType[];

export function isMessageType(type: string): type is MessageType {
  return Object.hasOwn(MESSAGES, type);
}

export * from './downstream.js';
export * from './fuel.js';
export * from './members.js';
export * from './sales.js';
export * from './session.js';
