// Who a campaign targets: an RFM segment of a computed period, a tag, a tier, or an explicit list of
// members, always narrowed to active members of the creator's stores. `targetSource` is the one
// SELECT of member ids every target kind becomes; the batch issuer pages through it by member id.
import { RFM_SEGMENTS } from '@pos/engine';
import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { MarketingDatabase } from './marketing-tables.js';

const Ulid = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'expected a ULID');
export const MAX_LIST_MEMBERS = 5_000;

export const CampaignTarget = z.discriminatedUnion('kind', [
  /** Members in `segment` of the RFM results of `period` (default: the latest period computed). */
  z.object({
    kind: z.literal('segment'),
    segment: z.enum(Object.keys(RFM_SEGMENTS) as [keyof typeof RFM_SEGMENTS, ...(keyof typeof RFM_SEGMENTS)[]]),
    period: z.string().min(1).max(10).optional(),
  }),
  z.object({ kind: z.literal('tag'), tag: z.string().trim().min(1).max(64) }),
  z.object({ kind: z.literal('tier'), tierId: z.string().min(1).max(64) }),
  z.object({ kind: z.literal('list'), memberIds: z.array(Ulid).min(1).max(MAX_LIST_MEMBERS) }),
]);
export type CampaignTarget = z.infer<typeof CampaignTarget>;

/** A target as stored: a segment target always names its period. */
export type ResolvedTarget = Exclude<CampaignTarget, { kind: 'segment' }> | { kind: 'segment'; segment: string; period: string };

/** Where a campaign may reach: one store (store manager), one region (region manager), or everywhere (both null). */
export interface CampaignScope {
  regionId: string | null;
  storeId: string | null;
}

/**
 * `SELECT m.id AS member_id FROM members m …` for the target: active members of the merchant who
 * belong to a store in the campaign's scope.
 */
export function targetSource(db: Kysely<MarketingDatabase>, merchantId: string, target: ResolvedTarget, scope: CampaignScope) {
  let q = db
    .selectFrom('members as m')
    .select('m.id as member_id')
    .where('m.merchant_id', '=', merchantId)
    .where('m.status', '=', 'active');
  if (scope.storeId !== null) q = q.where('m.store_id', '=', scope.storeId);
  else if (scope.regionId !== null) {
    const regionId = scope.regionId;
    q = q.where('m.store_id', 'in', (eb) => eb.selectFrom('stores as st').select('st.id').where('st.merchant_id', '=', merchantId).where('st.region_id', '=', regionId));
  }
  switch (target.kind) {
    case 'tag':
      return q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('member_tags as t')
            .select('t.member_id')
            .whereRef('t.merchant_id', '=', 'm.merchant_id')
            .whereRef('t.member_id', '=', 'm.id')
            .where('t.tag', '=', target.tag),
        ),
      );
    case 'tier':
      return q.where('m.tier_id', '=', target.tierId);
    case 'list':
      return q.where('m.id', 'in', target.memberIds);
    case 'segment':
      return q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('member_rfm as r')
            .select('r.member_id')
            .whereRef('r.merchant_id', '=', 'm.merchant_id')
            .whereRef('r.member_id', '=', 'm.id')
            .where('r.period', '=', target.period)
            .where('r.segment', '=', target.segment),
        ),
      );
  }
}
