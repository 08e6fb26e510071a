// Phone numbers: parsed with libphonenumber-js (mainland China by default), stored in E.164,
// shown masked (138****5678) everywhere but the member's own detail view and never logged in full.
import { parsePhoneNumberFromString } from 'libphonenumber-js';

export const DEFAULT_COUNTRY = 'CN';

/** E.164 form of a phone typed by a person, or null when it is not a valid number. */
export function normalizePhone(raw: string): string | null {
  const trimmed = raw.trim();
  if (trimmed.length === 0 || trimmed.length > 32) return null;
  const parsed = parsePhoneNumberFromString(trimmed, DEFAULT_COUNTRY);
  return parsed?.isValid() ? parsed.number : null;
}

/** 138****5678: the first three and last four digits of the national number. */
export function maskPhone(e164: string): string {
  const national = parsePhoneNumberFromString(e164)?.nationalNumber ?? e164.replace(/^\+\d{1,3}/, '');
  if (national.length <= 7) return `${national.slice(0, 1)}****${national.slice(-2)}`;
  return `${national.slice(0, 3)}****${national.slice(-4)}`;
}

/** The national digits of an E.164 number: a phone serving as the member's e-card number. */
export function nationalDigits(e164: string): string {
  return parsePhoneNumberFromString(e164)?.nationalNumber ?? e164.replace(/^\+/, '');
}
