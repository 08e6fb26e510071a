// Parses ISO/IEC 7813 magnetic tracks as a keyboard-mode reader types them: track 1 `%B…^…^…?`, track 2 `;…=…?`.
import type { Track1, Track2 } from '../../bus/device-events.js';

export type TrackParse<T> = { ok: true; track: T } | { ok: false; reason: string };

/** Luhn (mod 10) check over a digit string including its check digit. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

// Format B: PAN up to 19 digits, name 2–26 chars, then YYMM (or ^ for none), service code (or ^), discretionary. Max 79 chars with sentinels.
const TRACK1 = /^%B(\d{1,19})\^([^^?%]{2,26})\^(\d{4}|\^)(\d{3}|\^)?([^?%]*)\?$/;
// PAN up to 19 digits, `=`, YYMM (or = for none), service code (or =), discretionary digits. Max 40 chars with sentinels.
const TRACK2 = /^;(\d{1,19})=(\d{4}|=)(\d{3}|=)?(\d*)\?$/;

export function parseTrack1(text: string): TrackParse<Track1> {
  if (text.length > 79) return { ok: false, reason: 'track 1 longer than 79 characters' };
  const m = TRACK1.exec(text);
  if (!m) return { ok: false, reason: 'track 1 does not match %B<pan>^<name>^<yymm><service>…?' };
  const pan = m[1]!;
  if (!luhnValid(pan)) return { ok: false, reason: 'track 1 card number fails the Luhn check' };
  return {
    ok: true,
    track: { pan, name: m[2]!.trim(), expiryYymm: m[3] === '^' ? '' : m[3]!, serviceCode: m[4] === '^' || !m[4] ? '' : m[4], discretionary: m[5] ?? '' },
  };
}

export function parseTrack2(text: string): TrackParse<Track2> {
  if (text.length > 40) return { ok: false, reason: 'track 2 longer than 40 characters' };
  const m = TRACK2.exec(text);
  if (!m) return { ok: false, reason: 'track 2 does not match ;<pan>=<yymm><service>…?' };
  const pan = m[1]!;
  if (!luhnValid(pan)) return { ok: false, reason: 'track 2 card number fails the Luhn check' };
  return { ok: true, track: { pan, expiryYymm: m[2] === '=' ? '' : m[2]!, serviceCode: m[3] === '=' || !m[3] ? '' : m[3], discretionary: m[4] ?? '' } };
}

export type SwipeParse =
  | { ok: true; track1?: Track1; track2?: Track2 }
  | { ok: false; code: 'MALFORMED_TRACK' | 'LUHN_FAILED'; reason: string };

/**
 * Splits one swipe (tracks typed back to back, e.g. `%B…?;…?`, optionally with track 3 `;…?` or `+…?`) into
 * parsed tracks 1 and 2. Any present track that is malformed rejects the swipe; at least one must be present;
 * when both are present their card numbers must agree.
 */
export function parseSwipe(text: string): SwipeParse {
  const segments = text.match(/[%;+][^%;+?]*\?/g);
  if (!segments || segments.join('') !== text) return { ok: false, code: 'MALFORMED_TRACK', reason: 'not a sequence of sentinel-delimited tracks' };
  let track1: Track1 | undefined;
  let track2: Track2 | undefined;
  for (const segment of segments) {
    if (segment.startsWith('%')) {
      if (track1) return { ok: false, code: 'MALFORMED_TRACK', reason: 'two track 1 segments' };
      const r = parseTrack1(segment);
      if (!r.ok) return { ok: false, code: r.reason.includes('Luhn') ? 'LUHN_FAILED' : 'MALFORMED_TRACK', reason: r.reason };
      track1 = r.track;
    } else if (segment.startsWith(';') && segment.includes('=')) {
      if (track2) return { ok: false, code: 'MALFORMED_TRACK', reason: 'two track 2 segments' };
      const r = parseTrack2(segment);
      if (!r.ok) return { ok: false, code: r.reason.includes('Luhn') ? 'LUHN_FAILED' : 'MALFORMED_TRACK', reason: r.reason };
      track2 = r.track;
    } else if (!track2 && segment.startsWith(';')) {
      return { ok: false, code: 'MALFORMED_TRACK', reason: 'track 2 has no field separator' };
    }
    // anything else is track 3 (`;` after track 2, or `+`), which we do not use
  }
  if (!track1 && !track2) return { ok: false, code: 'MALFORMED_TRACK', reason: 'no track 1 or track 2' };
  if (track1 && track2 && track1.pan !== track2.pan) return { ok: false, code: 'MALFORMED_TRACK', reason: 'track 1 and track 2 card numbers differ' };
  return { ok: true, ...(track1 ? { track1 } : {}), ...(track2 ? { track2 } : {}) };
}

/** A card number safe for logs: first 6 and last 4 digits, the rest masked. */
export function maskPan(pan: string): string {
  if (pan.length <= 10) return `${pan.slice(0, 2)}${'*'.repeat(Math.max(0, pan.length - 4))}${pan.slice(-2)}`;
  return `${pan.slice(0, 6)}${'*'.repeat(pan.length - 10)}${pan.slice(-4)}`;
}
