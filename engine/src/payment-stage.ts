// Stages 4–6 of price(): points as cash (积分抵现, lots consumed first-expiring-first), 抹零
// rounding, then tenders in the order offered with the stored-value principal/bonus split.
import type { Tender } from '@pos/protocol';
import { EngineError } from './engine-error.js';
import { allocate, mulDivCeil, mulDivFloor } from './int-math.js';
import type { MemberContext } from './price-input.js';
import type { TenderShare } from './priced-basket.js';
import type { PricingContext } from './pricing-context.js';
import type { WorkLine } from './work-line.js';

export interface PointsCashOutcome {
  fen: number;
  points: number;
  lotsConsumed: Array<{ lotId: string; points: number }>;
}

/** Lots not expired on the local date (expiresOn is the last day a lot can be used), first-expiring first. */
export function spendableLots(member: MemberContext, localDate: string): MemberContext['pointsLots'] {
  return member.pointsLots
    .filter((lot) => lot.points > 0 && (lot.expiresOn === null || lot.expiresOn >= localDate))
    .sort((a, b) => {
      if (a.expiresOn !== b.expiresOn) {
        if (a.expiresOn === null) return 1;
        if (b.expiresOn === null) return -1;
        return a.expiresOn < b.expiresOn ? -1 : 1;
      }
      return a.lotId < b.lotId ? -1 : a.lotId > b.lotId ? 1 : 0;
    });
}

function cardError(member: MemberContext): EngineError {
  const status = member.card?.status ?? 'unknown';
  return new EngineError(
    'CARD_NOT_USABLE',
    { zh: `会员卡状态为 ${status}，不能支付`, en: `the member card is ${status} and cannot pay` },
    'member.card.status',
  );
}

/**
 * Points worth floor(points × 100 / pointsPerYuan) fen, capped at maxSharePerMille of the order
 * net after coupons (floor); the points actually taken are ceil(fen × pointsPerYuan / 100),
 * so no point is spent for less than it is worth.
 */
export function applyPointsCash(lines: WorkLine[], ctx: PricingContext): PointsCashOutcome {
  const none: PointsCashOutcome = { fen: 0, points: 0, lotsConsumed: [] };
  const requested = ctx.input.pointsToRedeem;
  if (requested === 0) return none;
  const member = ctx.member;
  if (!member) {
    throw new EngineError('NO_MEMBER', { zh: '积分抵现需要会员', en: 'points as cash needs a member' }, 'pointsToRedeem');
  }
  if (!ctx.cardUsable) throw cardError(member);
  const rules = ctx.rules.points.pointsCash;
  if (!rules.enabled) {
    throw new EngineError('POINTS_CASH_DISABLED', { zh: '商户未启用积分抵现', en: 'points as cash is not enabled' }, 'pointsToRedeem');
  }
  const lots = spendableLots(member, ctx.moment.date);
  const available = lots.reduce((s, l) => s + l.points, 0);
  const points = requested === 'max' ? available : requested;
  if (points > available) {
    throw new EngineError(
      'INSUFFICIENT_POINTS',
      { zh: `可用积分不足：可用 ${available}，需要 ${points}`, en: `not enough points: ${available} available, ${points} asked` },
      'pointsToRedeem',
    );
  }
  if (points < rules.minPoints) {
    if (requested === 'max') return none;
    throw new EngineError(
      'INVALID_INPUT',
      { zh: `积分抵现至少使用 ${rules.minPoints} 积分`, en: `points as cash needs at least ${rules.minPoints} points` },
      'pointsToRedeem',
    );
  }
  const orderNet = lines.reduce((s, l) => s + l.netFen, 0);
  const capFen = mulDivFloor(orderNet, rules.maxSharePerMille, 1000);
  const fen = Math.min(mulDivFloor(points, 100, rules.pointsPerYuan), capFen);
  if (fen === 0) return none;
  const used = mulDivCeil(fen, rules.pointsPerYuan, 100);
  const fenShares = allocate(fen, lines.map((l) => l.netFen));
  const pointShares = allocate(used, fenShares);
  lines.forEach((line, i) => {
    const amountFen = fenShares[i]!;
    line.pointsCashFen = amountFen;
    line.pointsSpent = pointShares[i]!;
    if (amountFen > 0) line.adjustments.push({ ruleId: 'pointsCash', kind: 'pointsCash', amountFen });
  });
  const lotsConsumed: PointsCashOutcome['lotsConsumed'] = [];
  let left = used;
  for (const lot of lots) {
    if (left === 0) break;
    const take = Math.min(left, lot.points);
    lotsConsumed.push({ lotId: lot.lotId, points: take });
    left -= take;
  }
  return { fen, points: used, lotsConsumed };
}

/** 抹零: the payable amount's fen (`jiao`) or jiao and fen (`yuan`) are dropped, never rounded up. */
export function applyRounding(lines: WorkLine[], ctx: PricingContext): number {
  const mode = ctx.input.roundingMode ?? ctx.rules.settings.rounding;
  if (mode === 'none') return 0;
  const unit = mode === 'jiao' ? 10 : 100;
  const capacities = lines.map((l) => l.netFen - l.pointsCashFen);
  const payable = capacities.reduce((s, c) => s + c, 0);
  const roundingFen = payable % unit;
  if (roundingFen === 0) return 0;
  const shares = allocate(roundingFen, capacities);
  lines.forEach((line, i) => {
    const amountFen = shares[i]!;
    line.roundingFen = amountFen;
    if (amountFen > 0) line.adjustments.push({ ruleId: 'rounding', kind: 'rounding', amountFen });
  });
  return roundingFen;
}

