// Human-readable lines in zh-CN and en for a priced basket: what was applied, rejected and earned.
import { formatYuan, type LocalizedText } from '@pos/protocol';
import type { RejectReason } from './priced-basket.js';

/** 950 → "9.5折", 800 → "8折". */
export function zhe(perMille: number): string {
  const whole = Math.floor(perMille / 100);
  const frac = (perMille % 100).toString().padStart(2, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}折` : `${whole}折`;
}

/** 950 → "5% off", 885 → "11.5% off". */
export function percentOffText(perMille: number): string {
  const off = 1000 - perMille;
  const whole = Math.floor(off / 10);
  const frac = off % 10;
  return frac ? `${whole}.${frac}% off` : `${whole}% off`;
}

export const REASON_TEXT: Record<RejectReason, LocalizedText> = {
  EXCLUSIVE_NOT_BEST: { zh: '与更优惠的活动互斥', en: 'excluded by a better exclusive offer' },
  BELOW_THRESHOLD: { zh: '未达到门槛', en: 'spend below the threshold' },
  NO_ELIGIBLE_ITEMS: { zh: '没有适用商品', en: 'no eligible items' },
  NOT_A_MEMBER: { zh: '仅限会员', en: 'members only' },
  LOWER_MULTIPLIER: { zh: '已有更高倍数', en: 'a higher multiplier applies' },
  UNKNOWN_DEFINITION: { zh: '券不存在', en: 'unknown coupon' },
  NOT_YET_VALID: { zh: '券未到使用时间', en: 'coupon not yet valid' },
  EXPIRED: { zh: '券已过期', en: 'coupon expired' },
  STORE_SCOPE: { zh: '本店不可用', en: 'not valid in this store' },
  TIER_SCOPE: { zh: '会员等级不符', en: 'not valid for this tier' },
  ONE_PER_ORDER: { zh: '每单限用一张，已选更优惠的券', en: 'one coupon per order; a better one was used' },
  DUPLICATE: { zh: '重复使用', en: 'presented twice' },
  GIFT_ITEM_MISSING: { zh: '购物车中没有赠品', en: 'the gift item is not in the basket' },
  NOTHING_LEFT_TO_DISCOUNT: { zh: '已无可优惠金额', en: 'nothing left to discount' },
};

export function yuan(fen: number): string {
  return `¥${formatYuan(fen)}`;
}
