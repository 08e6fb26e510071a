// What a member coupon's code looks like: `<couponDefId>:<unique part>`, the form the till's coupon
// entry already reads (the definition id before the first colon), so a scanned or typed code is
// priceable offline on any till of the merchant. The unique part of a campaign coupon is the last
// 10 (random) characters of the campaign id and the member id; of a single coupon, its ULID. A
// definition id too long for 64 characters in all gives a code that is just the unique part.
export const MAX_COUPON_CODE = 64;
const CAMPAIGN_PART = 10 + 26;

/** `<defId>:` when a code with that prefix and a `uniqueLength`-character unique part fits, else ''. */
export function codePrefix(definitionId: string, uniqueLength: number): string {
  return definitionId.length + 1 + uniqueLength <= MAX_COUPON_CODE ? `${definitionId}:` : '';
}

export function campaignCouponCode(definitionId: string, campaignId: string, memberId: string): string {
  return `${codePrefix(definitionId, CAMPAIGN_PART)}${campaignId.slice(16)}${memberId}`;
}

export function campaignCodePrefix(definitionId: string): string {
  return codePrefix(definitionId, CAMPAIGN_PART);
}

export function singleCouponCode(definitionId: string, couponId: string): string {
  return `${codePrefix(definitionId, couponId.length)}${couponId}`;
}
