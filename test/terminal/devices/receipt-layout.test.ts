// Receipt layout (58 / 80 mm, CJK two columns wide) and its ESC/POS bytes, decoded back by the simulator's decoder.
import { describe, expect, it } from 'vitest';
import { decodeEscPos, receiptToText } from '@pos/hardware-sim';
import { COLUMNS, layoutReceipt, maskPhone, receiptText } from '../../../terminal/src/devices/printer/receipt-layout.js';
import { encodeReceipt, qrCodeBytes } from '../../../terminal/src/devices/printer/escpos-encoder.js';
import { textColumns, twoColumns, wrapColumns } from '../../../terminal/src/devices/printer/text-columns.js';
import { sampleReceipt } from './receipt-fixtures.js';

const expected58 = `** 重打小票 **
好邻居便利店(中关村店)
北京市海淀区中关村大街1号
010-62345678
--------------------------------
小票号：T01-000123
收银台：T01 一号收银台
收银员：张三
时间：2026-11-25 16:02:11
--------------------------------
鲜牛奶 1L
  2 x 12.50                25.00
  金卡9.5折                -1.25
Coca-Cola 330ml 可口可乐
  3 x 3.50                 10.50
  会员价                   -1.50
红富士苹果
  1.234 x 12.80            15.80
--------------------------------
商品合计                   51.30
  满50减5                  -5.00
优惠合计                   -7.75
积分抵现                   -1.00
抹零                       -0.05
应付                       42.50
--------------------------------
储值 ****0001              20.00
积分 (1000)                 1.00
现金                       22.50
  找零                      7.50
--------------------------------
会员            李四 138****8000
卡号                    ****0001
等级                        金卡
本次积分                     +47
使用积分                   -1000
积分余额                    1234
储值余额                   88.00
--------------------------------
[QR https://r.example.cn/01JD00000000000000000SA001]

谢谢惠顾，欢迎再次光临




[cut]
`;

const expected80en = `Good Neighbour Store
1 Zhongguancun St
------------------------------------------------
Receipt: T01-000123
Till: T01 一号收银台
Cashier: Zhang San
Time: 2026-11-25 16:02:11
------------------------------------------------
鲜牛奶 1L
  2 x 12.50                                25.00
  金卡9.5折                                -1.25
Coca-Cola 330ml 可口可乐
  3 x 3.50                                 10.50
  Member price                             -1.50
红富士苹果
  1.234 x 12.80                            15.80
------------------------------------------------
Subtotal                                   51.30
  满50减5                                  -5.00
Discounts                                  -7.75
Points as cash                             -1.00
Rounding                                   -0.05
Total                                      42.50
------------------------------------------------
Stored value ****0001                      20.00
Points (1000)                               1.00
Cash                                       22.50
  Change                                    7.50
------------------------------------------------
Member                          李四 138****8000
Card                                    ****0001
Tier                                        金卡
Points earned                                +47
Points used                                -1000
Points balance                              1234
Stored value                               88.00
------------------------------------------------
[QR https://r.example.cn/01JD00000000000000000SA001]

Thank you, see you again




[cut]
`;

describe('text columns', () => {
  it('counts CJK and full-width punctuation as two columns, ASCII as one', () => {
    expect(textColumns('会员积分 ab1')).toBe(12);
    expect(textColumns('：（）')).toBe(6);
  });

  it('wraps without splitting a CJK character across the edge', () => {
    expect(wrapColumns('一二三四五', 5)).toEqual(['一二', '三四', '五']);
    expect(wrapColumns('Coca-Cola 330ml 可口可乐', 16)).toEqual(['Coca-Cola 330ml', '可口可乐']);
  });

  it('puts an amount flush right, or on its own line when the text is too wide', () => {
    expect(twoColumns('应付', '42.50', 12)).toEqual(['应付   42.50']);
    expect(twoColumns('超长的商品名称很长', '1.00', 12)).toEqual(['超长的商品名', '称很长', '        1.00']);
  });
});

