// BG/NBD and Gamma-Gamma against the published CDNOW estimates (Fader, Hardie & Lee 2005), the
// calibration summary built from the raw CDNOW log against the one lifetimes ships, and P(alive),
// expected purchases and CLV against values derived by hand. Data: ../shared/data (see SOURCES.md).
import { describe, expect, it } from 'vitest';
import {
  bgNbdLogLikelihood,
  buildCalibrationSummary,
  ClvError,
  conditionalExpectedPurchases,
  conditionalExpectedSpend,
  customerLifetimeValueFen,
  expectedPurchasesUpTo,
  fitBgNbd,
  fitGammaGamma,
  hyp2f1,
  nelderMead,
  parseCdnowLog,
  probabilityAlive,
  rankMembersByClv,
  readCdnowSample,
  readCdnowSummary,
  readCdnowSummaryWithTransactions,
  type BgNbdParams,
} from '../../gateway/src/analytics/clv/index.js';

/** Table 1 / section 5 of the paper; also lifetimes' expected values. */
const PAPER: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const PAPER_GAMMA_GAMMA = { p: 6.25, q: 3.74, v: 15.44 };

function expectWithinOnePercent(actual: Record<string, number>, expected: Record<string, number>): void {
  for (const [name, want] of Object.entries(expected)) {
    const got = actual[name]!;
    expect(Math.abs(got - want) / want, `${name}: got ${got}, paper ${want}`).toBeLessThan(0.01);
  }
}

function codeOf(f: () => unknown): string {
  try {
    f();
    return 'OK';
  } catch (e) {
    if (e instanceof ClvError) return e.code;
    throw e;
  }
}

const rawSummary = buildCalibrationSummary(readCdnowSample(), { calibrationEnd: '1997-09-30', unitDays: 7 });
const shipped = readCdnowSummary();
const shippedWithSpend = readCdnowSummaryWithTransactions();

describe('calibration summary from the raw CDNOW log', () => {
  it('reads all 6,919 purchases of 2,357 customers', () => {
    const log = readCdnowSample();
    expect(log).toHaveLength(6919);
    expect(new Set(log.map((p) => p.customerId)).size).toBe(2357);
    // first line: " 00004 0001 19970101  2   29.33"
    expect(log[0]).toEqual({ masterId: '00004', customerId: '1', day: '1997-01-01', cds: 2, amountMinor: 2933 });
  });

  it('equals the shipped summary row for row (recency and T rounded to 2 dp as shipped)', () => {
    expect(rawSummary).toHaveLength(2357);
    expect(shipped).toHaveLength(2357);
    const round2 = (v: number): number => Math.round(v * 100) / 100;
    const ours = rawSummary.map((r) => ({ id: r.customerId, x: r.frequency, tx: round2(r.recency), T: round2(r.T) }));
    const theirs = shipped.map((r) => ({ id: r.customerId, x: r.frequency, tx: r.recency, T: r.T }));
    expect(ours).toEqual(theirs);
    // Customer 1: 1997-01-01, 01-18, 08-02 → two repeat days, last 213 days in, observed 272 days.
    expect(rawSummary[0]).toMatchObject({ frequency: 2, recency: 213 / 7, T: 272 / 7 });
  });

  it('merges purchases on the same day into one occasion and ignores the holdout period', () => {
    const summary = buildCalibrationSummary(
      [
        { customerId: 'm1', day: '1997-01-01', amountMinor: 1000 },
        { customerId: 'm1', day: '1997-01-01', amountMinor: 500 },
        { customerId: 'm1', day: '1997-01-08', amountMinor: 700 },
        { customerId: 'm1', day: '1997-01-08', amountMinor: 300 },
        { customerId: 'm1', day: '1997-01-22', amountMinor: 2000 },
        { customerId: 'm1', day: '1997-10-01', amountMinor: 9900 },
        { customerId: 'm2', day: '1997-10-02', amountMinor: 100 },
      ],
      { calibrationEnd: '1997-09-30', unitDays: 7 },
    );
    expect(summary).toEqual([
      { customerId: 'm1', frequency: 2, recency: 3, T: 272 / 7, meanRepeatSpendMinor: 1500 },
    ]);
  });

  it('reproduces the shipped zbar (mean repeat spend) when half cents round up', () => {
    const ours = rawSummary.map((r) => Math.round(r.meanRepeatSpendMinor) / 100);
    expect(ours).toEqual(shippedWithSpend.map((r) => r.meanSpend));
    // customer 178: six repeat days worth $211.05 → 35.175 → 35.18 as shipped
    expect(rawSummary[177]).toMatchObject({ customerId: '178', frequency: 6, meanRepeatSpendMinor: 3517.5 });
  });

  it('rejects a malformed log line and an impossible date with typed errors', () => {
    expect(codeOf(() => parseCdnowLog(' 00004 0001 1997010 2 29.33\r\n'))).toBe('CLV_DATA_FORMAT');
    expect(
      codeOf(() =>
        buildCalibrationSummary([{ customerId: '1', day: '1997-02-30', amountMinor: 1 }], {
          calibrationEnd: '1997-09-30',
          unitDays: 7,
        }),
      ),
    ).toBe('CLV_INVALID_INPUT');
  });
});

