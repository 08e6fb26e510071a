// BG/NBD ("beta-geometric / negative binomial") model of Fader, Hardie & Lee (2005), "Counting Your
// Customers the Easy Way": its likelihood, maximum-likelihood fit, expected purchases and P(alive).
// Time is in whatever unit the summaries use (weeks for CDNOW); parameters follow the paper's names.

import gammaln from '@stdlib/math-base-special-gammaln';
import { ClvError } from './clv-error.js';
import { hyp2f1 } from './hypergeometric.js';
import { nelderMead } from './nelder-mead.js';

/** One customer over a calibration period: x repeat purchases, the last at t_x, observed for T since the first. */
export interface CustomerSummary {
  /** Repeat purchases (purchase days after the first). */
  readonly frequency: number;
  /** Time from the first to the last purchase (0 when frequency is 0). */
  readonly recency: number;
  /** Time from the first purchase to the end of the calibration period. */
  readonly T: number;
}

export interface BgNbdParams {
  /** Shape of the gamma mixing distribution of purchase rates λ. */
  readonly r: number;
  /** Scale of that gamma (its rate parameter, in the summaries' time unit). */
  readonly alpha: number;
  /** Beta mixing distribution of the drop-out probability p: a, b. */
  readonly a: number;
  readonly b: number;
}

export interface BgNbdFit {
  readonly params: BgNbdParams;
  /** Summed log-likelihood at `params` (the paper reports −9582.4 for CDNOW). */
  readonly logLikelihood: number;
  readonly iterations: number;
}

function checkParams(p: BgNbdParams): void {
  for (const [name, v] of Object.entries(p)) {
    if (!(v > 0) || !Number.isFinite(v)) {
      throw new ClvError('CLV_INVALID_INPUT', `参数 ${name} 必须为正数 / parameter ${name} must be positive`, name);
    }
  }
}

/** Throws unless the summary is one the model can describe (0 ≤ t_x ≤ T, integer x, x = 0 ⇒ t_x = 0). */
export function checkSummary(c: CustomerSummary, index = 0): void {
  const { frequency: x, recency: tx, T } = c;
  const ok =
    Number.isInteger(x) && x >= 0 && Number.isFinite(tx) && Number.isFinite(T) && tx >= 0 && tx <= T && T > 0 &&
    (x > 0 || tx === 0);
  if (!ok) {
    throw new ClvError(
      'CLV_INVALID_INPUT',
      `第 ${index} 位顾客的摘要无效 / customer summary #${index} invalid (frequency=${x}, recency=${tx}, T=${T})`,
      `summaries[${index}]`,
    );
  }
}

const logAddExp = (u: number, v: number): number => {
  const m = Math.max(u, v);
  return m + Math.log(Math.exp(u - m) + Math.exp(v - m));
};

/**
 * ln L(r, α, a, b | x, t_x, T), the paper's equation (6):
 *   L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
 *     + [x > 0] · B(a+1, b+x−1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x))
 * taken in logs with the common factor pulled out, so large x or T do not overflow.
 */
export function bgNbdCustomerLogLikelihood(p: BgNbdParams, c: CustomerSummary): number {
  const { r, alpha, a, b } = p;
  const { frequency: x, recency: tx, T } = c;
  const gammaPart = gammaln(r + x) - gammaln(r) + r * Math.log(alpha);
  // B(a, b+x)/B(a, b) = Γ(b+x) Γ(a+b) / (Γ(b) Γ(a+b+x))
  const betaPart = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x);
  const stillAlive = -(r + x) * Math.log(alpha + T);
  if (x === 0) return gammaPart + betaPart + stillAlive;
  // B(a+1, b+x−1)/B(a, b+x) = a / (b+x−1)
  const diedAfterLast = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
  return gammaPart + betaPart + logAddExp(stillAlive, diedAfterLast);
}

/** Σ ln L over customers. */
export function bgNbdLogLikelihood(p: BgNbdParams, summaries: readonly CustomerSummary[]): number {
  checkParams(p);
  let sum = 0;
  for (const c of summaries) sum += bgNbdCustomerLogLikelihood(p, c);
  return sum;
}

export interface FitOptions {
  /** Starting point; the fit runs in log-parameters, so any positive guess will do. */
  readonly initial?: BgNbdParams;
  readonly maxIterations?: number;
}

/**
 * Maximum-likelihood estimates of (r, α, a, b). Customers sharing (x, t_x, T) are folded into one
 * weighted term first (CDNOW's 2,357 customers have far fewer distinct rows), then Nelder–Mead runs
 * on the log-parameters and is restarted from its answer until a restart no longer improves it,
 * the usual guard against the simplex collapsing early.
 */
