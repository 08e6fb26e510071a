// The engine's one error type: a stable code the caller can act on, a bilingual message,
// and the failing field when the input itself is wrong.
import type { LocalizedText } from '@pos/protocol';

export type EngineErrorCode =
  | 'NOT_IMPLEMENTED'
  | 'INVALID_INPUT'
  | 'UNKNOWN_SKU'
  | 'DUPLICATE_LINE'
  | 'CARD_NOT_USABLE'
  | 'NO_MEMBER'
  | 'INSUFFICIENT_STORED_VALUE'
  | 'INSUFFICIENT_POINTS'
  | 'POINTS_CASH_DISABLED'
  | 'TENDER_EXCEEDS_DUE'
  | 'UNKNOWN_PLAN'
  | 'PLAN_NOT_APPLICABLE'
  | 'UNKNOWN_TIER'
  | 'REFUND_INVALID';

export class EngineError extends Error {
  override readonly name = 'EngineError';
  readonly text: LocalizedText;
  constructor(
    readonly code: EngineErrorCode,
    text: LocalizedText,
    readonly field?: string,
  ) {
    super(`${code}: ${text.en}`);
    this.text = text;
  }
}
