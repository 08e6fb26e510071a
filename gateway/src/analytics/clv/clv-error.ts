// The one error type of the CLV models: a stable code and a bilingual message, so a job or an HTTP
// edge can map it without parsing text.

export type ClvErrorCode =
  /** A parameter or a customer summary is out of the model's domain (negative, NaN, x > 0 with t_x = 0…). */
  | 'CLV_INVALID_INPUT'
  /** A series or an optimiser ran out of its bounded budget before reaching its tolerance. */
  | 'CLV_NOT_CONVERGED'
  /** A data file does not have the documented shape. */
  | 'CLV_DATA_FORMAT';

export class ClvError extends Error {
  override readonly name = 'ClvError';
  constructor(
    readonly code: ClvErrorCode,
    /** "中文 / English" */
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
