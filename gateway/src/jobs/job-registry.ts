// The gateway's jobs, in the order a scheduled pass runs them: growth from RFM after RFM, the
// periodic tier evaluation after growth, so a downgrade sees the period's growth.
import { churnJob } from '../analytics/churn.js';
import { growthFromRfmJob } from '../analytics/growth-from-rfm.js';
import { pointsExpiryJob } from '../analytics/points-expiry.js';
import { remindersJob } from '../analytics/reminders.js';
import { rfmSegmentsJob } from '../analytics/rfm-segments.js';
import { tierEvaluationJob } from '../analytics/tier-evaluation.js';
import type { JobDefinition } from './job-definition.js';

export const JOBS: readonly JobDefinition[] = [pointsExpiryJob, remindersJob, rfmSegmentsJob, churnJob, growthFromRfmJob, tierEvaluationJob];
