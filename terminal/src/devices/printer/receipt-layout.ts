// Lays out a committed sale as a receipt for 58 mm (32 columns) or 80 mm (48 columns) paper, in zh-CN or en.
import { formatQuantity, formatYuan, type Adjustment, type Tender } from '@pos/protocol';
import { ReceiptInput, type ParsedReceiptInput } from '../../bus/receipt-input.js';
import { textColumns, twoColumns, wrapColumns } from './text-columns.js';

export type PaperWidth = 58 | 80;
export const COLUMNS: Record<PaperWidth, number> = { 58: 32, 80: 48 };

/** A receipt as a person reads it, before it becomes printer bytes. */
export type ReceiptBlock =
  | { kind: 'text'; text: string; align: 'left' | 'center'; bold?: boolean; doubleHeight?: boolean }
  | { kind: 'qr'; data: string; moduleDots: number }
  | { kind: 'cut' };

type Language = 'zh-CN' | 'en';
const LABELS = {
  'zh-CN': {
    reprint: '** 重打小票 **', receiptNo: '小票号', terminal: '收银台', cashier: '收银员', time: '时间', offline: '(离线交易)',
    gross: '商品合计', discount: '优惠合计', pointsCash: '积分抵现', rounding: '抹零', payable: '应付', change: '找零',
    member: '会员', tier: '等级', pointsEarned: '本次积分', pointsSpent: '使用积分', pointsBalance: '积分余额', storedValueBalance: '储值余额',
    card: '卡号', thanks: '谢谢惠顾，欢迎再次光临',
    pump: '油枪', litre: '升', memberPerLitre: '会员优惠', incomplete: '油机中断，按最后读数结算',
  },
  en: {
    reprint: '** REPRINT **', receiptNo: 'Receipt', terminal: 'Till', cashier: 'Cashier', time: 'Time', offline: '(offline sale)',
    gross: 'Subtotal', discount: 'Discounts', pointsCash: 'Points as cash', rounding: 'Rounding', payable: 'Total', change: 'Change',
    member: 'Member', tier: 'Tier', pointsEarned: 'Points earned', pointsSpent: 'Points used', pointsBalance: 'Points balance', storedValueBalance: 'Stored value',
    card: 'Card', thanks: 'Thank you, see you again',
    pump: 'Pump', litre: 'L', memberPerLitre: 'Member', incomplete: 'Cut off: last pump reading',
  },
} as const;

const ADJUSTMENT_LABELS: Record<Language, Record<Adjustment['kind'], string>> = {
  'zh-CN': {
    memberPrice: '会员价', tierDiscount: '等级折扣', percentOff: '折扣', spendThreshold: '满减', nthItem: '第N件优惠', buyNGetM: '买赠',
    bundle: '组合优惠', coupon: '优惠券', pointsCash: '积分抵现', rounding: '抹零', manual: '手工折扣',
  },
  en: {
    memberPrice: 'Member price', tierDiscount: 'Tier discount', percentOff: 'Percent off', spendThreshold: 'Spend & save', nthItem: 'Nth item',
    buyNGetM: 'Buy N get M', bundle: 'Bundle', coupon: 'Coupon', pointsCash: 'Points as cash', rounding: 'Rounding', manual: 'Manual discount',
  },
};

const TENDER_LABELS: Record<Language, Record<Tender['kind'], string>> = {
  'zh-CN': { cash: '现金', storedValue: '储值', points: '积分', coupon: '优惠券', bankCard: '银行卡', wechat: '微信', alipay: '支付宝', fuelCard: '加油卡', other: '其他' },
  en: { cash: 'Cash', storedValue: 'Stored value', points: 'Points', coupon: 'Coupon', bankCard: 'Bank card', wechat: 'WeChat Pay', alipay: 'Alipay', fuelCard: 'Fuel card', other: 'Other' },
};

/** 13800138000 → 138****8000; anything already masked or not a plain number is kept. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/^\+86/, '');
  return /^\d{11}$/.test(digits) ? `${digits.slice(0, 3)}****${digits.slice(7)}` : phone;
}

const maskCard = (cardNo: string): string => `****${cardNo.slice(-4)}`;

/** 25316 mL → "25.316": litres always with three decimals, as the pump shows them. */
const formatLitres = (milliLitre: number): string => `${Math.trunc(milliLitre / 1000)}.${String(milliLitre % 1000).padStart(3, '0')}`;

/** The wall-clock time as the terminal recorded it, in the offset it was recorded in: 2026-11-25 14:30:05. */
export function formatReceiptTime(isoTimestamp: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(isoTimestamp);
  return m ? `${m[1]} ${m[2]}` : isoTimestamp;
}

/** A discount prints as a reduction (-1.00); a surcharge (negative adjustment) as +1.00. */
const adjustmentAmount = (amountFen: number): string => (amountFen >= 0 ? `-${formatYuan(amountFen)}` : `+${formatYuan(-amountFen)}`);

export interface LayoutOptions {
  paperWidth: PaperWidth;
  reprint?: boolean;
}

