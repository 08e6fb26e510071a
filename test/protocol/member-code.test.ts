// The dynamic member code: RFC 6238 vectors, expiry, skew window, payload format.
import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { memberCodeAt, newMemberCodeSecret, parseMemberCodePayload, verifyMemberCode } from '@pos/protocol';

const MEMBER = '01JD000000000000000000MB01';
// RFC 6238 appendix B, SHA-256 seed "12345678901234567890123456789012".
const RFC_SECRET = Secret.fromUTF8('12345678901234567890123456789012').base32;

describe('member code', () => {
  it.each([
    [59, '46119246'],
    [1111111109, '68084774'],
    [1234567890, '91819424'],
    [2000000000, '90698825'],
  ])('matches RFC 6238 SHA-256 at T=%i', (seconds, code) => {
    expect(memberCodeAt(MEMBER, RFC_SECRET, seconds * 1000).payload).toBe(`PM1.${MEMBER}.${code}`);
  });

  it('changes every 30 seconds and says when', () => {
    const a = memberCodeAt(MEMBER, RFC_SECRET, 1_700_000_010_000);
    const b = memberCodeAt(MEMBER, RFC_SECRET, 1_700_000_039_999);
    const c = memberCodeAt(MEMBER, RFC_SECRET, 1_700_000_040_000);
    expect(a.payload).toBe(b.payload);
    expect(c.payload).not.toBe(a.payload);
    expect(a.expiresAtMs).toBe(1_700_000_040_000);
    expect(c.step).toBe(a.step + 1);
  });

  it.each([
    [0, 'ok'],
    [31_000, 'ok'], // next step, within the window
    [-25_000, 'ok'], // phone clock ahead by one step
    [61_000, 'EXPIRED_OR_WRONG'], // two steps later: a screenshot has expired
    [-61_000, 'EXPIRED_OR_WRONG'],
  ])('a code shown at t is checked at t%+d ms → %s', (offsetMs, expected) => {
    const shownAt = 1_700_000_010_000; // the first millisecond of a step
    const { payload, step } = memberCodeAt(MEMBER, RFC_SECRET, shownAt);
    const check = verifyMemberCode(payload, RFC_SECRET, shownAt + offsetMs);
    expect(check.ok ? 'ok' : check.code).toBe(expected);
    if (check.ok) expect(check).toEqual({ ok: true, memberId: MEMBER, step });
  });

  it('another member secret does not verify', () => {
    const { payload } = memberCodeAt(MEMBER, RFC_SECRET, 1_700_000_000_000);
    const check = verifyMemberCode(payload, newMemberCodeSecret(), 1_700_000_000_000);
    expect(check.ok ? 'ok' : check.code).toBe('EXPIRED_OR_WRONG');
  });

  it.each(['6901234567892', 'PM1.short.12345678', `PM1.${MEMBER}.1234567`, `PM2.${MEMBER}.12345678`])(
    '%s is not a member code',
    (text) => {
      expect(parseMemberCodePayload(text)).toBeNull();
      expect(verifyMemberCode(text, RFC_SECRET, 0)).toEqual({ ok: false, code: 'MALFORMED' });
    },
  );

  it('new secrets are 160-bit base32 and distinct', () => {
    const a = newMemberCodeSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(newMemberCodeSecret()).not.toBe(a);
    expect(new TOTP({ secret: Secret.fromBase32(a) }).generate()).toMatch(/^\d{6}$/);
  });
});
