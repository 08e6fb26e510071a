// price() refuses what it cannot price honestly, with a typed EngineError: a stable code,
// zh-CN and en text, and the input field at fault. Table-driven.
import { EngineError, price } from '@pos/engine';
import { describe, expect, it } from 'vitest';
import { input, member, type InputSpec } from './fixtures.js';

const lost = member({ card: { cardNo: '8800001234', cardTypeId: 'standard', status: 'lost' } });
const frozen = member({ card: { cardNo: '8800001234', cardTypeId: 'standard', status: 'frozen' } });

const cases: Array<[name: string, spec: InputSpec, code: string, field: string]> = [
  ['unknown sku', { lines: [['cola', 1000], ['caviar', 1000]] }, 'UNKNOWN_SKU', 'basket.lines.1.sku'],
  ['lost card cannot pay with stored value', { lines: [['cola', 1000]], member: lost, tenders: [{ kind: 'storedValue' }] }, 'CARD_NOT_USABLE', 'member.card.status'],
  ['frozen card cannot pay with points', { lines: [['rice', 1000]], member: frozen, pointsToRedeem: 100 }, 'CARD_NOT_USABLE', 'member.card.status'],
  ['stored value needs a member', { lines: [['cola', 1000]], tenders: [{ kind: 'storedValue' }] }, 'NO_MEMBER', 'tenders.0.kind'],
  ['points need a member', { lines: [['cola', 1000]], pointsToRedeem: 10 }, 'NO_MEMBER', 'pointsToRedeem'],
  [
    'stored value beyond the balance',
    { lines: [['rice', 3000]], member: member(), tenders: [{ kind: 'storedValue', amountFen: 12_001 }] },
    'INSUFFICIENT_STORED_VALUE',
    'tenders.0.amountFen',
  ],
  ['non-cash tender beyond what is due', { lines: [['cola', 1000]], tenders: [{ kind: 'wechat', amountFen: 351 }] }, 'TENDER_EXCEEDS_DUE', 'tenders.0.amountFen'],
  [
    'second tender beyond what is left',
    { lines: [['cola', 1000]], member: member(), tenders: [{ kind: 'storedValue', amountFen: 300 }, { kind: 'bankCard', amountFen: 51 }] },
    'TENDER_EXCEEDS_DUE',
    'tenders.1.amountFen',
  ],
  ['expired lots do not count', { lines: [['rice', 5000]], member: member(), pointsToRedeem: 1001 }, 'INSUFFICIENT_POINTS', 'pointsToRedeem'],
  [
    'points as cash switched off',
    { lines: [['rice', 1000]], member: member(), pointsToRedeem: 100, rules: { points: { pointsCash: { enabled: false } } } },
    'POINTS_CASH_DISABLED',
    'pointsToRedeem',
  ],
  [
    'below the minimum points',
    { lines: [['rice', 1000]], member: member(), pointsToRedeem: 50, rules: { points: { pointsCash: { enabled: true, minPoints: 100 } } } },
    'INVALID_INPUT',
    'pointsToRedeem',
  ],
  ['unknown tier', { lines: [['cola', 1000]], member: member({ tierId: 'platinum' }) }, 'UNKNOWN_TIER', 'member.tierId'],
];

describe('price(): typed errors', () => {
  it.each(cases)('%s', (_name, spec, code, field) => {
    let caught: unknown;
    try {
      price(input(spec));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EngineError);
    const e = caught as EngineError;
    expect({ code: e.code, field: e.field }).toEqual({ code, field });
    expect(e.text.zh.length).toBeGreaterThan(0);
    expect(e.text.en.length).toBeGreaterThan(0);
  });

  it('duplicate line numbers are refused', () => {
    const json = input({ lines: [['cola', 1000], ['rice', 1000]] });
    json.basket.lines[1]!.lineNo = 1;
    expect(() => price(json)).toThrow(expect.objectContaining({ code: 'DUPLICATE_LINE', field: 'basket.lines.1.lineNo' }));
  });

  it("'max' below the minimum simply redeems nothing", () => {
    const result = price(input({ lines: [['rice', 1000]], member: member({ pointsLots: [{ lotId: 'A', points: 50, expiresOn: null }] }), pointsToRedeem: 'max', rules: { points: { pointsCash: { enabled: true, minPoints: 100 } } } }));
    expect([result.points.spent, result.totals.pointsCashFen, result.totals.payableFen]).toEqual([0, 0, 5990]);
  });

  it('explains in both languages', () => {
    const result = price(input({ lines: [['rice', 1000]], member: member({ tierId: 'gold' }), rules: { settings: { rounding: 'jiao' } } }));
    expect(result.explanation).toEqual([
      { zh: '金卡会员9.5折：-¥2.99', en: 'Gold member 5% off: -¥2.99' },
      { zh: '抹零：-¥0.01', en: 'Rounding off (抹零): -¥0.01' },
      { zh: '应付：¥56.90', en: 'Payable: ¥56.90' },
      { zh: '本单积分：+85', en: 'Points earned: 85' },
      { zh: '本单成长值：+56', en: 'Growth earned: 56' },
    ]);
  });
});
