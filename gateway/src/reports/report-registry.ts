// Every report the gateway serves, in the order the API documents them.
import { averageTicket } from './average-ticket.js';
import { clvReport } from './clv-report.js';
import { couponRedemption } from './coupon-redemption.js';
import { liability } from './liability.js';
import { memberShare } from './member-share.js';
import type { ReportDefinition } from './report-definition.js';
import { rfmMovement } from './rfm-movement.js';
import { rfmSegmentSizes } from './rfm-segment-sizes.js';
import { salesByDay } from './sales-by-day.js';
import { salesByHour } from './sales-by-hour.js';
import { salesByStore } from './sales-by-store.js';
import { tierDistribution } from './tier-distribution.js';
import { topProducts } from './top-products.js';

export const REPORTS: readonly ReportDefinition[] = [
  salesByStore,
  salesByDay,
  salesByHour,
  topProducts,
  memberShare,
  averageTicket,
  liability,
  tierDistribution,
  couponRedemption,
  rfmSegmentSizes,
  rfmMovement,
  clvReport,
];

export function reportNamed(name: string): ReportDefinition | undefined {
  return REPORTS.find((r) => r.name === name);
}
