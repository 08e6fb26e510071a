// Integer arithmetic for money and points: exact a·b/c with explicit rounding (falling back
// to BigInt when a product leaves the safe-integer range) and largest-remainder allocation.

const SAFE = Number.MAX_SAFE_INTEGER;
/** Products up to 2^52 leave room for the correction step of floorDiv to stay exact. */
const HALF_SAFE = 2 ** 52;

/** floor(n / d) for integers 0 ≤ n ≤ 2^52, d > 0, corrected for the rounding of the float quotient. */
export function floorDiv(n: number, d: number): number {
  let q = Math.floor(n / d);
  if (q * d > n) q -= 1;
  else if ((q + 1) * d <= n) q += 1;
  return q;
}

/** floor(a·b / c) for non-negative integers a, b and positive c. */
export function mulDivFloor(a: number, b: number, c: number): number {
  const product = a * b;
  if (product <= HALF_SAFE) return floorDiv(product, c);
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/** a·b / c rounded half up (0.5 fen → 1 fen) for non-negative integers. */
export function mulDivRoundHalfUp(a: number, b: number, c: number): number {
  const product = a * b;
  if (product <= HALF_SAFE / 4 && c <= HALF_SAFE / 4) return floorDiv(2 * product + c, 2 * c);
  const big = BigInt(a) * BigInt(b);
  return Number((2n * big + BigInt(c)) / (2n * BigInt(c)));
}

/** ceil(a·b / c) for non-negative integers a, b and positive c. */
export function mulDivCeil(a: number, b: number, c: number): number {
  const product = a * b;
  if (product <= HALF_SAFE / 2 && c <= HALF_SAFE / 2) return floorDiv(product + c - 1, c);
  return Number((BigInt(a) * BigInt(b) + BigInt(c) - 1n) / BigInt(c));
}

export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * Splits `total` (a non-negative integer) over `weights` in proportion, so the shares sum to
 * `total` exactly: each share is floor(total·wᵢ/W); the fen left over go one each to the
 * largest remainders, ties to the earlier index. All-zero weights split as if equal.
 * Used with capacities as weights (total ≤ Σ capacities), no share exceeds its capacity:
 * a share rounded up had a fractional part, so it was below its capacity.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  const n = weights.length;
  const shares = new Array<number>(n).fill(0);
  if (n === 0 || total === 0) return shares;
  let sum = 0;
  for (const w of weights) sum += w;
  const effective = sum === 0 ? weights.map(() => 1) : weights;
  const weightSum = sum === 0 ? n : sum;
  if (total * weightSum > SAFE) return allocateBig(total, effective, weightSum);
  // Below 2^53 every product and remainder here is exact.
  const remainders = new Array<number>(n);
  let given = 0;
  for (let i = 0; i < n; i += 1) {
    const scaled = total * effective[i]!;
    const share = Math.floor(scaled / weightSum);
    shares[i] = share;
    remainders[i] = scaled - share * weightSum;
    given += share;
  }
  distributeLeftover(shares, remainders, total - given);
  return shares;
}

function allocateBig(total: number, weights: readonly number[], weightSum: number): number[] {
  const n = weights.length;
  const shares = new Array<number>(n).fill(0);
  const remainders = new Array<bigint>(n);
  const bigTotal = BigInt(total);
  const bigSum = BigInt(weightSum);
  let given = 0;
  for (let i = 0; i < n; i += 1) {
    const scaled = bigTotal * BigInt(weights[i]!);
    const share = scaled / bigSum;
    shares[i] = Number(share);
    remainders[i] = scaled - share * bigSum;
    given += shares[i]!;
  }
  distributeLeftover(shares, remainders, total - given);
  return shares;
}

function distributeLeftover<R extends number | bigint>(shares: number[], remainders: R[], leftover: number): void {
  // leftover < number of shares (the fractional parts sum to it), so take the largest remaining
  // remainder `leftover` times; a strict comparison keeps ties on the earlier index. Taken
  // remainders are marked -1 (all real ones are ≥ 0); the array belongs to the caller's call.
  const n = remainders.length;
  for (let k = 0; k < leftover; k += 1) {
    let best = -1;
    for (let i = 0; i < n; i += 1) {
      const r = remainders[i]!;
      if (r < 0) continue;
      if (best < 0 || r > remainders[best]!) best = i;
    }
    if (best < 0) break;
    (remainders as Array<number | bigint>)[best] = typeof remainders[best] === 'bigint' ? -1n : -1;
    shares[best]! += 1;
  }
}
