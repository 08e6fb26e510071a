// The typed error every verification step returns: a stable code the peer can act
// on, a message for the log, and the failing field for schema violations.
import type { ErrorBody, ErrorCode } from './messages/session.js';

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: {
      field?: string;
      refId?: string;
      eventId?: string;
      supportedVersion?: string;
      receivedVersion?: string;
    } = {},
  ) {
    super(message);
  }

  /** The body of the `error` frame that tells the peer why its frame was refused. */
  toErrorBody(fatal = false): ErrorBody {
    return { code: this.code, message: this.message, ...this.details, fatal };
  }
}
