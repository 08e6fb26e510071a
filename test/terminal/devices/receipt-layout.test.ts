// Receipt layout (58 / 80 mm, CJK two columns wide) and its ESC/POS bytes, decoded back by the simulator's decoder.
import { describe, expect, it } from 'vitest';
import { decodeEscPos, receiptToText } from '../../../hardware-sim/src/escpos/index.js';
import { COLUMNS, layoutReceipt, maskPhone, receiptText } from '../../../terminal/src/devices/printer/receipt-layout.js';
import { encodeReceipt, qrCodeBytes } from '../../../terminal/src/devices/printer/escpos-encoder.js';
import { textColumns, twoColumns, wrapColumns } from '../../../terminal/src/devices/printer/text-columns.js';
import { expected58Reprint, expected80En, sampleReceipt } from './receipt-fixtures.js';

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
    expect(receiptToText(decoded.receipts[0]!, { markers: true })).toBe(expected58Reprint);
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
    expect(receiptToText(decoded.receipts[0]!, { markers: true })).toBe(expected80En);
  });
});
