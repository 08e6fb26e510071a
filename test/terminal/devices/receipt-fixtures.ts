// A committed sale with line and order discounts, mixed tenders and a member, as the receipt tests print it.
import type { ReceiptInput } from '../../../terminal/src/bus/receipt-input.js';

export const sampleReceipt: ReceiptInput = {
  sale: {
    eventId: '01JD00000000000000000EV001',
    storeId: '01JD0000000000000000STR001',
    terminalId: '01JD000000000000000TERM001',
    occurredAt: '2026-11-25T16:02:11.000+08:00',
    businessDate: '2026-11-25',
    offline: false,
    cashierId: 'c-007',
    saleId: '01JD00000000000000000SA001',
    receiptNo: 'T01-000123',
    memberId: '01JD00000000000000MEMBER01',
    cardNo: '6200000000000001',
    ruleSetVersion: 7,
    lines: [
      {
        lineNo: 1,
        sku: 'MILK-1L',
        name: '鲜牛奶 1L',
        quantityMilli: 2000,
        unitPriceFen: 1250,
        grossFen: 2500,
        adjustments: [{ ruleId: 'tier-gold', kind: 'tierDiscount', amountFen: 125, label: '金卡9.5折' }],
        netFen: 2375,
        pointsEarned: 23,
      },
      {
        lineNo: 2,
        sku: '6901234567892',
        name: 'Coca-Cola 330ml 可口可乐',
        quantityMilli: 3000,
        unitPriceFen: 350,
        grossFen: 1050,
        adjustments: [{ ruleId: 'mp-coke', kind: 'memberPrice', amountFen: 150 }],
        netFen: 900,
        pointsEarned: 9,
      },
      {
        lineNo: 3,
        sku: 'APPLE',
        name: '红富士苹果',
        quantityMilli: 1234,
        unitPriceFen: 1280,
        grossFen: 1580,
        adjustments: [],
        netFen: 1580,
        pointsEarned: 15,
      },
    ],
    orderAdjustments: [{ ruleId: 'spend-50', kind: 'spendThreshold', amountFen: 500, label: '满50减5' }],
    totals: { grossFen: 5130, discountFen: 775, pointsCashFen: 100, roundingFen: 5, payableFen: 4250 },
    tenders: [
      { kind: 'storedValue', amountFen: 2000, principalFen: 2000, bonusFen: 0, cardNo: '6200000000000001' },
      { kind: 'points', amountFen: 100, points: 1000 },
      { kind: 'cash', amountFen: 2250, changeFen: 750 },
    ],
    pointsEarned: 47,
    pointsSpent: 1000,
    growthEarned: 47,
    couponsRedeemed: [],
  },
  store: { name: '好邻居便利店(中关村店)', address: '北京市海淀区中关村大街1号', phone: '010-62345678' },
  terminalName: 'T01 一号收银台',
  cashierName: '张三',
  member: { maskedPhone: '13800138000', name: '李四', tierName: '金卡', pointsBalance: 1234, storedValueBalanceFen: 8800 },
  qrContent: 'https://r.example.cn/01JD00000000000000000SA001',
};

/** The 58 mm reprint of sampleReceipt as the simulator's decoder reads it back (markers on). */
export const expected58Reprint = `** 重打小票 **
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

/** sampleReceipt in English on 80 mm paper, decoded. */
export const expected80En = `Good Neighbour Store
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

/** The 58 mm receipt (not a reprint), decoded. */
export const expected58 = expected58Reprint.replace('** 重打小票 **\n', '');
