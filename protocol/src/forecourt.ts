// The forecourt controller wire protocol: how a terminal talks to a pump controller over
// serial or TCP. Frames are one JSON object per line (LF-terminated, UTF-8, at most
// FORECOURT_MAX_FRAME_BYTES), in the spirit of public JSON forecourt protocols (request
// packets with ids, typed replies, unsolicited status notifications). See protocol/FORECOURT.md.
import { z } from 'zod';
import { FenAmount, QuantityMilli } from './money.js';
import { FuelGrade } from './messages/fuel.js';

export const FORECOURT_PROTOCOL = 'pos-forecourt/1';
export const FORECOURT_MAX_FRAME_BYTES = 64 * 1024;

export const PumpNo = z.number().int().min(1).max(99);
export const NozzleNo = z.number().int().min(1).max(9);

/** Who settles a transaction: a terminal id or any stable till name. */
export const TillId = z.string().min(1).max(64);

export const PumpState = z.enum([
  'offline', // no answer from the pump
  'idle', // nozzles hung up, nothing to settle
  'calling', // a nozzle is lifted, waiting for authorisation
  'authorized', // may deliver up to the preset
  'fueling', // delivering; live volume and amount follow
  'paused', // delivery stopped by command, may resume
  'finished', // delivery over, transaction awaits payment
  'error', // pump fault; see errorCode
]);
export type PumpState = z.infer<typeof PumpState>;

/**
 * Legal state changes of a pump, as the controller reports them. `offline` and `error`
 * can be entered from any state; a finished transaction survives both and is settled later.
 */
export const PUMP_TRANSITIONS: Readonly<Record<PumpState, readonly PumpState[]>> = {
  offline: ['idle', 'calling', 'authorized', 'fueling', 'paused', 'finished', 'error'],
  idle: ['calling', 'authorized', 'offline', 'error'],
  calling: ['authorized', 'idle', 'offline', 'error'],
  authorized: ['fueling', 'idle', 'offline', 'error'],
  fueling: ['paused', 'finished', 'offline', 'error'],
  paused: ['fueling', 'finished', 'offline', 'error'],
  finished: ['idle', 'offline', 'error'],
  error: ['idle', 'finished', 'offline'],
};

export function isLegalPumpTransition(from: PumpState, to: PumpState): boolean {
  return from === to || PUMP_TRANSITIONS[from].includes(to);
}

export const Preset = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('amount'), amountFen: FenAmount.min(1) }),
  z.object({ kind: z.literal('volume'), volumeMilliLitre: QuantityMilli.min(1) }),
  z.object({ kind: z.literal('full') }),
]);
export type Preset = z.infer<typeof Preset>;

/** A transaction as the controller knows it: live while fueling, final once finished. */
export const PumpTransactionFigures = z.object({
  transactionId: z.string().min(1).max(64),
  nozzleNo: NozzleNo,
  grade: FuelGrade,
  /** Price per litre in force when the transaction started; price changes apply to the next one. */
  unitPriceFen: FenAmount,
  volumeMilliLitre: QuantityMilli,
  amountFen: FenAmount,
  preset: Preset.nullable(),
});
export type PumpTransactionFigures = z.infer<typeof PumpTransactionFigures>;

export const PumpStatus = z.object({
  pumpNo: PumpNo,
  state: PumpState,
  /** Nozzle lifted or in use, if any. */
  nozzleNo: NozzleNo.nullable(),
  transaction: PumpTransactionFigures.nullable(),
  errorCode: z.string().max(64).nullable(),
  /** The till settling the pump's transaction (see lockTransaction); absent or null when nobody is. */
  lockedBy: z.string().min(1).max(64).nullable().optional(),
});
export type PumpStatus = z.infer<typeof PumpStatus>;

export const NozzleTotalizer = z.object({
  nozzleNo: NozzleNo,
  grade: FuelGrade,
  /** Electronic totalizers only grow. */
  volumeMilliLitre: QuantityMilli,
  amountFen: FenAmount,
});
export type NozzleTotalizer = z.infer<typeof NozzleTotalizer>;

