// HTTP routes of marketing (/v1/marketing/*): campaigns, their batch issuance and effect report,
// single coupons, a member's coupons.
import { z } from '@hono/zod-openapi';
import { IsoTimestamp } from '@pos/protocol';
import { addRoute, type GatewayApp } from '../http/route.js';
import { PageQuery } from '../pagination.js';
import type { Services } from '../services.js';
import { CreateCampaignInput } from './campaign-service.js';
import { MAX_COUPONS_PER_ISSUE } from './coupon-issuer.js';

const Ulid = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'expected a ULID');
const CampaignParams = z.object({ campaignId: Ulid });
const MemberParams = z.object({ memberId: Ulid });

const TargetSchema = z.object({
  kind: z.enum(['segment', 'tag', 'tier', 'list']),
  segment: z.string().optional(),
  period: z.string().optional(),
  tag: z.string().optional(),
  tierId: z.string().optional(),
  memberIds: z.array(z.string()).optional(),
});
const CampaignSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    couponDefId: z.string(),
    ruleSetVersion: z.number().int(),
    target: TargetSchema,
    regionId: z.string().nullable(),
    storeId: z.string().nullable(),
    holdoutPerMille: z.number().int(),
    validFrom: z.string(),
    validUntil: z.string(),
    notify: z.boolean(),
    status: z.enum(['created', 'targeting', 'issuing', 'issued']),
    targetCount: z.number().int(),
    holdoutCount: z.number().int(),
    issuedCount: z.number().int(),
    targetedAt: z.number().int().nullable(),
    issuedAt: z.number().int().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.number().int(),
  })
  .openapi('CouponCampaign');
const IssueResultSchema = z
  .object({
    campaignId: z.string(),
    status: z.string(),
    targetCount: z.number().int(),
    holdoutCount: z.number().int(),
    issuedCount: z.number().int(),
    newlyTargeted: z.number().int(),
    newlyIssued: z.number().int(),
    notified: z.number().int(),
  })
  .openapi('CampaignIssueResult');
const GroupSchema = z.object({
  members: z.number().int(),
  purchasers: z.number().int(),
  purchaseRate: z.number(),
  revenueFen: z.number().int(),
  revenuePerMemberFen: z.number().int(),
});
const EffectSchema = z
  .object({
    campaignId: z.string(),
    window: z.object({ from: z.string(), until: z.string() }),
    issued: z.number().int(),
    redeemed: z.number().int(),
    redemptionRate: z.number().openapi({ description: 'redeemed / issued, 4 decimals' }),
    couponDiscountFen: z.number().int(),
    ordersWithCoupon: z.number().int(),
    revenueWithCouponFen: z.number().int().openapi({ description: 'paid for the sales that redeemed a coupon of the campaign' }),
    target: GroupSchema,
    holdout: GroupSchema.nullable(),
    lift: z.object({ revenuePerMemberFen: z.number().int(), purchaseRate: z.number() }).nullable(),
  })
  .openapi('CampaignEffect');
const MemberCouponSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    campaignId: z.string().nullable(),
    definitionId: z.string(),
    memberId: z.string(),
    status: z.enum(['issued', 'redeemed', 'expired', 'void']),
    issuedAt: z.number().int(),
    validFrom: z.string(),
    validUntil: z.string(),
    redeemedSaleId: z.string().nullable(),
    redeemedAt: z.number().int().nullable(),
    redeemedDiscountFen: z.number().int().nullable(),
  })
  .openapi('MemberCoupon');
const IssueCouponsBody = z.object({
  definitionId: z.string().min(1).max(64),
  memberIds: z.array(Ulid).min(1).max(MAX_COUPONS_PER_ISSUE),
  idempotencyKey: z.string().min(1).max(128),
  campaignId: Ulid.optional(),
  validFrom: IsoTimestamp.optional(),
  validUntil: IsoTimestamp.optional(),
});

export function marketingRoutes(app: GatewayApp, s: Services): void {
  addRoute(
    app,
    { method: 'post', path: '/v1/marketing/campaigns', tag: 'marketing', summary: 'Define a coupon campaign: a rule-set coupon definition, a target (segment / tag / tier / list), a holdout share', body: CreateCampaignInput, response: CampaignSchema, status: 201 },
    ({ actor, body }) => s.campaigns.create(actor, body),
  );
  addRoute(
    app,
    { method: 'get', path: '/v1/marketing/campaigns', tag: 'marketing', summary: 'Campaigns in your scope, newest first', query: PageQuery, response: z.object({ items: z.array(CampaignSchema), nextCursor: z.string().nullable() }) },
    ({ actor, query }) => s.campaigns.list(actor, query),
  );
  addRoute(
    app,
    { method: 'get', path: '/v1/marketing/campaigns/{campaignId}', tag: 'marketing', summary: 'One campaign with its counts', params: CampaignParams, response: CampaignSchema },
    ({ actor, params }) => s.campaigns.get(actor, params.campaignId),
  );
  addRoute(
    app,
    { method: 'post', path: '/v1/marketing/campaigns/{campaignId}/issue', tag: 'marketing', summary: 'Evaluate the target (once) and issue the coupons; idempotent, resumes an interrupted batch', params: CampaignParams, response: IssueResultSchema },
    ({ actor, params }) => s.campaigns.issue(actor, params.campaignId),
  );
  addRoute(
    app,
    { method: 'get', path: '/v1/marketing/campaigns/{campaignId}/effect', tag: 'marketing', summary: 'Issued, redeemed, revenue of orders with the coupon, target versus holdout over the campaign window (fen)', params: CampaignParams, response: EffectSchema },
    ({ actor, params }) => s.campaigns.effect(actor, params.campaignId),
  );
  addRoute(
    app,
    { method: 'post', path: '/v1/marketing/coupons', tag: 'marketing', summary: 'Issue one coupon of a rule-set definition to each named member (idempotent per key and member)', body: IssueCouponsBody, response: z.object({ coupons: z.array(MemberCouponSchema), newlyIssued: z.number().int() }), status: 201 },
    ({ actor, body }) =>
      s.coupons.issue(actor, {
        ...body,
        validFrom: body.validFrom === undefined ? undefined : Date.parse(body.validFrom),
        validUntil: body.validUntil === undefined ? undefined : Date.parse(body.validUntil),
      }),
  );
  addRoute(
    app,
    { method: 'get', path: '/v1/marketing/members/{memberId}/coupons', tag: 'marketing', summary: "A member's coupons, newest first (at most 200)", params: MemberParams, response: z.object({ items: z.array(MemberCouponSchema) }) },
    async ({ actor, params }) => ({ items: await s.coupons.listForMember(actor, params.memberId) }),
  );
}
