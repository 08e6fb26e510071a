// price(): the fixed pipeline item-level (member price or tier discount, item campaigns) →
// order-level (满减) → coupons → points as cash → 抹零 → tenders, then points and growth
// earned on what was actually paid. Pure: the same input gives the same output.
import type { LocalizedText } from '@pos/protocol';
import { applyCoupons } from './coupon-stage.js';
import { applyDiscountStages } from './discount-stages.js';
import { EngineError } from './engine-error.js';
import { computeEarning } from './earning.js';
import { REASON_TEXT, percentOffText, yuan, zhe } from './explain.js';
import { mulDivRoundHalfUp } from './int-math.js';
import { applyPointsCash, applyRounding, applyTenders } from './payment-stage.js';
import type { PriceInput } from './price-input.js';
import type { PricedBasket, PricedLine } from './priced-basket.js';
import { buildContext, type PricingContext } from './pricing-context.js';
import type { WorkLine } from './work-line.js';

export function price(input: PriceInput): PricedBasket {
  const ctx = buildContext(input);
  const base = baseLines(ctx);
  const discounts = applyDiscountStages(base, ctx);
  const lines = discounts.lines;
  const coupons = applyCoupons(lines, ctx);
  const pointsCash = applyPointsCash(lines, ctx);
  const roundingFen = applyRounding(lines, ctx);
  const payableFen = lines.reduce((s, l) => s + l.netFen - l.pointsCashFen - l.roundingFen, 0);
  const payment = applyTenders(lines, payableFen, ctx);
  const svTenders = new Set<number>();
  payment.tenders.forEach((t, i) => t.kind === 'storedValue' && svTenders.add(i));
  const earning = computeEarning(lines, payment.shares, svTenders, ctx);

  const pricedLines: PricedLine[] = lines.map((l, i) => ({
    lineNo: l.lineNo,
    sku: l.item.sku,
    name: l.item.name,
    quantityMilli: l.quantityMilli,
    unitPriceFen: l.unitPriceFen,
    grossFen: l.grossFen,
    adjustments: l.adjustments,
    netFen: l.netFen,
    pointsCashFen: l.pointsCashFen,
    roundingFen: l.roundingFen,
    payableFen: l.netFen - l.pointsCashFen - l.roundingFen,
    pointsSpent: l.pointsSpent,
    pointsEarned: earning.perLinePoints[i]!,
    growthEarned: earning.perLineGrowth[i]!,
    tenderShares: payment.shares[i]!,
    ...(l.unitMemberOffFen !== undefined ? { memberOffFenPerUnit: l.unitMemberOffFen } : {}),
  }));
  let grossFen = 0;
  let itemDiscountFen = 0;
  let orderDiscountFen = 0;
  let couponFen = 0;
  let catalogueMemberFen = 0;
  for (const l of lines) {
    grossFen += l.grossFen;
    itemDiscountFen += l.itemDiscountFen;
    orderDiscountFen += l.orderDiscountFen;
    couponFen += l.couponFen;
    for (const a of l.adjustments) if (a.kind === 'memberPrice' && a.ruleId === 'catalogue') catalogueMemberFen += a.amountFen;
  }
  const totals = {
    grossFen,
    itemDiscountFen,
    orderDiscountFen,
    couponFen,
    discountFen: itemDiscountFen + orderDiscountFen + couponFen,
    pointsCashFen: pointsCash.fen,
    roundingFen,
    payableFen,
  };

  const applied = [
    ...discounts.applied.map((a) => ({ campaignId: a.campaign.campaignId, kind: a.campaign.kind, amountFen: a.amountFen })),
    ...earning.pointsCampaigns.map((p) => ({
      campaignId: p.campaign.campaignId,
      kind: p.campaign.kind,
      amountFen: 0,
      multiplierPerMille: p.multiplierPerMille,
      fixedPoints: p.fixedPoints,
    })),
  ];
  const rejected = discounts.rejected.map((r) => ({
    id: r.campaign.campaignId,
    reason: r.reason,
    ...(r.winnerId ? { winnerId: r.winnerId } : {}),
  }));

  const explanation: LocalizedText[] = [];
  const say = (zh: string, en: string) => explanation.push({ zh, en });
  if (discounts.tierDiscountFen > 0 && ctx.tier) {
    const t = ctx.tier;
    say(`${t.name.zh}会员${zhe(t.discountPerMille)}：-${yuan(discounts.tierDiscountFen)}`, `${t.name.en} member ${percentOffText(t.discountPerMille)}: -${yuan(discounts.tierDiscountFen)}`);
  }
  for (const l of lines) {
    if (l.unitMemberOffFen === undefined) continue;
    const fen = l.adjustments.find((a) => a.kind === 'memberPrice')?.amountFen ?? 0;
    const unit = UNIT_TEXT[l.item.unit];
    say(`${l.item.name.zh} 会员优惠 ${yuan(l.unitMemberOffFen)}/${unit.zh}：-${yuan(fen)}`, `${l.item.name.en} member ${yuan(l.unitMemberOffFen)}/${unit.en} off: -${yuan(fen)}`);
  }
  if (catalogueMemberFen > 0) say(`会员价：-${yuan(catalogueMemberFen)}`, `Member prices: -${yuan(catalogueMemberFen)}`);
  for (const a of discounts.applied) say(`${a.campaign.name.zh}：-${yuan(a.amountFen)}`, `${a.campaign.name.en}: -${yuan(a.amountFen)}`);
  for (const r of discounts.rejected) {
    const text = REASON_TEXT[r.reason];
    say(`${r.campaign.name.zh}未使用：${text.zh}`, `${r.campaign.name.en} not applied: ${text.en}`);
  }
  for (const c of coupons.accepted) say(`优惠券 ${c.definition.name.zh}：-${yuan(c.amountFen)}`, `Coupon ${c.definition.name.en}: -${yuan(c.amountFen)}`);
  for (const c of coupons.rejected) {
    const text = REASON_TEXT[c.reason];
    say(`优惠券 ${c.definition?.name.zh ?? c.coupon.couponId}不可用：${text.zh}`, `Coupon ${c.definition?.name.en ?? c.coupon.couponId} refused: ${text.en}`);
  }
  if (pointsCash.fen > 0) say(`积分抵现：${pointsCash.points} 积分抵 ${yuan(pointsCash.fen)}`, `Points as cash: ${pointsCash.points} points for ${yuan(pointsCash.fen)}`);
  if (roundingFen > 0) say(`抹零：-${yuan(roundingFen)}`, `Rounding off (抹零): -${yuan(roundingFen)}`);
  say(`应付：${yuan(payableFen)}`, `Payable: ${yuan(payableFen)}`);
  if (payment.changeFen > 0) say(`找零：${yuan(payment.changeFen)}`, `Change: ${yuan(payment.changeFen)}`);
  if (ctx.member && !ctx.cardUsable) {
    const status = ctx.member.card?.status ?? '';
    say(`会员卡状态为 ${status}：本单不积分、不累计成长值`, `Member card is ${status}: no points or growth for this sale`);
  }
  for (const p of earning.pointsCampaigns) {
    if (p.multiplierPerMille > 1000) say(`${p.campaign.name.zh}：积分 ×${p.multiplierPerMille / 1000}`, `${p.campaign.name.en}: points ×${p.multiplierPerMille / 1000}`);
    if (p.fixedPoints > 0) say(`${p.campaign.name.zh}：赠送 ${p.fixedPoints} 积分`, `${p.campaign.name.en}: ${p.fixedPoints} bonus points`);
  }
  if (ctx.member && ctx.cardUsable) {
    say(`本单积分：+${earning.points}`, `Points earned: ${earning.points}`);
    say(`本单成长值：+${earning.growth}`, `Growth earned: ${earning.growth}`);
  }

  return {
    lines: pricedLines,
    totals,
    campaigns: { applied, rejected },
    coupons: {
      accepted: coupons.accepted.map((c) => ({ couponId: c.coupon.couponId, couponDefId: c.coupon.couponDefId, amountFen: c.amountFen })),
      rejected: coupons.rejected.map((c) => ({ id: c.coupon.couponId, reason: c.reason })),
    },
    points: {
      earned: earning.points,
      bonusFixed: earning.bonusFixed,
      spent: pointsCash.points,
      lotsConsumed: pointsCash.lotsConsumed,
      eligible: ctx.member !== null && ctx.cardUsable,
    },
    growth: { earned: earning.growth },
    payment: { tenders: payment.tenders, dueFen: payment.dueFen, changeFen: payment.changeFen },
    explanation,
  };
}

