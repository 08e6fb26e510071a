// A fuel line on the receipt: pump-nozzle and the controller's transaction id, litres to the millilitre at the pump
// price per litre, the member discount per litre, and the flag of a delivery cut short (settled from the last
// figures the pump reported), in zh-CN and en on 58 mm paper.
import { describe, expect, it } from 'vitest';
import type { SaleCommittedBody } from '@pos/protocol';
import { layoutReceipt, receiptText } from '../../terminal/src/devices/printer/receipt-layout.js';
import { EXAMPLES } from '../protocol/message-examples.js';

function fuelSale(incomplete: boolean): SaleCommittedBody {
  const base = EXAMPLES.saleCommitted as SaleCommittedBody;
  return {
    ...base,
    lines: [
      {
        lineNo: 1,
        sku: 'FUEL-95',
        name: '95号汽油',
        quantityMilli: 25_317,
        unitPriceFen: 790,
        grossFen: 20_000,
        adjustments: [{ ruleId: 'gold-petrol', kind: 'memberPrice', amountFen: 760 }],
        netFen: 19_240,
        pointsEarned: 192,
        fuel: { pumpNo: 3, nozzleNo: 2, grade: '95', controllerTransactionId: 'P3-000001', memberOffFenPerLitre: 30, incomplete },
      },
    ],
    totals: { grossFen: 20_000, discountFen: 760, pointsCashFen: 0, roundingFen: 0, payableFen: 19_240 },
    tenders: [{ kind: 'cash', amountFen: 19_240 }],
  };
}

const text = (sale: SaleCommittedBody, language: 'zh-CN' | 'en') =>
  receiptText(layoutReceipt({ sale, store: { name: '加油站' }, terminalName: 'K1', cashierName: 'A', language }, { paperWidth: 58 }), 58).split('\n');

describe('fuel lines on the receipt', () => {
  it('zh-CN: pump, litres, price per litre, member discount per litre', () => {
    const lines = text(fuelSale(false), 'zh-CN');
    const at = lines.indexOf('95号汽油');
    expect(lines.slice(at, at + 4)).toEqual(['95号汽油', '  油枪 3-2  P3-000001', '  25.317升 x 7.90/升      200.00', '  会员优惠 0.30/升         -7.60']);
    expect(lines.some((l) => l.includes('油机中断'))).toBe(false);
  });

  it('a delivery cut short is flagged under its line, in both languages', () => {
    const zh = text(fuelSale(true), 'zh-CN');
    expect(zh[zh.indexOf('  会员优惠 0.30/升         -7.60') + 1]).toBe('  * 油机中断，按最后读数结算');
    const en = text(fuelSale(true), 'en');
    const at = en.indexOf('  Member 0.30/L            -7.60');
    expect(en.slice(at - 2, at + 2)).toEqual(['  Pump 3-2  P3-000001', '  25.317L x 7.90/L        200.00', '  Member 0.30/L            -7.60', '  * Cut off: last pump reading']);
  });
});