export function layoutReceipt(input: ReceiptInput, options: LayoutOptions): ReceiptBlock[] {
  const r: ParsedReceiptInput = ReceiptInput.parse(input);
  const width = COLUMNS[options.paperWidth];
  const L = LABELS[r.language];
  const sale = r.sale;
  const blocks: ReceiptBlock[] = [];
  const left = (text: string, extra: { bold?: boolean } = {}) => {
    for (const line of wrapColumns(text, width)) blocks.push({ kind: 'text', text: line, align: 'left', ...extra });
  };
  const center = (text: string, extra: { bold?: boolean; doubleHeight?: boolean } = {}) => {
    for (const line of wrapColumns(text, width)) blocks.push({ kind: 'text', text: line, align: 'center', ...extra });
  };
  const pair = (l: string, rt: string, extra: { bold?: boolean } = {}) => {
    for (const line of twoColumns(l, rt, width)) blocks.push({ kind: 'text', text: line, align: 'left', ...extra });
  };
  const rule = () => blocks.push({ kind: 'text', text: '-'.repeat(width), align: 'left' });
  const sep = r.language === 'zh-CN' ? '：' : ': ';

  if (options.reprint) center(L.reprint, { bold: true });
  center(r.store.name, { bold: true, doubleHeight: true });
  if (r.store.address) center(r.store.address);
  if (r.store.phone) center(r.store.phone);
  rule();
  left(`${L.receiptNo}${sep}${sale.receiptNo}`);
  left(`${L.terminal}${sep}${r.terminalName}`);
  left(`${L.cashier}${sep}${r.cashierName}`);
  left(`${L.time}${sep}${formatReceiptTime(sale.occurredAt)}`);
  if (sale.offline) left(L.offline);
  rule();

  for (const line of sale.lines) {
    left(line.name);
    const fuel = line.fuel;
    if (fuel) {
      // a fuel line: pump and nozzle, litres to the millilitre at the pump's price per litre, member price per litre
      left(`  ${L.pump} ${fuel.pumpNo}-${fuel.nozzleNo}  ${fuel.controllerTransactionId}`);
      pair(`  ${formatLitres(line.quantityMilli)}${L.litre} x ${formatYuan(line.unitPriceFen)}/${L.litre}`, formatYuan(line.grossFen));
    } else {
      pair(`  ${formatQuantity(line.quantityMilli)} x ${formatYuan(line.unitPriceFen)}`, formatYuan(line.grossFen));
    }
    for (const adj of line.adjustments) {
      const perLitre = fuel?.memberOffFenPerLitre !== undefined && adj.kind === 'memberPrice' && adj.label === undefined;
      const label = perLitre ? `${L.memberPerLitre} ${formatYuan(fuel.memberOffFenPerLitre!)}/${L.litre}` : (adj.label ?? ADJUSTMENT_LABELS[r.language][adj.kind]);
      pair(`  ${label}`, adjustmentAmount(adj.amountFen));
    }
    if (fuel?.incomplete) left(`  * ${L.incomplete}`);
  }
  rule();

  pair(L.gross, formatYuan(sale.totals.grossFen));
  for (const adj of sale.orderAdjustments) pair(`  ${adj.label ?? ADJUSTMENT_LABELS[r.language][adj.kind]}`, adjustmentAmount(adj.amountFen));
  if (sale.totals.discountFen !== 0) pair(L.discount, adjustmentAmount(sale.totals.discountFen));
  if (sale.totals.pointsCashFen !== 0) pair(L.pointsCash, adjustmentAmount(sale.totals.pointsCashFen));
  if (sale.totals.roundingFen !== 0) pair(L.rounding, adjustmentAmount(sale.totals.roundingFen));
  pair(L.payable, formatYuan(sale.totals.payableFen), { bold: true });
  rule();

  for (const tender of sale.tenders) {
    let label = TENDER_LABELS[r.language][tender.kind];
    if (tender.kind === 'points' && tender.points !== undefined) label += ` (${tender.points})`;
    if (tender.cardNo) label += ` ${maskCard(tender.cardNo)}`;
    pair(label, formatYuan(tender.amountFen));
    if (tender.changeFen) pair(`  ${L.change}`, formatYuan(tender.changeFen));
  }

  if (r.member) {
    rule();
    const m = r.member;
    pair(L.member, `${m.name ? `${m.name} ` : ''}${maskPhone(m.maskedPhone)}`);
    if (sale.cardNo) pair(L.card, maskCard(sale.cardNo));
    if (m.tierName) pair(L.tier, m.tierName);
    pair(L.pointsEarned, `+${sale.pointsEarned}`);
    if (sale.pointsSpent > 0) pair(L.pointsSpent, `-${sale.pointsSpent}`);
    pair(L.pointsBalance, String(m.pointsBalance));
    pair(L.storedValueBalance, formatYuan(m.storedValueBalanceFen));
  }
  rule();
  blocks.push({ kind: 'qr', data: r.qrContent ?? sale.saleId, moduleDots: options.paperWidth === 58 ? 4 : 6 });
  center(r.footer ?? L.thanks);
  blocks.push({ kind: 'cut' });
  return blocks;
}

/** The receipt as plain text lines (centred lines padded), for the cashier page and logs of layout, never card data. */
export function receiptText(blocks: ReceiptBlock[], paperWidth: PaperWidth): string {
  const width = COLUMNS[paperWidth];
  return blocks
    .map((b) => {
      if (b.kind === 'text') {
        if (b.align === 'left') return b.text;
        const pad = Math.max(0, Math.floor((width - textColumns(b.text)) / 2));
        return ' '.repeat(pad) + b.text;
      }
      return b.kind === 'qr' ? `[QR ${b.data}]` : '';
    })
    .join('\n');
}
