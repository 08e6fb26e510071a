// Derivative-free minimisation by the Nelder–Mead downhill simplex (Lagarias et al. 1998 ordering,
// Gao & Han 2012 dimension-adaptive coefficients), used for the CLV models' maximum likelihood.
// Written here rather than taken from npm: fmin 0.0.4 (the common choice) ships `"type": "module"`
// with a UMD build and extension-less ESM imports, so it does not load under Node ESM, and
// optimization-js declares browserify/jsdoc/travis as runtime dependencies.

import { ClvError } from './clv-error.js';

export interface NelderMeadOptions {
  /** Hard cap on iterations; the search throws CLV_NOT_CONVERGED past it. */
  readonly maxIterations?: number;
  /** Stop when the simplex's function values span less than this (absolute). */
  readonly functionTolerance?: number;
  /** …and every vertex lies within this of the best one, in every coordinate. */
  readonly pointTolerance?: number;
  /** Initial simplex edge for coordinates that are zero / relative edge for the others. */
  readonly initialStep?: number;
}

export interface NelderMeadResult {
  readonly x: readonly number[];
  readonly fx: number;
  readonly iterations: number;
}

interface Vertex {
  x: number[];
  fx: number;
}

const DEFAULT_MAX_ITERATIONS = 20_000;

/**
 * Minimises `f` from `x0`. A non-finite `f` value is treated as +∞, which keeps the simplex inside
 * the function's domain as long as `x0` is inside it.
 *
 * @example nelderMead(([x, y]) => (x! - 1) ** 2 + (y! + 2) ** 2, [0, 0]).x // ≈ [1, -2]
 */
export function nelderMead(
  f: (x: readonly number[]) => number,
  x0: readonly number[],
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const n = x0.length;
  if (n === 0 || x0.some((v) => !Number.isFinite(v))) {
    throw new ClvError('CLV_INVALID_INPUT', '起点无效 / starting point must be finite and non-empty', 'x0');
  }
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const fTol = options.functionTolerance ?? 1e-10;
  const xTol = options.pointTolerance ?? 1e-10;
  const step = options.initialStep ?? 0.05;
  const value = (x: readonly number[]): number => {
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  // Gao & Han: plain 1/2/0.5/0.5 coefficients stall as the dimension grows.
  const alpha = 1;
  const beta = 1 + 2 / n;
  const gamma = 0.75 - 1 / (2 * n);
  const delta = 1 - 1 / n;

  const simplex: Vertex[] = [{ x: [...x0], fx: value(x0) }];
  for (let i = 0; i < n; i++) {
    const x = [...x0];
    const xi = x[i] ?? 0;
    x[i] = xi === 0 ? step : xi * (1 + step);
    simplex.push({ x, fx: value(x) });
  }

  const along = (from: readonly number[], to: readonly number[], t: number): number[] =>
    from.map((v, j) => v + t * ((to[j] ?? 0) - v));

  for (let iteration = 0; iteration < maxIterations; iteration++) {
    simplex.sort((p, q) => p.fx - q.fx);
    const best = simplex[0]!;
    const worst = simplex[n]!;
    const secondWorst = simplex[n - 1]!;
    const fSpread = worst.fx - best.fx;
    let xSpread = 0;
    for (let i = 1; i <= n; i++) {
      const v = simplex[i]!;
      for (let j = 0; j < n; j++) xSpread = Math.max(xSpread, Math.abs(v.x[j]! - best.x[j]!));
    }
    if (fSpread <= fTol && xSpread <= xTol) return { x: best.x, fx: best.fx, iterations: iteration };

    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      const v = simplex[i]!;
      for (let j = 0; j < n; j++) centroid[j]! += v.x[j]! / n;
    }
    // Points on the line from the centroid away from (t > 0) or towards (t < 0) the worst vertex.
    const reflected = along(centroid, worst.x, -alpha);
    const fr = value(reflected);
    if (fr < best.fx) {
      const expanded = along(centroid, worst.x, -alpha * beta);
      const fe = value(expanded);
      simplex[n] = fe < fr ? { x: expanded, fx: fe } : { x: reflected, fx: fr };
      continue;
    }
    if (fr < secondWorst.fx) {
      simplex[n] = { x: reflected, fx: fr };
      continue;
    }
    const outside = fr < worst.fx;
    const contracted = outside
      ? along(centroid, worst.x, -alpha * gamma)
      : along(centroid, worst.x, gamma);
    const fc = value(contracted);
    if (outside ? fc <= fr : fc < worst.fx) {
      simplex[n] = { x: contracted, fx: fc };
      continue;
    }
    for (let i = 1; i <= n; i++) {
      const x = along(best.x, simplex[i]!.x, delta);
      simplex[i] = { x, fx: value(x) };
    }
  }
  throw new ClvError(
    'CLV_NOT_CONVERGED',
    `单纯形搜索在 ${maxIterations} 次迭代内未收敛 / Nelder–Mead did not converge in ${maxIterations} iterations`,
  );
}
