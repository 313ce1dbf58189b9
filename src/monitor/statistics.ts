/**
 * The tests canary analysis judges with: one-sided tests that the canary is worse than the stable
 * version by more than the margin allowed. They answer with a p-value; a verdict is "fail" only
 * when that is below the significance level, so a healthy canary whose numbers wobble around a
 * threshold passes (no flapping), and a real regression fails as soon as the samples show it.
 * Pure functions of counts and sums: no I/O, no clock.
 */

/** Φ(z): the standard normal distribution function. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** P(Z ≥ z) for a standard normal Z, accurate in the far tail (where 1 − Φ(z) would round to 0). */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * The complementary error function, Chebyshev fit of Numerical Recipes (erfcc), relative error
 * below 1.2e-7 everywhere: enough for p-values compared with levels like 0.01.
 */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7), for binomial coefficients of large n. */
function logGamma(x: number): number {
  const c = [
    0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406,
    12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = c[0]!;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Up to this many trials the binomial tail is summed exactly; beyond, the normal approximation holds well. */
const EXACT_BINOMIAL_UP_TO = 5000;

/** P(X ≥ k) for X ~ Binomial(n, p): exact for small n, normal with continuity correction above. */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  if (n > EXACT_BINOMIAL_UP_TO) {
    const mean = n * p;
    const sd = Math.sqrt(n * p * (1 - p));
    return normalUpperTail((k - 0.5 - mean) / sd);
  }
  const logNFact = logGamma(n + 1);
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  let sum = 0;
  for (let i = k; i <= n; i++) {
    const term = Math.exp(logNFact - logGamma(i + 1) - logGamma(n - i + 1) + i * lp + (n - i) * lq);
    sum += term;
    // The terms fall geometrically once past the mode: stop when they no longer count.
    if (i > n * p && term < sum * 1e-15) break;
  }
  return Math.min(1, sum);
}

/** What a test found: the statistic, its one-sided p-value (small: the canary is worse), and why. */
export interface TestResult {
  /** The test's name, for the evidence. */
  test: string;
  statistic: number;
  pValue: number;
}

/**
 * One-sided test that a proportion is worse on the canary than on stable by more than `margin`
 * (absolute, e.g. 0.02 = two percentage points). `worse` says which way: 'higher' for an error or
 * block rate, 'lower' for a schema-valid rate.
 *
 * H0: p_canary − p_stable ≤ margin (for 'higher'); H1: it is more. A Wald z-test on the
 * Agresti–Caffo adjusted proportions (one success and one failure added to each arm): unlike the
 * plain Wald test it stays conservative with few events or rates near 0, where a canary with 0 of
 * 50 errors against stable's 0 of 5000 must not look certain either way. The margin enters the
 * statistic directly (a non-inferiority test), so the test asks "worse by more than allowed", not
 * "different".
 */
export function proportionWorseTest(
  canary: { events: number; trials: number },
  stable: { events: number; trials: number },
  margin: number,
  worse: 'higher' | 'lower',
): TestResult {
  const pc = (canary.events + 1) / (canary.trials + 2);
  const ps = (stable.events + 1) / (stable.trials + 2);
  const se = Math.sqrt((pc * (1 - pc)) / (canary.trials + 2) + (ps * (1 - ps)) / (stable.trials + 2));
  const excess = worse === 'higher' ? pc - ps - margin : ps - pc - margin;
  const z = excess / se;
  return { test: 'two-proportion z (Agresti–Caffo, margin)', statistic: z, pValue: normalUpperTail(z) };
}

/**
 * One-sided test that the canary's q-quantile latency exceeds stable's × `maxRatio`.
 *
 * T = stable's q-quantile × maxRatio. If the canary's q-quantile were ≤ T, at most a share 1 − q
 * of its requests would be slower than T; so the number of canary requests certainly above T (in
 * sketch buckets that lie wholly above it) is tested against Binomial(n, 1 − q). This is an exact
 * quantile test (sign test), needs no distribution shape, works on the bucketed sketch, and every
 * approximation leans towards the canary: stable's quantile is its bucket's upper bound (up to 25%
 * high) and only buckets entirely above T count. Mann–Whitney would test a shift of the whole
 * distribution, not the tail a p95 threshold is about.
 */
export function latencyQuantileWorseTest(
  canary: { buckets: readonly number[]; bounds: readonly number[] },
  stableQuantile: number,
  q: number,
  maxRatio: number,
): TestResult & { limitMs: number; slower: number } {
  const limitMs = stableQuantile * maxRatio;
  let n = 0;
  let slower = 0;
  canary.buckets.forEach((count, i) => {
    n += count;
    // Bucket i holds (bounds[i-1], bounds[i]]; it lies above the limit when its lower edge does.
    const lower = i === 0 ? 0 : (canary.bounds[i - 1] ?? Number.POSITIVE_INFINITY);
    if (lower >= limitMs) slower += count;
  });
  const p0 = 1 - q;
  const pValue = binomialUpperTail(slower, n, p0);
  const statistic = n > 0 ? (slower - n * p0) / Math.sqrt(n * p0 * (1 - p0)) : 0;
  return {
    test: `exact binomial on the share above stable p${Math.round(q * 100)} × ${maxRatio}`,
    statistic,
    pValue,
    limitMs,
    slower,
  };
}

/** A mean's sufficient statistics: how many, their sum and the sum of their squares. */
export interface MeanSample {
  n: number;
  sum: number;
  sumSquares: number;
}

/** The sample variance of a MeanSample (0 below two values). */
export function varianceOf(s: MeanSample): number {
  if (s.n < 2) return 0;
  const mean = s.sum / s.n;
  return Math.max(0, (s.sumSquares - s.n * mean * mean) / (s.n - 1));
}

/**
 * One-sided test that a mean is worse on the canary than stable's × `ratio`: for 'higher' (cost),
 * H1: mean_c > ratio × mean_s; for 'lower' (a grader score), H1: mean_c < ratio × mean_s. A Welch
 * z-test on the difference mean_c − ratio × mean_s (its variance vc/nc + ratio²·vs/ns): with the
 * minimum samples analysis demands, the means are normal enough by the central limit theorem.
 */
export function meanWorseTest(
  canary: MeanSample,
  stable: MeanSample,
  ratio: number,
  worse: 'higher' | 'lower',
): TestResult {
  const mc = canary.sum / canary.n;
  const ms = stable.sum / stable.n;
  const se = Math.sqrt(varianceOf(canary) / canary.n + (ratio * ratio * varianceOf(stable)) / stable.n);
  const excess = worse === 'higher' ? mc - ratio * ms : ratio * ms - mc;
  if (se === 0)
    return {
      test: 'Welch z on the ratio of means',
      statistic: excess > 0 ? Infinity : -Infinity,
      pValue: excess > 0 ? 0 : 1,
    };
  const z = excess / se;
  return { test: 'Welch z on the ratio of means', statistic: z, pValue: normalUpperTail(z) };
}

/** Two-proportion z statistic (pooled); 0 when both rates are 0 or 1. */
export function twoProportionZ(x1: number, n1: number, x2: number, n2: number): number {
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return se === 0 ? 0 : (x2 / n2 - x1 / n1) / se;
}