export function fitBgNbd(summaries: readonly CustomerSummary[], options: FitOptions = {}): BgNbdFit {
  if (summaries.length === 0) {
    throw new ClvError('CLV_INVALID_INPUT', '没有顾客数据 / no customer summaries to fit', 'summaries');
  }
  summaries.forEach(checkSummary);
  const groups = new Map<string, { c: CustomerSummary; weight: number }>();
  for (const c of summaries) {
    const key = `${c.frequency}|${c.recency}|${c.T}`;
    const g = groups.get(key);
    if (g) g.weight += 1;
    else groups.set(key, { c, weight: 1 });
  }
  const weighted = [...groups.values()];
  const negLogLikelihood = (logParams: readonly number[]): number => {
    const [r, alpha, a, b] = logParams.map(Math.exp) as [number, number, number, number];
    const p = { r, alpha, a, b };
    let sum = 0;
    for (const { c, weight } of weighted) sum += weight * bgNbdCustomerLogLikelihood(p, c);
    return -sum;
  };
  const init = options.initial ?? { r: 1, alpha: 1, a: 1, b: 1 };
  checkParams(init);
  let x: readonly number[] = [init.r, init.alpha, init.a, init.b].map(Math.log);
  let fx = Number.POSITIVE_INFINITY;
  let iterations = 0;
  const MAX_RESTARTS = 5;
  for (let restart = 0; restart < MAX_RESTARTS; restart++) {
    const result = nelderMead(negLogLikelihood, x, {
      ...(options.maxIterations === undefined ? {} : { maxIterations: options.maxIterations }),
      functionTolerance: 1e-9,
      pointTolerance: 1e-7,
      initialStep: 0.1,
    });
    iterations += result.iterations;
    const improved = fx - result.fx;
    x = result.x;
    fx = result.fx;
    if (improved < 1e-7) break;
  }
  const [r, alpha, a, b] = x.map(Math.exp) as [number, number, number, number];
  return { params: { r, alpha, a, b }, logLikelihood: -fx, iterations };
}

/**
 * E[X(t)]: expected purchases in (0, t] for a customer picked at random at time 0 (equation 9):
 *   (a+b−1)/(a−1) · [1 − (α/(α+t))^r · 2F1(r, b; a+b−1; t/(α+t))]
 */
export function expectedPurchasesUpTo(p: BgNbdParams, t: number): number {
  checkParams(p);
  if (!(t >= 0)) throw new ClvError('CLV_INVALID_INPUT', '时长不能为负 / t must be ≥ 0', 't');
  checkANotOne(p);
  const { r, alpha, a, b } = p;
  if (t === 0) return 0;
  const z = t / (alpha + t);
  return ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp2f1(r, b, a + b - 1, z));
}

/** Equations 9 and 10 divide by a − 1; the paper's model has no finite form there, so say so instead of returning NaN. */
function checkANotOne(p: BgNbdParams): void {
  if (Math.abs(p.a - 1) < 1e-9) {
    throw new ClvError('CLV_INVALID_INPUT', '参数 a 不能等于 1 / expectations are undefined at a = 1', 'a');
  }
}

/** The odds factor a/(b+x−1) · ((α+T)/(α+t_x))^(r+x) that both P(alive) and E[Y(t) | …] divide by. */
function deathOdds(p: BgNbdParams, c: CustomerSummary): number {
  const { r, alpha, a, b } = p;
  const { frequency: x, recency: tx, T } = c;
  if (x === 0) return 0;
  return (a / (b + x - 1)) * Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + tx)));
}

/** P(alive | x, t_x, T) = 1 / (1 + [x > 0] a/(b+x−1) ((α+T)/(α+t_x))^(r+x)); 1 for a customer with no repeat. */
export function probabilityAlive(p: BgNbdParams, c: CustomerSummary): number {
  checkParams(p);
  checkSummary(c);
  return 1 / (1 + deathOdds(p, c));
}

/**
 * E[Y(t) | x, t_x, T]: expected purchases in (T, T+t] for a customer with this history (equation 10):
 *   (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))] / (1 + deathOdds)
 */
export function conditionalExpectedPurchases(p: BgNbdParams, c: CustomerSummary, t: number): number {
  checkParams(p);
  checkSummary(c);
  if (!(t >= 0)) throw new ClvError('CLV_INVALID_INPUT', '时长不能为负 / t must be ≥ 0', 't');
  checkANotOne(p);
  if (t === 0) return 0;
  const { r, alpha, a, b } = p;
  const { frequency: x, T } = c;
  const z = t / (alpha + T + t);
  const bracket =
    1 - Math.exp((r + x) * (Math.log(alpha + T) - Math.log(alpha + T + t))) * hyp2f1(r + x, b + x, a + b + x - 1, z);
  return (((a + b + x - 1) / (a - 1)) * bracket) / (1 + deathOdds(p, c));
}
