// Integer arithmetic for money and points: exact a·b/c with explicit rounding (falling back
// to BigInt when a product leaves the safe-integer range) and largest-remainder allocation.

const SAFE = Number.MAX_SAFE_INTEGER;

/** floor(a·b / c) for non-negative integers a, b and positive c. */
export function mulDivFloor(a: number, b: number, c: number): number {
  const product = a * b;
  if (product <= SAFE) return Math.floor(product / c);
  return Number((BigInt(a) * BigInt(b)) / BigInt(c));
}

/** a·b / c rounded half up (0.5 fen → 1 fen) for non-negative integers. */
export function mulDivRoundHalfUp(a: number, b: number, c: number): number {
  const product = a * b;
  if (product <= SAFE && product * 2 + c <= SAFE) return Math.floor((2 * product + c) / (2 * c));
  const big = BigInt(a) * BigInt(b);
  return Number((2n * big + BigInt(c)) / (2n * BigInt(c)));
}

/** ceil(a·b / c) for non-negative integers a, b and positive c. */
export function mulDivCeil(a: number, b: number, c: number): number {
  const product = a * b;
  if (product <= SAFE && product + c <= SAFE) return Math.floor((product + c - 1) / c);
  return Number((BigInt(a) * BigInt(b) + BigInt(c) - 1n) / BigInt(c));
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
  if (leftover <= 0) return;
  const order = remainders.map((_, i) => i);
  order.sort((a, b) => {
    const ra = remainders[a]!;
    const rb = remainders[b]!;
    if (ra === rb) return a - b;
    return ra > rb ? -1 : 1;
  });
  for (let k = 0; k < leftover; k += 1) shares[order[k % order.length]!]! += 1;
}
