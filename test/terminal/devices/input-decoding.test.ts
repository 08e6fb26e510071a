// Keyboard-wedge report decoding, serial line splitting, barcode check digits, ISO 7813 track parsing.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { firstValueFrom, from, toArray } from 'rxjs';
import { hidKeyboardLines } from '../../../terminal/src/devices/input/hid-keyboard-decoder.js';
import { serialLines } from '../../../terminal/src/devices/input/serial-lines.js';
import { checkBarcode, gs1CheckDigit } from '../../../terminal/src/devices/scanner/barcode-check.js';
import { luhnValid, maskPan, parseSwipe, parseTrack1, parseTrack2 } from '../../../terminal/src/devices/card/magstripe-parser.js';
import { normaliseUid } from '../../../terminal/src/devices/card/rfid-reader.js';
import { typeReports } from './keyboard-reports.js';

const decodeHid = (reports: Buffer[]) => firstValueFrom(from(reports).pipe(hidKeyboardLines(), toArray()));
const decodeSerial = (chunks: string[]) => firstValueFrom(from(chunks.map((c) => Buffer.from(c, 'latin1'))).pipe(serialLines(), toArray()));

describe('HID keyboard decoding (US layout)', () => {
  it('decodes digits, letters with shift and punctuation, ended by Enter', async () => {
    expect(await decodeHid(typeReports('4006381333931'))).toEqual([{ ok: true, text: '4006381333931' }]);
    expect(await decodeHid(typeReports('%B6011000990139424^DOE/JOHN^2512101?'))).toEqual([{ ok: true, text: '%B6011000990139424^DOE/JOHN^2512101?' }]);
    expect(await decodeHid(typeReports('Ab-_=+[]{};:\'",./<>?~`!@#$%^&*()|\\'))).toEqual([{ ok: true, text: 'Ab-_=+[]{};:\'",./<>?~`!@#$%^&*()|\\' }]);
  });

  it('round-trips any printable ASCII text (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,40}$/), async (text) => {
        expect(await decodeHid(typeReports(text))).toEqual([{ ok: true, text }]);
      }),
      { numRuns: 200 },
    );
  });

  it('handles reports concatenated in one chunk and keys without a key-up between them', async () => {
    const concatenated = Buffer.concat(typeReports('12'));
    expect(await decodeHid([concatenated])).toEqual([{ ok: true, text: '12' }]);
    // '1' then '2' pressed while '1' still down, then Enter: still "12"
    const rolled = [Buffer.from([0, 0, 0x1e, 0, 0, 0, 0, 0]), Buffer.from([0, 0, 0x1e, 0x1f, 0, 0, 0, 0]), Buffer.from([0, 0, 0x28, 0, 0, 0, 0, 0])];
    expect(await decodeHid(rolled)).toEqual([{ ok: true, text: '12' }]);
  });

  it('reports a key outside the layout as a bad read, and an overlong line as too long', async () => {
    const f1 = [Buffer.from([0, 0, 0x3a, 0, 0, 0, 0, 0]), Buffer.alloc(8), ...typeReports('1')];
    expect(await decodeHid(f1)).toEqual([{ ok: false, code: 'BAD_READ', detail: 'keycode 0x3a is not in the US layout' }]);
    const long = await firstValueFrom(from(typeReports('1234567890')).pipe(hidKeyboardLines(5), toArray()));
    expect(long).toEqual([{ ok: false, code: 'LINE_TOO_LONG', detail: 'more than 5 characters' }]);
  });

  it('ignores ErrorRollOver reports', async () => {
    expect(await decodeHid([Buffer.from([0, 0, 1, 1, 1, 1, 1, 1]), ...typeReports('7')])).toEqual([{ ok: true, text: '7' }]);
  });
});

describe('serial lines', () => {
  it('splits on CR, LF and CR LF across chunk boundaries', async () => {
    expect(await decodeSerial(['40063813', '33931\r', '\n96385074\n', '12345670\r'])).toEqual([
      { ok: true, text: '4006381333931' },
      { ok: true, text: '96385074' },
      { ok: true, text: '12345670' },
    ]);
  });

  it('turns line noise into a bad read', async () => {
    expect(await decodeSerial(['40\x0063\xff\r\n'])).toEqual([{ ok: false, code: 'BAD_READ', detail: 'byte 0x00 in line' }]);
  });
});