describe('receipt layout', () => {
  it('fits every line of the 58 mm and 80 mm layouts in 32 and 48 columns, amounts flush right', () => {
    for (const paperWidth of [58, 80] as const) {
      const lines = layoutReceipt(sampleReceipt, { paperWidth }).flatMap((b) => (b.kind === 'text' ? [b.text] : []));
      for (const line of lines) expect(textColumns(line)).toBeLessThanOrEqual(COLUMNS[paperWidth]);
      const payable = lines.find((l) => l.startsWith('应付'))!;
      expect(textColumns(payable)).toBe(COLUMNS[paperWidth]);
      expect(payable.endsWith('42.50')).toBe(true);
    }
  });

  it('centres the header in the plain-text preview', () => {
    const text = receiptText(layoutReceipt(sampleReceipt, { paperWidth: 80 }), 80).split('\n');
    expect(text[0]).toBe(' '.repeat(13) + '好邻居便利店(中关村店)');
    expect(text[9]).toBe('鲜牛奶 1L');
  });

  it('masks an unmasked phone number', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskPhone('+8613800138000')).toBe('138****8000');
    expect(maskPhone('138****8000')).toBe('138****8000');
  });
});

describe('ESC/POS bytes', () => {
  const bytes = encodeReceipt(layoutReceipt(sampleReceipt, { paperWidth: 58 }), { startsInChineseMode: false });

  it('starts with ESC @ then FS & (Chinese mode), ends with a full cut', () => {
    expect(bytes.subarray(0, 4).toString('hex')).toBe('1b401c26');
    expect(bytes.subarray(-3).toString('hex')).toBe('1d5600');
    const chineseModeFirst = encodeReceipt(layoutReceipt(sampleReceipt, { paperWidth: 58 }), { startsInChineseMode: true });
    expect(chineseModeFirst.subarray(0, 4).toString('hex')).toBe('1b401b61');
  });

  it('encodes Chinese text in GB18030', () => {
    // 积分余额 = bb fd b7 d6 d3 e0 b6 ee; 会员 = bb e1 d4 b1
    expect(bytes.includes(Buffer.from('bbfdb7d6d3e0b6ee', 'hex'))).toBe(true);
    expect(bytes.includes(Buffer.from('bbe1d4b1', 'hex'))).toBe(true);
    expect(bytes.includes(Buffer.from('积分', 'utf8'))).toBe(false);
  });

  it('prints the QR code with GS ( k, model 2', () => {
    expect(qrCodeBytes('AB', 4).toString('hex')).toBe(
      '1d286b0400314132001d286b03003143041d286b03003145311d286b0500315030' + '4142' + '1d286b0300315130',
    );
  });

  it('decodes back through the simulator to the exact receipt text, Chinese included (58 mm, reprint)', () => {
    const reprint = encodeReceipt(layoutReceipt(sampleReceipt, { paperWidth: 58, reprint: true }), { startsInChineseMode: false });
    const decoded = decodeEscPos(reprint);
    expect(decoded.receipts).toHaveLength(1);
    expect(decoded.receipts[0]!.problems).toEqual([]);
    expect(receiptToText(decoded.receipts[0]!, { markers: true })).toBe(expected58);
  });

  it('decodes an English 80 mm receipt on a printer that starts in Chinese mode', () => {
    const en = {
      ...sampleReceipt,
      language: 'en' as const,
      store: { name: 'Good Neighbour Store', address: '1 Zhongguancun St' },
      cashierName: 'Zhang San',
    };
    const decoded = decodeEscPos(encodeReceipt(layoutReceipt(en, { paperWidth: 80 }), { startsInChineseMode: true }), { kanjiByDefault: true });
    expect(decoded.receipts[0]!.problems).toEqual([]);
    expect(receiptToText(decoded.receipts[0]!, { markers: true })).toBe(expected80en);
  });
});
