// Money, quantity and id primitives of the contract.
import { describe, expect, it } from 'vitest';
import { CardNo, Fen, PhoneE164, Ulid, formatQuantity, formatYuan, idTime, maskPhone, newId, normalizePhone } from '@pos/protocol';

describe('Fen', () => {
  it.each([
    [0, true],
    [12345, true],
    [-500, true],
    [Number.MAX_SAFE_INTEGER, true],
    [Number.MAX_SAFE_INTEGER + 1, false],
    [12.5, false],
    [Number.NaN, false],
  ])('%d is valid fen: %s', (value, ok) => {
    expect(Fen.safeParse(value).success).toBe(ok);
  });

  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [12345, '123.45'],
    [-5, '-0.05'],
    [-100, '-1.00'],
    [1000000, '10000.00'],
  ])('formatYuan(%d) = %s', (fen, text) => {
    expect(formatYuan(fen)).toBe(text);
  });

  it.each([
    [1000, '1'],
    [1234, '1.234'],
    [1500, '1.5'],
    [25316, '25.316'],
    [7, '0.007'],
  ])('formatQuantity(%d) = %s', (milli, text) => {
    expect(formatQuantity(milli)).toBe(text);
  });
});

describe('ids', () => {
  it('ULIDs from later times sort after earlier ones and carry their time', () => {
    const early = newId(1_700_000_000_000);
    const late = newId(1_700_000_000_001);
    expect(early < late).toBe(true);
    expect(idTime(early)).toBe(1_700_000_000_000);
    expect(Ulid.safeParse(early).success).toBe(true);
  });

  it.each([
    ['01JD0000000000000000000T01', true],
    ['01jd0000000000000000000t01', false],
    ['01JD0000000000000000000TO1', false], // O is not Crockford base32
    ['01JD', false],
  ])('Ulid %s valid: %s', (id, ok) => {
    expect(Ulid.safeParse(id).success).toBe(ok);
  });

  it.each([
    ['6200000000000001', true],
    ['12345', false],
    ['62000000000000000001', false],
    ['6200-0000', false],
  ])('CardNo %s valid: %s', (cardNo, ok) => {
    expect(CardNo.safeParse(cardNo).success).toBe(ok);
  });

  it.each([
    ['+8613812345678', true],
    ['13812345678', false],
    ['+0123456789', false],
  ])('PhoneE164 %s valid: %s', (phone, ok) => {
    expect(PhoneE164.safeParse(phone).success).toBe(ok);
  });
});

describe('phones', () => {
  it.each([
    ['13812345678', '+8613812345678', '138****5678'],
    ['+86 139 0000 1111', '+8613900001111', '139****1111'],
    ['0000000', null, null],
    ['+1 415 555 2671', '+14155552671', '415****2671'],
    ['12345', null, null],
  ])('%s → %s, masked %s', (raw, e164, masked) => {
    expect(normalizePhone(raw)).toBe(e164);
    if (e164) expect(maskPhone(e164)).toBe(masked);
  });
});
