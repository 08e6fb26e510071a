// What the printer needs beside the committed sale: store and till names, and the member's
// masked phone and balances after this sale, for the receipt.
import { maskPhone, type StoreSettings } from '@pos/protocol';
import type { CheckoutState } from '../checkout/index.js';
import type { ReceiptInput } from '../bus/index.js';

export function receiptForSale(
  state: CheckoutState,
  names: {
    store: StoreSettings | null;
    terminalName: string;
    cashierName: string;
    language: 'zh-CN' | 'en';
    /** The tier's name in the active rule set, e.g. 金卡 for `gold`. */
    tierName?: (tierId: string) => string | undefined;
  },
): ReceiptInput | null {
  const sale = state.committed;
  if (!sale) return null;
  const member = state.member;
  let receiptMember: ReceiptInput['member'];
  if (member) {
    const pointsBefore = member.context.pointsLots.reduce((sum, lot) => sum + lot.points, 0);
    const svBefore = member.context.storedValue.principalFen + member.context.storedValue.bonusFen;
    const svSpent = sale.tenders.filter((t) => t.kind === 'storedValue' || t.kind === 'fuelCard').reduce((sum, t) => sum + t.amountFen, 0);
    receiptMember = {
      maskedPhone: member.member.phone ? maskPhone(member.member.phone) : (member.card?.cardNo ?? '-').replace(/^(.{4}).*(.{4})$/, '$1****$2'),
      name: member.member.name.slice(0, 40),
      ...(member.member.tierId ? { tierName: (names.tierName?.(member.member.tierId) ?? member.member.tierId).slice(0, 40) } : {}),
      pointsBalance: Math.max(0, pointsBefore - sale.pointsSpent + sale.pointsEarned),
      storedValueBalanceFen: Math.max(0, svBefore - svSpent),
    };
  }
  const storeName = names.store ? (names.language === 'en' ? names.store.name.en : names.store.name.zh) : '门店';
  return {
    sale,
    store: { name: storeName.slice(0, 60), ...(names.store?.address ? { address: names.store.address.slice(0, 120) } : {}) },
    terminalName: names.terminalName.slice(0, 40),
    cashierName: names.cashierName.slice(0, 40),
    ...(receiptMember ? { member: receiptMember } : {}),
    qrContent: `POS:${sale.saleId}`,
    language: names.language,
  };
}