/** ¥10 billion: far above any real basket, far enough below 2^53 that every later stage stays exact. */
export const MAX_BASKET_GROSS_FEN = 1_000_000_000_000;

const UNIT_TEXT = { piece: { zh: '件', en: 'pc' }, kg: { zh: '千克', en: 'kg' }, litre: { zh: '升', en: 'L' } } as const;

/** Gross per line = unit price × quantity / 1000, rounded half up to the fen. */
function baseLines(ctx: PricingContext): WorkLine[] {
  const seen = new Set<number>();
  let basketGrossFen = 0;
  return ctx.input.basket.lines.map((line, index) => {
    if (seen.has(line.lineNo)) {
      throw new EngineError('DUPLICATE_LINE', { zh: `行号重复：${line.lineNo}`, en: `line number ${line.lineNo} appears twice` }, `basket.lines.${index}.lineNo`);
    }
    seen.add(line.lineNo);
    const item = ctx.catalogue.get(line.sku);
    if (!item) {
      throw new EngineError('UNKNOWN_SKU', { zh: `商品不存在：${line.sku}`, en: `unknown sku ${line.sku}` }, `basket.lines.${index}.sku`);
    }
    const unitPriceFen = line.unitPriceFen ?? item.unitPriceFen;
    const grossFen = mulDivRoundHalfUp(unitPriceFen, line.quantityMilli, 1000);
    basketGrossFen += grossFen;
    // Beyond this, later stages (per-mille discounts, points per yuan) would leave the safe-integer range.
    if (!(basketGrossFen <= MAX_BASKET_GROSS_FEN)) {
      throw new EngineError(
        'INVALID_INPUT',
        { zh: `整单金额超过上限 ${MAX_BASKET_GROSS_FEN / 100} 元`, en: `basket gross exceeds the limit of ${MAX_BASKET_GROSS_FEN} fen` },
        `basket.lines.${index}.quantityMilli`,
      );
    }
    return {
      lineNo: line.lineNo,
      item,
      quantityMilli: line.quantityMilli,
      unitPriceFen,
      grossFen,
      netFen: grossFen,
      adjustments: [],
      itemDiscountFen: 0,
      orderDiscountFen: 0,
      couponFen: 0,
      pointsCashFen: 0,
      roundingFen: 0,
      pointsSpent: 0,
    };
  });
}