describe('BG/NBD fit against the published CDNOW estimates', () => {
  it('fits the shipped summary to r, α, a, b within 1% of the paper, at its log-likelihood −9582.4', () => {
    const fit = fitBgNbd(shipped);
    expectWithinOnePercent({ ...fit.params }, { ...PAPER });
    expect(fit.logLikelihood).toBeCloseTo(-9582.4, 1);
  });

  it('fits the summary built from the raw log to the same estimates', () => {
    const fit = fitBgNbd(rawSummary);
    expectWithinOnePercent({ ...fit.params }, { ...PAPER });
    expect(fit.logLikelihood).toBeCloseTo(-9582.4, 1);
  });

  it('the paper’s estimates are no worse than a nearby point (the likelihood peaks there)', () => {
    const atPaper = bgNbdLogLikelihood(PAPER, shipped);
    for (const k of ['r', 'alpha', 'a', 'b'] as const) {
      for (const f of [0.9, 1.1]) {
        expect(bgNbdLogLikelihood({ ...PAPER, [k]: PAPER[k] * f }, shipped)).toBeLessThan(atPaper);
      }
    }
  });

  it('rejects summaries outside the model (t_x > T, x = 0 with t_x > 0, fractional x)', () => {
    for (const bad of [
      { frequency: 1, recency: 5, T: 4 },
      { frequency: 0, recency: 1, T: 4 },
      { frequency: 1.5, recency: 1, T: 4 },
    ]) {
      expect(codeOf(() => fitBgNbd([bad]))).toBe('CLV_INVALID_INPUT');
    }
    expect(codeOf(() => probabilityAlive({ ...PAPER, a: -1 }, { frequency: 0, recency: 0, T: 1 }))).toBe(
      'CLV_INVALID_INPUT',
    );
    // Equations 9 and 10 divide by a − 1.
    expect(codeOf(() => expectedPurchasesUpTo({ ...PAPER, a: 1 }, 39))).toBe('CLV_INVALID_INPUT');
  });
});