/** Requests, terminal → controller. `id` is chosen by the terminal and echoed in the reply. */
export const ForecourtRequest = z.discriminatedUnion('type', [
  z.object({ id: z.number().int().min(1), type: z.literal('getStatus'), data: z.object({ pumpNo: PumpNo.optional() }) }),
  z.object({
    id: z.number().int().min(1),
    type: z.literal('authorize'),
    data: z.object({ pumpNo: PumpNo, nozzleNo: NozzleNo.optional(), preset: Preset }),
  }),
  z.object({ id: z.number().int().min(1), type: z.literal('stop'), data: z.object({ pumpNo: PumpNo }) }),
  z.object({ id: z.number().int().min(1), type: z.literal('resume'), data: z.object({ pumpNo: PumpNo }) }),
  z.object({ id: z.number().int().min(1), type: z.literal('emergencyStop'), data: z.object({}) }),
  z.object({
    id: z.number().int().min(1),
    type: z.literal('setPrices'),
    data: z.object({ prices: z.array(z.object({ grade: FuelGrade, unitPriceFen: FenAmount.min(1) })).min(1).max(8) }),
  }),
  z.object({ id: z.number().int().min(1), type: z.literal('readTotalizers'), data: z.object({ pumpNo: PumpNo }) }),
  /**
   * Closes a finished transaction once it is paid, so the pump returns to idle. A locked transaction is closed
   * only by the till holding the lock (`tillId`).
   */
  z.object({
    id: z.number().int().min(1),
    type: z.literal('closeTransaction'),
    data: z.object({ pumpNo: PumpNo, transactionId: z.string().min(1).max(64), tillId: TillId.optional() }),
  }),
  /**
   * A till claims a transaction to settle it: exactly one till holds it until it closes (paid) or unlocks it
   * (sale abandoned). The same till may lock again (a retry after a lost reply); any other till is refused.
   */
  z.object({
    id: z.number().int().min(1),
    type: z.literal('lockTransaction'),
    data: z.object({ pumpNo: PumpNo, transactionId: z.string().min(1).max(64), tillId: TillId }),
  }),
  z.object({
    id: z.number().int().min(1),
    type: z.literal('unlockTransaction'),
    data: z.object({ pumpNo: PumpNo, transactionId: z.string().min(1).max(64), tillId: TillId }),
  }),
]);
export type ForecourtRequest = z.infer<typeof ForecourtRequest>;

export const ForecourtErrorCode = z.enum([
  'BAD_FRAME',
  'UNKNOWN_PUMP',
  'PUMP_BUSY',
  'PUMP_OFFLINE',
  'NOT_AUTHORIZED',
  'NOT_FINISHED',
  'UNKNOWN_TRANSACTION',
  'INVALID_PRESET',
  'TRANSACTION_LOCKED',
]);
export type ForecourtErrorCode = z.infer<typeof ForecourtErrorCode>;

/** Replies and notifications, controller → terminal. */
export const ForecourtMessage = z.discriminatedUnion('type', [
  z.object({
    id: z.number().int().min(1),
    type: z.literal('result'),
    data: z.object({
      pumps: z.array(PumpStatus).optional(),
      totalizers: z.array(NozzleTotalizer).optional(),
    }),
  }),
  z.object({
    id: z.number().int().min(0),
    type: z.literal('error'),
    code: ForecourtErrorCode,
    message: z.string().max(500),
  }),
  /** Unsolicited: sent on every state change and every sampling step while fueling. */
  z.object({ type: z.literal('pumpStatus'), data: PumpStatus }),
]);
export type ForecourtMessage = z.infer<typeof ForecourtMessage>;

export type ForecourtParseResult<T> = { ok: true; value: T } | { ok: false; code: 'BAD_FRAME'; message: string };

function parseLine<T>(schema: z.ZodType<T>, line: string): ForecourtParseResult<T> {
  if (Buffer.byteLength(line, 'utf8') > FORECOURT_MAX_FRAME_BYTES) {
    return { ok: false, code: 'BAD_FRAME', message: `frame exceeds ${FORECOURT_MAX_FRAME_BYTES} bytes` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { ok: false, code: 'BAD_FRAME', message: 'frame is not valid JSON' };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, code: 'BAD_FRAME', message: `${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  return { ok: true, value: parsed.data };
}

/** Validates one request line received by a controller. */
export function parseForecourtRequest(line: string): ForecourtParseResult<ForecourtRequest> {
  return parseLine(ForecourtRequest, line);
}

/** Validates one reply or notification line received by a terminal. */
export function parseForecourtMessage(line: string): ForecourtParseResult<ForecourtMessage> {
  return parseLine(ForecourtMessage, line);
}

/** One frame on the wire: compact JSON and a line feed. */
export function encodeForecourtFrame(frame: ForecourtRequest | ForecourtMessage): string {
  return `${JSON.stringify(frame)}\n`;
}
