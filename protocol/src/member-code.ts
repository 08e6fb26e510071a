// The dynamic member code: the QR a member shows at the till. It is a TOTP (RFC 6238,
// HMAC-SHA256, 8 digits, 30 s steps) over a per-member secret, so a screenshot expires,
// and a terminal verifies it offline from the secret in its member cache.
import { Secret, TOTP } from 'otpauth';
import { MemberId } from './ids.js';

export const MEMBER_CODE_PREFIX = 'PM1';
export const MEMBER_CODE_STEP_SECONDS = 30;
export const MEMBER_CODE_DIGITS = 8;
/** Steps either side of now that are still accepted, for clock skew between phone and terminal. */
export const MEMBER_CODE_WINDOW_STEPS = 1;

const PAYLOAD_PATTERN = /^PM1\.([0-9A-HJKMNP-TV-Z]{26})\.(\d{8})$/;

function totpFor(secretBase32: string): TOTP {
  return new TOTP({
    algorithm: 'SHA256',
    digits: MEMBER_CODE_DIGITS,
    period: MEMBER_CODE_STEP_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** A new member secret (20 random bytes, base32), issued by the gateway. */
export function newMemberCodeSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export interface MemberCode {
  /** What the QR encodes: `PM1.<memberId>.<8 digits>`. */
  payload: string;
  /** The 30 s step the code belongs to; a terminal refuses a step it has already accepted. */
  step: number;
  /** When the page should show the next code. */
  expiresAtMs: number;
}

export function memberCodeAt(memberId: string, secretBase32: string, nowMs: number): MemberCode {
  const step = Math.floor(nowMs / 1000 / MEMBER_CODE_STEP_SECONDS);
  const code = totpFor(secretBase32).generate({ timestamp: nowMs });
  return {
    payload: `${MEMBER_CODE_PREFIX}.${memberId}.${code}`,
    step,
    expiresAtMs: (step + 1) * MEMBER_CODE_STEP_SECONDS * 1000,
  };
}

/** Reads a scanned payload; null when it is not a member code at all (e.g. a product barcode). */
export function parseMemberCodePayload(text: string): { memberId: string; code: string } | null {
  const match = PAYLOAD_PATTERN.exec(text.trim());
  if (!match || !MemberId.safeParse(match[1]).success) return null;
  return { memberId: match[1]!, code: match[2]! };
}

export type MemberCodeCheck =
  | { ok: true; memberId: string; step: number }
  | { ok: false; code: 'MALFORMED' | 'EXPIRED_OR_WRONG' };

/**
 * Verifies a payload against the member's secret at `nowMs`. Replay protection is the
 * caller's: it must refuse a (memberId, step) it has accepted before.
 */
export function verifyMemberCode(payload: string, secretBase32: string, nowMs: number): MemberCodeCheck {
  const parsed = parseMemberCodePayload(payload);
  if (!parsed) return { ok: false, code: 'MALFORMED' };
  const delta = totpFor(secretBase32).validate({ token: parsed.code, timestamp: nowMs, window: MEMBER_CODE_WINDOW_STEPS });
  if (delta === null) return { ok: false, code: 'EXPIRED_OR_WRONG' };
  const step = Math.floor(nowMs / 1000 / MEMBER_CODE_STEP_SECONDS) + delta;
  return { ok: true, memberId: parsed.memberId, step };
}
