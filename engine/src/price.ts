// price(): the fixed pipeline item-level → order-level (满减) → coupons → points as cash →
// 抹零 → tenders, then points and growth on what was actually paid.
import { EngineError } from './engine-error.js';
import type { PriceInput } from './price-input.js';
import type { PricedBasket } from './priced-basket.js';

export function price(input: PriceInput): PricedBasket {
  void input;
  throw new EngineError('NOT_IMPLEMENTED', { zh: '计价尚未实现', en: 'pricing is not implemented yet' });
}