describe('P(alive) and expected purchases', () => {
  it('P(alive) matches hand computation at the paper’s parameters', () => {
    // x=2, t_x=30.43, T=38.86: odds = a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)
    //   = 0.793/3.426 · (43.274/34.844)^2.243 = 0.231465 · 1.625789 = 0.376314 → 1/1.376314 = 0.726579
    expect(probabilityAlive(PAPER, { frequency: 2, recency: 30.43, T: 38.86 })).toBeCloseTo(0.726579, 5);
    // x=1, t_x=1.71, T=38.86: 0.793/2.426 · (43.274/6.124)^1.243 = 0.326876 · 11.364373 = 3.714735 → 0.212101
    expect(probabilityAlive(PAPER, { frequency: 1, recency: 1.71, T: 38.86 })).toBeCloseTo(0.212101, 5);
    // No repeat purchase: the model cannot have seen the customer die.
    expect(probabilityAlive(PAPER, { frequency: 0, recency: 0, T: 38.86 })).toBe(1);
  });

  it('E[Y(39) | x=2, t_x=30.43, T=38.86] is 1.226, the worked example of Fader, Hardie & Lee’s spreadsheet note', () => {
    expect(conditionalExpectedPurchases(PAPER, { frequency: 2, recency: 30.43, T: 38.86 }, 39)).toBeCloseTo(1.226, 3);
  });

  it('E[X(t)] starts with slope r/α and equals the conditional expectation of a just-acquired customer', () => {
    const t = 1e-6;
    expect(expectedPurchasesUpTo(PAPER, t) / t).toBeCloseTo(PAPER.r / PAPER.alpha, 6);
    // With x=0 and T→0 the posterior is the prior, so equation 10 must reduce to equation 9.
    for (const horizon of [1, 39, 78]) {
      const fresh = conditionalExpectedPurchases(PAPER, { frequency: 0, recency: 0, T: 1e-9 }, horizon);
      expect(fresh).toBeCloseTo(expectedPurchasesUpTo(PAPER, horizon), 6);
    }
    expect(expectedPurchasesUpTo(PAPER, 0)).toBe(0);
  });

  it('2F1 matches its closed forms', () => {
    for (const z of [0, 0.1, 0.5, 0.9, 0.99]) {
      const log1p = z === 0 ? 1 : -Math.log(1 - z) / z; // 2F1(1,1;2;z) = −ln(1−z)/z
      expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(log1p, 10);
      expect(hyp2f1(0.7, 2.5, 2.5, z)).toBeCloseTo(Math.pow(1 - z, -0.7), 10); // 2F1(a,b;b;z) = (1−z)^−a
    }
    expect(codeOf(() => hyp2f1(1, 1, 2, 1))).toBe('CLV_INVALID_INPUT');
  });

  it('Nelder–Mead finds the minimum of the Rosenbrock valley', () => {
    const { x } = nelderMead(([u, v]) => 100 * (v! - u! * u!) ** 2 + (1 - u!) ** 2, [-1.2, 1], {
      functionTolerance: 1e-14,
      pointTolerance: 1e-9,
    });
    expect(x[0]).toBeCloseTo(1, 5);
    expect(x[1]).toBeCloseTo(1, 5);
    expect(codeOf(() => nelderMead(([u]) => (u! - 3) ** 2, [0], { maxIterations: 3 }))).toBe('CLV_NOT_CONVERGED');
  });
});

