// Marketing (#9): coupon campaigns to a segment, tag, tier or list with a holdout group, single
// coupons, redemption and referral rewards from synced sales, and the campaign effect report.
export * from './marketing-tables.js';
export { CampaignService, CreateCampaignInput, type Campaign, type CampaignEffect, type GroupEffect, type IssueResult, type IssueOptions } from './campaign-service.js';
export { CampaignTarget, type ResolvedTarget, type CampaignScope } from './campaign-target.js';
export { CouponIssuer, type IssueCouponsInput, type MemberCoupon } from './coupon-issuer.js';
export { holdoutBucket, holdoutBucketSql, isHeldOut } from './holdout.js';
export { campaignCouponCode, singleCouponCode } from './coupon-code.js';
