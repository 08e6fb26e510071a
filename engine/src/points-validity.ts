// pointsExpiryDate(): the last usable day of a points lot earned on a business day, under the
// merchant's 积分有效期 rule. The gateway stamps it on the lot; the daily expiry job acts on it.
import type { IsoDate } from '@pos/protocol';
import { addDays, isoDate } from './local-time.js';
import type { PointsValidity } from './rule-set.js';

/** null: the lot never expires. */
export function pointsExpiryDate(validity: PointsValidity | undefined, earnedOn: IsoDate): IsoDate | null {
  if (!validity || validity.kind === 'never') return null;
  if (validity.kind === 'days') return addDays(earnedOn, validity.days);
  return isoDate(Number(earnedOn.slice(0, 4)) + validity.yearsAfter, 12, 31);
}