describe('barcode check digits', () => {
  it.each([
    ['4006381333931', { ok: true, symbology: 'EAN-13' }],
    ['6901234567892', { ok: true, symbology: 'EAN-13' }],
    ['96385074', { ok: true, symbology: 'EAN-8' }],
    ['036000291452', { ok: true, symbology: 'UPC-A' }],
    ['4006381333932', { ok: false, reason: 'EAN-13 check digit is 2, expected 1' }],
    ['96385075', { ok: false, reason: 'EAN-8 check digit is 5, expected 4' }],
    ['036000291453', { ok: false, reason: 'UPC-A check digit is 3, expected 2' }],
    ['M:01HZX3Q', { ok: true, symbology: 'other' }],
    ['12345', { ok: true, symbology: 'other' }],
  ])('%s', (code, verdict) => {
    expect(checkBarcode(code)).toEqual(verdict);
  });

  it('every single-digit error in an EAN-13 is caught (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12}$/), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 9 }), (body, pos, delta) => {
        const good = body + String(gs1CheckDigit(body));
        const d = (Number(good[pos]) + delta) % 10;
        const bad = good.slice(0, pos) + String(d) + good.slice(pos + 1);
        expect(checkBarcode(good).ok).toBe(true);
        expect(checkBarcode(bad).ok).toBe(false);
      }),
    );
  });
});

describe('ISO 7813 tracks', () => {
  it('parses track 1 and track 2', () => {
    expect(parseTrack1('%B6011000990139424^DOE/JOHN                  ^2512101000000000?')).toEqual({
      ok: true,
      track: { pan: '6011000990139424', name: 'DOE/JOHN', expiryYymm: '2512', serviceCode: '101', discretionary: '000000000' },
    });
    expect(parseTrack2(';6011000990139424=25121010000000?')).toEqual({
      ok: true,
      track: { pan: '6011000990139424', expiryYymm: '2512', serviceCode: '101', discretionary: '0000000' },
    });
  });

  it('parses a swipe with both tracks, and one with track 2 only', () => {
    const both = parseSwipe('%B6011000990139424^DOE/JOHN^2512101?;6011000990139424=2512101?');
    expect(both).toEqual({
      ok: true,
      track1: { pan: '6011000990139424', name: 'DOE/JOHN', expiryYymm: '2512', serviceCode: '101', discretionary: '' },
      track2: { pan: '6011000990139424', expiryYymm: '2512', serviceCode: '101', discretionary: '' },
    });
    expect(parseSwipe(';6011000990139424=2512?')).toEqual({
      ok: true,
      track2: { pan: '6011000990139424', expiryYymm: '2512', serviceCode: '', discretionary: '' },
    });
  });

  it.each([
    ['%B6011000990139424^DOE/JOHN^2512101', 'MALFORMED_TRACK'], // no end sentinel
    ['%A6011000990139424^DOE/JOHN^2512101?', 'MALFORMED_TRACK'], // format code not B
    ['%B6011000990139424DOE/JOHN2512101?', 'MALFORMED_TRACK'], // no separators
    [';6011000990139424?', 'MALFORMED_TRACK'], // no field separator
    [';6011A00990139424=2512?', 'MALFORMED_TRACK'],
    [';6011000990139425=2512101?', 'LUHN_FAILED'],
    ['%B6011000990139425^DOE/JOHN^2512101?', 'LUHN_FAILED'],
    ['%B6011000990139424^DOE/JOHN^2512101?;4111111111111111=2512101?', 'MALFORMED_TRACK'], // tracks disagree
    ['garbage', 'MALFORMED_TRACK'],
  ])('rejects %s as %s', (swipe, code) => {
    const r = parseSwipe(swipe);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe(code);
  });

  it('Luhn and masking', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(maskPan('6011000990139424')).toBe('601100******9424');
  });
});

describe('RFID UIDs', () => {
  it.each([
    ['04a1b2c3d4e5f6', 'hex', '04A1B2C3D4E5F6'],
    ['04:A1:B2:C3', 'hex', '04A1B2C3'],
    ['0012345678', 'decimal', '00BC614E'],
    ['xyz', 'hex', null],
    ['ABC', 'hex', null],
    ['4294967296', 'decimal', null],
  ] as const)('%s (%s) → %s', (text, format, uid) => {
    expect(normaliseUid(text, format)).toBe(uid);
  });
});

describe('decoders never crash on arbitrary bytes (property)', () => {
  it('serial lines and HID reports: every output is a bounded line or a typed bad read', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), async (chunks) => {
        const buffers = chunks.map((c) => Buffer.from(c));
        for (const out of [
          await firstValueFrom(from(buffers).pipe(serialLines(32), toArray())),
          await firstValueFrom(from(buffers).pipe(hidKeyboardLines(32), toArray())),
        ]) {
          for (const line of out) {
            if (line.ok) expect(line.text.length).toBeLessThanOrEqual(32);
            else expect(['BAD_READ', 'LINE_TOO_LONG']).toContain(line.code);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a swipe parser either accepts Luhn-valid tracks or names why not', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (text) => {
        const r = parseSwipe(text);
        if (r.ok) {
          const pan = r.track2?.pan ?? r.track1?.pan ?? '';
          expect(luhnValid(pan)).toBe(true);
        } else {
          expect(['MALFORMED_TRACK', 'LUHN_FAILED']).toContain(r.code);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