describe('Gamma-Gamma spend and CLV', () => {
  const repeaters = shippedWithSpend
    .filter((r) => r.frequency > 0)
    .map((r) => ({ frequency: r.frequency, meanSpend: r.meanSpend }));

  it('fits the repeat customers to p = 6.25, q = 3.74, v = 15.44 within 1%', () => {
    expect(repeaters).toHaveLength(946);
    const fit = fitGammaGamma(repeaters);
    expectWithinOnePercent({ ...fit.params }, PAPER_GAMMA_GAMMA);
  });

  it('expected spend shrinks a customer’s mean towards the population mean', () => {
    // (v + x z̄) p / (p x + q − 1) = (15.44 + 2·22.35)·6.25 / (12.5 + 2.74) = 375.875 / 15.24 = 24.66371
    expect(conditionalExpectedSpend(PAPER_GAMMA_GAMMA, { frequency: 2, meanSpend: 22.35 })).toBeCloseTo(24.66371, 5);
    // population mean p v / (q − 1) = 96.5 / 2.74 = 35.21898
    expect(conditionalExpectedSpend(PAPER_GAMMA_GAMMA, { frequency: 0, meanSpend: 0 })).toBeCloseTo(35.21898, 5);
  });

  it('CLV in fen: expected purchases per period × expected spend, discounted, rounded to whole fen', () => {
    // Fen-scaled Gamma-Gamma: v in fen. E[Z] = (1544 + 2·2235)·6.25 / 15.24 = 2466.371 fen.
    const gammaGamma = { ...PAPER_GAMMA_GAMMA, v: 1544 };
    const member = { frequency: 2, recency: 30.43, T: 38.86, meanSpendFen: 2235 };
    const spendFen = 37587.5 / 15.24;
    const e = (t: number): number => conditionalExpectedPurchases(PAPER, member, t);
    // Undiscounted, one 39-week period: 1.226 purchases × 2466.371 fen ≈ 3023.8 → 3024.
    expect(customerLifetimeValueFen(PAPER, gammaGamma, member, { periods: 1, periodLength: 39, discountRatePerPeriod: 0 })).toBe(3024);
    // Undiscounted, the periods telescope to the same total however the horizon is cut.
    expect(
      customerLifetimeValueFen(PAPER, gammaGamma, member, { periods: 13, periodLength: 3, discountRatePerPeriod: 0 }),
    ).toBe(3024);
    // Discounted 10% per half: each half's increment carries its own factor.
    const expected = Math.round((e(19.5) * spendFen) / 1.1 + ((e(39) - e(19.5)) * spendFen) / 1.21);
    const got = customerLifetimeValueFen(PAPER, gammaGamma, member, { periods: 2, periodLength: 19.5, discountRatePerPeriod: 0.1 });
    expect(got).toBe(expected);
    expect(Number.isInteger(got)).toBe(true);
    expect(got).toBeLessThan(3024);
    expect(
      codeOf(() => customerLifetimeValueFen(PAPER, gammaGamma, member, { periods: 0, periodLength: 1, discountRatePerPeriod: 0 })),
    ).toBe('CLV_INVALID_INPUT');
  });

  it('money scale: fitting spend in cents instead of dollars scales v by 100 and leaves p, q', () => {
    const fit = fitGammaGamma(repeaters.map((r) => ({ frequency: r.frequency, meanSpend: Math.round(r.meanSpend * 100) })));
    expectWithinOnePercent({ ...fit.params }, { ...PAPER_GAMMA_GAMMA, v: 1544 });
  });

  it('ranks members by CLV in fen, highest first, each row equal to the single-member computation', () => {
    const gammaGamma = { ...PAPER_GAMMA_GAMMA, v: 1544 };
    const horizon = { periods: 12, periodLength: 52 / 12, discountRatePerPeriod: 0.01 };
    const members = shippedWithSpend.map((r) => ({
      memberId: r.customerId.padStart(4, '0'),
      frequency: r.frequency,
      recency: r.recency,
      T: r.T,
      meanSpendFen: Math.round(r.meanSpend * 100),
    }));
    const ranked = rankMembersByClv(PAPER, gammaGamma, members, horizon);
    expect(ranked).toHaveLength(2357);
    for (let i = 1; i < ranked.length; i++) {
      const [prev, cur] = [ranked[i - 1]!, ranked[i]!];
      expect(prev.clvFen > cur.clvFen || (prev.clvFen === cur.clvFen && prev.memberId < cur.memberId)).toBe(true);
    }
    const first = members[0]!; // customer 1: x=2, t_x=30.43, T=38.86, z̄=$22.35
    const row = ranked.find((s) => s.memberId === '0001')!;
    expect(row.clvFen).toBe(customerLifetimeValueFen(PAPER, gammaGamma, first, horizon));
    expect(row.probabilityAlive).toBeCloseTo(0.726579, 5);
    expect(row.expectedSpendFen).toBe(2466); // 37587.5 / 15.24 = 2466.37 fen
    expect(ranked.every((s) => Number.isInteger(s.clvFen) && Number.isInteger(s.expectedSpendFen))).toBe(true);
    // A member with no repeat purchase is valued at the population mean spend, p·v/(q−1) = 3521.9 fen.
    const newcomer = ranked.find((s) => s.memberId === '0003')!;
    expect(newcomer.expectedSpendFen).toBe(3522);
    expect(newcomer.probabilityAlive).toBe(1);
  });
});
