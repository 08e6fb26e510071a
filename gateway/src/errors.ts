// The one error type of the gateway's domain: a stable code, an HTTP status, a bilingual message and
// the failing field. The HTTP edge turns it into `{ error: { code, message, field? } }`.

export type GatewayErrorCode =
  | 'VALIDATION'
  | 'UNAUTHENTICATED'
  | 'ACCOUNT_LOCKED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'IDEMPOTENCY_CONFLICT'
  | 'PHONE_TAKEN'
  | 'CARD_NO_TAKEN'
  | 'INSUFFICIENT_BALANCE'
  | 'INSUFFICIENT_POINTS'
  | 'CARD_NOT_ACTIVE'
  | 'INVALID_TRANSITION'
  | 'NOT_LINKED'
  | 'REFUND_EXCEEDS_SPEND'
  | 'RULE_SET_INVALID'
  /** A model or report cannot be computed from the data there is (too few members to fit CLV). */
  | 'INSUFFICIENT_DATA'
  | 'PAYLOAD_TOO_LARGE'
  | 'RATE_LIMITED'
  | 'OTP_INVALID'
  | 'OTP_EXPIRED'
  | 'OTP_LOCKED';

const STATUS: Record<GatewayErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  ACCOUNT_LOCKED: 423,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  IDEMPOTENCY_CONFLICT: 409,
  PHONE_TAKEN: 409,
  CARD_NO_TAKEN: 409,
  INSUFFICIENT_BALANCE: 422,
  INSUFFICIENT_POINTS: 422,
  CARD_NOT_ACTIVE: 422,
  INVALID_TRANSITION: 409,
  NOT_LINKED: 422,
  REFUND_EXCEEDS_SPEND: 422,
  RULE_SET_INVALID: 422,
  INSUFFICIENT_DATA: 422,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  OTP_INVALID: 401,
  OTP_EXPIRED: 401,
  OTP_LOCKED: 423,
};

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly status: number;
  constructor(
    readonly code: GatewayErrorCode,
    /** "中文 / English": shown to a person, so both languages. */
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

export const notFound = (what: string): GatewayError =>
  new GatewayError('NOT_FOUND', `未找到 / ${what} not found`);
export const forbidden = (): GatewayError =>
  new GatewayError('FORBIDDEN', '无权执行此操作 / your role may not do this');
