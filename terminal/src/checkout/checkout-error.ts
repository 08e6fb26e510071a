// Why the checkout refused an action: a stable code and the text the cashier sees, in zh-CN and en.
import type { LocalizedText } from '@pos/protocol';

export type CheckoutErrorCode =
  | 'NOT_ALLOWED_NOW'
  | 'UNKNOWN_BARCODE'
  | 'UNKNOWN_SKU'
  | 'UNKNOWN_LINE'
  | 'QUANTITY_INVALID'
  | 'BASKET_EMPTY'
  | 'AMOUNT_DUE'
  | 'BASKET_FULL'
  | 'CARD_UNREADABLE'
  | 'CARD_NOT_FOUND'
  | 'CARD_LOST'
  | 'CARD_FROZEN'
  | 'CARD_CANCELLED'
  | 'CARD_REPLACED'
  | 'MEMBER_NOT_FOUND'
  | 'MEMBER_DISABLED'
  | 'MEMBER_BLOCKED'
  | 'MEMBER_ALREADY_ATTACHED'
  | 'NO_MEMBER'
  | 'COUPON_ALREADY_APPLIED'
  | 'PHONE_INVALID'
  | 'NAME_INVALID'
  | 'MEMBER_EXISTS'
  | 'PUMP_ALREADY_IN_SALE'
  | 'QR_INVALID'
  | 'QR_REPLAYED'
  | 'SUSPEND_LIMIT'
  | 'SUSPENDED_NOT_FOUND'
  | 'MANAGER_PIN_INVALID'
  | 'SALE_NOT_FOUND'
  | 'REFUND_EXCEEDS_SALE'
  | 'RECHARGE_INVALID'
  | 'PRICING_REFUSED'
  | 'STORE_REFUSED';

const TEXT: Record<CheckoutErrorCode, LocalizedText> = {
  NOT_ALLOWED_NOW: { zh: '当前状态下不能执行此操作', en: 'This action is not allowed now' },
  UNKNOWN_BARCODE: { zh: '未找到该条码的商品', en: 'No item has this barcode' },
  UNKNOWN_SKU: { zh: '未找到该商品', en: 'No such item' },
  PUMP_ALREADY_IN_SALE: { zh: '这笔加油已在本单中', en: 'This pump delivery is already in the sale' },
  UNKNOWN_LINE: { zh: '没有这一行', en: 'No such line' },
  QUANTITY_INVALID: { zh: '数量无效', en: 'Invalid quantity' },
  BASKET_EMPTY: { zh: '购物车为空', en: 'The basket is empty' },
  AMOUNT_DUE: { zh: '还有未付金额', en: 'An amount is still due' },
  BASKET_FULL: { zh: '商品行数已达上限', en: 'The basket has too many lines' },
  CARD_UNREADABLE: { zh: '无法读取卡号，请重新刷卡', en: 'The card could not be read; swipe again' },
  CARD_NOT_FOUND: { zh: '未找到该会员卡', en: 'Card not found' },
  CARD_LOST: { zh: '该卡已挂失，不能使用', en: 'This card was reported lost and cannot be used' },
  CARD_FROZEN: { zh: '该卡已冻结，不能使用', en: 'This card is frozen and cannot be used' },
  CARD_CANCELLED: { zh: '该卡已注销，不能使用', en: 'This card was cancelled and cannot be used' },
  CARD_REPLACED: { zh: '该卡已换新，请使用新卡', en: 'This card was replaced; use the new card' },
  MEMBER_NOT_FOUND: { zh: '未找到会员', en: 'Member not found' },
  MEMBER_DISABLED: { zh: '会员已停用', en: 'The member is disabled' },
  MEMBER_BLOCKED: { zh: '会员已被锁定，请联系总部', en: 'The member is blocked; contact HQ' },
  MEMBER_ALREADY_ATTACHED: { zh: '已关联会员，请先取消', en: 'A member is already attached; detach first' },
  NO_MEMBER: { zh: '请先识别会员', en: 'Identify the member first' },
  COUPON_ALREADY_APPLIED: { zh: '该优惠券已使用在本单', en: 'This coupon is already on the sale' },
  PHONE_INVALID: { zh: '手机号码无效', en: 'Invalid phone number' },
  NAME_INVALID: { zh: '姓名无效', en: 'Invalid name' },
  MEMBER_EXISTS: { zh: '该手机号已是会员', en: 'This phone number already belongs to a member' },
  QR_INVALID: { zh: '会员码无效或已过期', en: 'The member code is invalid or expired' },
  QR_REPLAYED: { zh: '会员码已使用，请刷新', en: 'This member code was already used; refresh it' },
  SUSPEND_LIMIT: { zh: '挂单数量已达上限', en: 'Too many suspended sales' },
  SUSPENDED_NOT_FOUND: { zh: '没有这笔挂单', en: 'No such suspended sale' },
  MANAGER_PIN_INVALID: { zh: '主管密码错误', en: 'Wrong manager PIN' },
  SALE_NOT_FOUND: { zh: '未找到原交易', en: 'The original sale was not found' },
  REFUND_EXCEEDS_SALE: { zh: '退货数量超过可退数量', en: 'The refund exceeds what is left to refund' },
  RECHARGE_INVALID: { zh: '充值无效', en: 'Invalid recharge' },
  PRICING_REFUSED: { zh: '计价拒绝', en: 'Pricing refused' },
  STORE_REFUSED: { zh: '交易未保存', en: 'The transaction was not saved' },
};

export class CheckoutError extends Error {
  override readonly name = 'CheckoutError';
  readonly text: LocalizedText;
  constructor(
    readonly code: CheckoutErrorCode,
    /** Text from the layer that refused (engine or store), when more precise than ours. */
    text?: LocalizedText,
    /** The engine's or store's own code, when they refused. */
    readonly causeCode?: string,
  ) {
    super(`${code}: ${(text ?? TEXT[code]).en}`);
    this.text = text ?? TEXT[code];
  }
}

export function checkoutText(code: CheckoutErrorCode): LocalizedText {
  return TEXT[code];
}
