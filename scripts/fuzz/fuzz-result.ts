// What every fuzz target reports: how many cases it ran, what each produced, and every broken
// invariant (bounded: the first MAX_FAILURE_SAMPLES are kept verbatim, the rest only counted).
export const MAX_FAILURE_SAMPLES = 20;

export interface FuzzResult {
  target: string;
  cases: number;
  durationMs: number;
  /** Outcome → count, e.g. `error:BAD_SIGNATURE`, `close:1008`, `http:400`. */
  counts: Record<string, number>;
  failureCount: number;
  failures: string[];
  /** Extra figures worth printing (skipped cases, rows before/after). */
  notes: string[];
}

export class FuzzTally {
  readonly counts: Record<string, number> = {};
  readonly failures: string[] = [];
  readonly notes: string[] = [];
  failureCount = 0;
  cases = 0;
  private readonly startedAt = performance.now();

  constructor(readonly target: string) {}

  count(outcome: string): void {
    this.counts[outcome] = (this.counts[outcome] ?? 0) + 1;
  }

  fail(message: string): void {
    this.failureCount += 1;
    if (this.failures.length < MAX_FAILURE_SAMPLES) this.failures.push(message);
  }

  /** Fails with `message` unless `ok`. */
  check(ok: boolean, message: string): void {
    if (!ok) this.fail(message);
  }

  note(message: string): void {
    this.notes.push(message);
  }

  result(): FuzzResult {
    return {
      target: this.target,
      cases: this.cases,
      durationMs: Math.round(performance.now() - this.startedAt),
      counts: Object.fromEntries(Object.entries(this.counts).sort(([a], [b]) => a.localeCompare(b))),
      failureCount: this.failureCount,
      failures: this.failures,
      notes: this.notes,
    };
  }
}

/** A small seeded PRNG (mulberry32), so a run is repeatable from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomInt(random: () => number, maxExclusive: number): number {
  return Math.floor(random() * maxExclusive);
}

export function pickOne<T>(random: () => number, items: readonly T[]): T {
  return items[randomInt(random, items.length)]!;
}

/** Flips, inserts or deletes 1–4 bytes at random positions. */
export function mutateBytes(random: () => number, input: Uint8Array): Uint8Array {
  let bytes = Array.from(input);
  const edits = 1 + randomInt(random, 4);
  for (let i = 0; i < edits; i += 1) {
    const at = randomInt(random, bytes.length + 1);
    const op = randomInt(random, 3);
    if (op === 0 && at < bytes.length) bytes[at] = bytes[at]! ^ (1 << randomInt(random, 8));
    else if (op === 1) bytes.splice(at, 0, randomInt(random, 256));
    else if (bytes.length > 0) bytes.splice(Math.min(at, bytes.length - 1), 1);
  }
  return Uint8Array.from(bytes);
}

export function randomBytes(random: () => number, maxLength: number): Uint8Array {
  const out = new Uint8Array(randomInt(random, maxLength + 1));
  for (let i = 0; i < out.length; i += 1) out[i] = randomInt(random, 256);
  return out;
}

/** Paths to every leaf and object inside a JSON value. */
export function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
}

/** A copy of `root` with the value at `path` replaced (or deleted when `replacement` is undefined). */
export function setAt(root: unknown, path: string[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(root) as Record<string, unknown>;
  let node = copy;
  for (const step of path.slice(0, -1)) {
    const next = node[step];
    // An earlier edit replaced a parent: the path is gone, nothing to replace.
    if (typeof next !== 'object' || next === null) return copy;
    node = next as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  if (replacement === undefined && !Array.isArray(node)) delete node[last];
  else node[last] = replacement;
  return copy;
}

/** A wrong value for a JSON field: another type, a boundary number, a long or odd string. */
export function oddValue(random: () => number): unknown {
  const choices: (() => unknown)[] = [
    () => null,
    () => undefined,
    () => -1,
    () => 0,
    () => 1.5,
    () => Number.MAX_SAFE_INTEGER + 2,
    () => -Number.MAX_SAFE_INTEGER,
    () => 1e308,
    () => '',
    () => 'x'.repeat(1 + randomInt(random, 5000)),
    () => '\u0000\ud800',
    () => '2026-02-30T25:61:00Z',
    () => true,
    () => [],
    () => ({}),
    () => [1, 'a', null],
    () => JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}') as unknown,
    () => randomInt(random, 1_000_000) - 500_000,
    () => String(randomInt(random, 1e9)),
  ];
  return pickOne(random, choices)();
}
