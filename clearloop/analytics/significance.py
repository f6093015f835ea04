"""Significance tests and multiple-comparison corrections (DESIGN.md: "significance").

Pure arithmetic over counts and moments, like `metrics`: a gap is called significant only
through one of these functions, and the UI names the test it used.

- shares (CSAT top-two, CES 5-7, rates): two-proportion z-test, pooled standard error;
- NPS: a multinomial bootstrap on the promoter/passive/detractor counts (numpy, seeded:
  the same counts always give the same p-value), which needs no normal approximation;
- means: Welch's t-test with Welch-Satterthwaite degrees of freedom;
- many segments at once: Holm (family-wise) or Benjamini-Hochberg (false discovery rate).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

ALPHA = 0.05
BOOTSTRAP_SAMPLES = 4000
BOOTSTRAP_SEED = 20260


@dataclass(frozen=True)
class TestResult:
    """`statistic` (z or t) and the two-sided `p_value`; `test` names it for the UI."""

    test: str
    statistic: float
    p_value: float

    def significant(self, alpha: float = ALPHA) -> bool:
        return self.p_value < alpha


def normal_two_sided_p(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2))


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    """Lentz's continued fraction for the incomplete beta function (Numerical Recipes)."""
    tiny, qab, qap, qam = 1e-300, a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-14:
            break
    return h


def regularized_incomplete_beta(a: float, b: float, x: float) -> float:
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_continued_fraction(a, b, x) / a
    return 1.0 - front * _beta_continued_fraction(b, a, 1.0 - x) / b


def t_two_sided_p(t: float, degrees_of_freedom: float) -> float:
    """P(|T| ≥ |t|) for Student's t: I_{nu/(nu+t²)}(nu/2, 1/2)."""
    nu = degrees_of_freedom
    return regularized_incomplete_beta(nu / 2.0, 0.5, nu / (nu + t * t))


def two_proportion_z_test(x1: int, n1: int, x2: int, n2: int) -> TestResult | None:
    """H0: both shares are equal. None when a side has no answers or the pooled share is
    0 or 1 (no variation: nothing to test)."""
    if n1 <= 0 or n2 <= 0:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance <= 0:
        return None
    z = (x1 / n1 - x2 / n2) / math.sqrt(variance)
    return TestResult("two-proportion z-test", z, normal_two_sided_p(z))


def welch_t_test(
    n1: int, mean1: float, variance1: float, n2: int, mean2: float, variance2: float
) -> TestResult | None:
    """H0: both means are equal (variances not assumed equal). Sample variances (n - 1)."""
    if n1 < 2 or n2 < 2:
        return None
    a, b = variance1 / n1, variance2 / n2
    if a + b <= 0:
        return None
    t = (mean1 - mean2) / math.sqrt(a + b)
    degrees = (a + b) ** 2 / (a * a / (n1 - 1) + b * b / (n2 - 1))
    return TestResult("Welch t-test", t, t_two_sided_p(t, degrees))


def welch_from_moments(
    first: tuple[int, float, float], second: tuple[int, float, float]
) -> TestResult | None:
    """Welch's test from (n, sum, sum of squares) of each side."""

    def mean_variance(n: int, total: float, squares: float) -> tuple[float, float]:
        return total / n, max(0.0, (squares - total * total / n) / (n - 1))

    if first[0] < 2 or second[0] < 2:
        return None
    return welch_t_test(first[0], *mean_variance(*first), second[0], *mean_variance(*second))


def nps_bootstrap_test(
    first: tuple[int, int, int],
    second: tuple[int, int, int],
    *,
    samples: int = BOOTSTRAP_SAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> TestResult | None:
    """H0: both NPS are equal, by a multinomial bootstrap on the (promoters, passives,
    detractors) counts. Under H0 both sides are resampled from the pooled shares; the
    p-value is the share of resampled differences at least as far from 0 as the observed
    one. The statistic reported is the observed difference over its bootstrap standard
    error (a z score). Cost: two multinomial draws of `samples` x 3, microseconds."""
    n1, n2 = sum(first), sum(second)
    if n1 <= 0 or n2 <= 0:
        return None
    observed = _nps(first) - _nps(second)
    pooled = np.array(first, dtype=float) + np.array(second, dtype=float)
    shares = pooled / pooled.sum()
    rng = np.random.default_rng(seed)
    draws1, draws2 = rng.multinomial(n1, shares, samples), rng.multinomial(n2, shares, samples)
    differences = 100 * ((draws1[:, 0] - draws1[:, 2]) / n1 - (draws2[:, 0] - draws2[:, 2]) / n2)
    spread = float(differences.std())
    if spread == 0:
        return None
    extreme = int(np.count_nonzero(np.abs(differences) >= abs(observed) - 1e-9))
    p_value = (extreme + 1) / (samples + 1)
    return TestResult("multinomial bootstrap", observed / spread, min(1.0, p_value))


def _nps(counts: tuple[int, int, int]) -> float:
    promoters, _passives, detractors = counts
    return 100 * (promoters - detractors) / sum(counts)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values (family-wise error), in the input order."""
    m = len(p_values)
    order = sorted(range(m), key=lambda index: p_values[index])
    adjusted = [0.0] * m
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (false discovery rate), in the input order."""
    m = len(p_values)
    order = sorted(range(m), key=lambda index: p_values[index], reverse=True)
    adjusted = [0.0] * m
    running = 1.0
    for position, index in enumerate(order):
        rank = m - position
        running = min(running, p_values[index] * m / rank)
        adjusted[index] = min(1.0, running)
    return adjusted