export interface TenderOutcome {
  tenders: Tender[];
  dueFen: number;
  changeFen: number;
  /** Per line, its share of each tender. */
  shares: TenderShare[][];
  storedValueFen: number;
}

/**
 * Tenders in the order offered. Stored value needs a member whose card (if presented) is
 * active, pays at most what is due and what the balance holds, principal or bonus first per
 * the merchant setting. Cash may exceed what is due (change); other tenders may not.
 */
export function applyTenders(lines: WorkLine[], payableFen: number, ctx: PricingContext): TenderOutcome {
  const tenders: Tender[] = [];
  let due = payableFen;
  let changeFen = 0;
  let principalLeft = ctx.member?.storedValue.principalFen ?? 0;
  let bonusLeft = ctx.member?.storedValue.bonusFen ?? 0;
  const applied: Array<{ amountFen: number; principalFen: number; bonusFen: number }> = [];
  ctx.input.tenders.forEach((request, index) => {
    const field = `tenders.${index}.amountFen`;
    if (request.kind === 'storedValue') {
      const member = ctx.member;
      if (!member) throw new EngineError('NO_MEMBER', { zh: '储值支付需要会员', en: 'stored value needs a member' }, `tenders.${index}.kind`);
      if (!ctx.cardUsable) throw cardError(member);
      const balance = principalLeft + bonusLeft;
      const amountFen = request.amountFen ?? Math.min(due, balance);
      if (amountFen > due) throw exceedsDue(field, amountFen, due);
      if (amountFen > balance) {
        throw new EngineError(
          'INSUFFICIENT_STORED_VALUE',
          { zh: `储值余额不足：余额 ${balance} 分，需要 ${amountFen} 分`, en: `stored value ${balance} fen is less than ${amountFen} fen` },
          field,
        );
      }
      const principalFirst = ctx.rules.settings.storedValueOrder === 'principalFirst';
      const principalFen = principalFirst ? Math.min(amountFen, principalLeft) : amountFen - Math.min(amountFen, bonusLeft);
      const bonusFen = amountFen - principalFen;
      principalLeft -= principalFen;
      bonusLeft -= bonusFen;
      due -= amountFen;
      const tender: Tender = { kind: 'storedValue', amountFen, principalFen, bonusFen };
      if (member.card) tender.cardNo = member.card.cardNo;
      if (request.reference) tender.reference = request.reference;
      tenders.push(tender);
      applied.push({ amountFen, principalFen, bonusFen });
      return;
    }
    const amountFen = request.amountFen ?? due;
    const tender: Tender = { kind: request.kind, amountFen };
    if (request.reference) tender.reference = request.reference;
    if (request.kind === 'cash') {
      const change = Math.max(0, amountFen - due);
      tender.changeFen = change;
      changeFen += change;
      due -= amountFen - change;
      applied.push({ amountFen: amountFen - change, principalFen: 0, bonusFen: 0 });
    } else {
      if (amountFen > due) throw exceedsDue(field, amountFen, due);
      due -= amountFen;
      applied.push({ amountFen, principalFen: 0, bonusFen: 0 });
    }
    tenders.push(tender);
  });

  // Each tender is spread over the lines' still-unpaid amounts (largest remainder), in order;
  // stored value as its principal part then its bonus part.
  const capacity = lines.map((l) => l.netFen - l.pointsCashFen - l.roundingFen);
  const shares: TenderShare[][] = lines.map(() => []);
  let storedValueFen = 0;
  applied.forEach((a, tenderIndex) => {
    const isStoredValue = tenders[tenderIndex]!.kind === 'storedValue';
    const parts = isStoredValue ? [a.principalFen, a.bonusFen] : [a.amountFen];
    const perLine = lines.map(() => ({ principalFen: 0, bonusFen: 0, amountFen: 0 }));
    parts.forEach((part, p) => {
      const split = allocate(part, capacity);
      split.forEach((fen, i) => {
        capacity[i]! -= fen;
        perLine[i]!.amountFen += fen;
        if (isStoredValue) perLine[i]![p === 0 ? 'principalFen' : 'bonusFen'] += fen;
      });
    });
    if (isStoredValue) storedValueFen += a.amountFen;
    perLine.forEach((s, i) => {
      if (s.amountFen > 0) shares[i]!.push({ tenderIndex, ...s });
    });
  });
  return { tenders, dueFen: due, changeFen, shares, storedValueFen };
}

function exceedsDue(field: string, amountFen: number, dueFen: number): EngineError {
  return new EngineError(
    'TENDER_EXCEEDS_DUE',
    { zh: `支付金额 ${amountFen} 分超过应付 ${dueFen} 分`, en: `tender of ${amountFen} fen exceeds the ${dueFen} fen due` },
    field,
  );
}
