// Everything price() derives once from its input: the store's local calendar, the member's
// tier and whether their card may earn and pay, the catalogue by sku, and which rules are live.
import type { CatalogueItem } from '@pos/protocol';
import { EngineError } from './engine-error.js';
import { compareIso, isLeapYear, localMoment, type LocalMoment } from './local-time.js';
import type { MemberContext, PriceInput } from './price-input.js';
import type { Campaign, RuleSet, Tier } from './rule-set.js';

export interface PricingContext {
  input: PriceInput;
  rules: RuleSet;
  moment: LocalMoment;
  member: MemberContext | null;
  tier: Tier | null;
  /** A member whose card (if one was presented) is active: may earn points and growth, and pay. */
  cardUsable: boolean;
  catalogue: Map<string, CatalogueItem>;
  /** Campaigns live at this moment for this store and member, by priority then id. */
  liveCampaigns: Campaign[];
}

export function buildContext(input: PriceInput): PricingContext {
  const rules = input.rules;
  const moment = localMoment(input.now, rules.settings.utcOffsetMinutes);
  const member = input.member;
  let tier: Tier | null = null;
  if (member?.tierId) {
    tier = rules.tiers.find((t) => t.tierId === member.tierId) ?? null;
    if (!tier) {
      throw new EngineError(
        'UNKNOWN_TIER',
        { zh: `会员等级不存在：${member.tierId}`, en: `unknown tier ${member.tierId}` },
        'member.tierId',
      );
    }
  }
  const cardUsable = member !== null && (member.card === null || member.card.status === 'active');
  const catalogue = new Map<string, CatalogueItem>();
  for (const item of input.catalogue) catalogue.set(item.sku, item);
  const ctx: PricingContext = { input, rules, moment, member, tier, cardUsable, catalogue, liveCampaigns: [] };
  ctx.liveCampaigns = rules.campaigns.filter((c) => isCampaignLive(c, ctx)).sort(byPriority((c) => c.campaignId));
  return ctx;
}

/** Store scope, validity window, member day and audience/tier scope (all must hold). */
export function isCampaignLive(campaign: Campaign, ctx: PricingContext): boolean {
  if (campaign.storeIds.length > 0 && !campaign.storeIds.includes(ctx.input.storeId)) return false;
  if (compareIso(ctx.input.now, campaign.validFrom, 'campaign.validFrom') < 0) return false;
  if (compareIso(ctx.input.now, campaign.validTo, 'campaign.validTo') >= 0) return false;
  if (campaign.weekdays.length > 0 || campaign.monthDays.length > 0) {
    const onDay = campaign.weekdays.includes(ctx.moment.weekday) || campaign.monthDays.includes(ctx.moment.day);
    if (!onDay) return false;
  }
  const membersOnly =
    campaign.audience === 'members' ||
    campaign.tierIds.length > 0 ||
    campaign.kind === 'memberPrice' ||
    campaign.kind === 'birthday';
  if (membersOnly && !ctx.member) return false;
  if (campaign.tierIds.length > 0 && !(ctx.member?.tierId && campaign.tierIds.includes(ctx.member.tierId))) return false;
  if (campaign.kind === 'birthday' && !isBirthday(ctx.member?.birthday ?? null, ctx.moment, campaign.when)) return false;
  return true;
}

/** Birthday on the local date (29 February celebrated on 28 February in common years) or in its month. */
export function isBirthday(birthday: string | null, moment: LocalMoment, when: 'day' | 'month'): boolean {
  if (!birthday) return false;
  const month = Number(birthday.slice(5, 7));
  let day = Number(birthday.slice(8, 10));
  if (month !== moment.month) return false;
  if (when === 'month') return true;
  if (month === 2 && day === 29 && !isLeapYear(moment.year)) day = 28;
  return day === moment.day;
}

/** Higher priority first, then campaign id, so the order never depends on input order. */
export function byPriority<T extends { priority: number }>(idOf: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => b.priority - a.priority || (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0);
}
