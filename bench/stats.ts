// Figures every benchmark prints: min / median / max over runs, percentiles of samples.
export interface Summary {
  min: number;
  median: number;
  max: number;
}

export function percentile(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) throw new RangeError('no samples');
  const rank = Math.min(sortedAscending.length - 1, Math.max(0, Math.ceil((p / 100) * sortedAscending.length) - 1));
  return sortedAscending[rank]!;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return { min: sorted[0]!, median: percentile(sorted, 50), max: sorted[sorted.length - 1]! };
}

export function formatSummary(summary: Summary, unit: string, digits = 2): string {
  const f = (n: number) => n.toFixed(digits);
  return `min ${f(summary.min)} / median ${f(summary.median)} / max ${f(summary.max)} ${unit}`;
}

/** Wall time of `fn` in milliseconds, measured with the high-resolution clock. */
export function timeMs(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}
