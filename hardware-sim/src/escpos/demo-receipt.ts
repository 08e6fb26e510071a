// A member sale receipt in the byte form our terminal prints (GB18030 Chinese, styles, CODE128,
// QR, partial cut, drawer kick): the simulator's demo job and a fixture for tests.
import iconv from 'iconv-lite';

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;

const part = (p: number[] | string | Buffer): Buffer => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.isBuffer(p) ? p : Buffer.from(p));
const gb = (text: string): Buffer => iconv.encode(text, 'gb18030');

export function chineseSaleReceipt(): Buffer {
  return Buffer.concat([
    [ESC, 0x40], [FS, 0x43, 0x00], [FS, 0x26],
    [ESC, 0x61, 1], [GS, 0x21, 0x11], gb('星光便利店'), [0x0a], [GS, 0x21, 0x00],
    gb('Starlight Mart'), [0x0a],
    [ESC, 0x61, 0], [ESC, 0x33, 40], gb('小票号 S0001-000001'), [0x0a],
    gb('矿泉水 550ml      2 x 2.00    4.00'), [0x0a],
    gb('面包 Bread 𠀀      1 x 6.50    6.50'), [0x0a],
    [ESC, 0x45, 1], gb('合计 Total               ¥10.50'), [0x0a], [ESC, 0x45, 0],
    [ESC, 0x2d, 1], gb('会员 138****0000  积分 +10'), [0x0a], [ESC, 0x2d, 0],
    [ESC, 0x32], [ESC, 0x61, 1],
    [GS, 0x48, 2], [GS, 0x68, 60], [GS, 0x77, 2], [GS, 0x6b, 73, 14], '{BS0001-000001', [0x0a],
    [GS, 0x28, 0x6b, 4, 0, 49, 65, 50, 0], [GS, 0x28, 0x6b, 3, 0, 49, 67, 6], [GS, 0x28, 0x6b, 3, 0, 49, 69, 49],
    [GS, 0x28, 0x6b, 3 + 26, 0, 49, 80, 48], 'https://pos.example/r/0001',
    [GS, 0x28, 0x6b, 3, 0, 49, 81, 48],
    [FS, 0x2e], [ESC, 0x64, 3], [GS, 0x56, 66, 0], [ESC, 0x70, 0, 25, 250],
  ].map(part));
}

/** The plain text (with markers) of `chineseSaleReceipt()`. */
export const CHINESE_SALE_RECEIPT_TEXT = [
  '星光便利店', 'Starlight Mart', '小票号 S0001-000001', '矿泉水 550ml      2 x 2.00    4.00',
  '面包 Bread 𠀀      1 x 6.50    6.50', '合计 Total               ¥10.50', '会员 138****0000  积分 +10',
  '[barcode CODE128 S0001-000001]', '', '[QR https://pos.example/r/0001]', '', '[partial cut]', '',
].join('\n');
