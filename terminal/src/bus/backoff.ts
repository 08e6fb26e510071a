// Exponential backoff with a cap on the delay and on the number of attempts.
import { z } from 'zod';

export const BackoffOptions = z.object({
  initialDelayMs: z.number().int().min(1).max(60_000).default(250),
  maxDelayMs: z.number().int().min(1).max(600_000).default(30_000),
  factor: z.number().min(1).max(10).default(2),
  /** Attempts after a loss before giving up; at the default 30 s cap, 10 000 attempts is about 83 hours. */
  maxAttempts: z.number().int().min(1).max(1_000_000).default(10_000),
});
export type BackoffOptions = z.infer<typeof BackoffOptions>;

/**
 * Delay before retry number `attempt` (1-based): initial × factor^(attempt-1), capped.
 * @example backoffDelayMs(3, { initialDelayMs: 100, factor: 2, maxDelayMs: 1000 }) // 400
 */
export function backoffDelayMs(attempt: number, options: Pick<BackoffOptions, 'initialDelayMs' | 'maxDelayMs' | 'factor'>): number {
  const exponent = Math.max(0, attempt - 1);
  const raw = options.initialDelayMs * options.factor ** exponent;
  return Math.min(options.maxDelayMs, Math.round(raw));
}
