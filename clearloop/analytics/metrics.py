"""The satisfaction metrics of DESIGN.md ("Metric definitions") with their 95% intervals.

Pure arithmetic over counts: numbers in, numbers out, no Django and no database. Callers
count in the database (GROUP BY) and hand the counts over, so an interval costs
microseconds however many responses stand behind it.

Every function returns an `Estimate`. With no observations there is nothing to estimate:
`value`, `low` and `high` are None. Percentages (NPS, shares, rates) are on 0…100
(NPS on -100…100); means are on the question's own scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Below this many observations an interval is too wide to act on; the UI greys the figure.
MINIMUM_N = 30

# The 0.975 quantile of the standard normal distribution (two-sided 95%).
Z_95 = 1.959963984540054

# The 0.975 quantile of Student's t for 1…30 degrees of freedom (standard tables).
T_95_TABLE = (
    12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
    2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
    2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423,
)  # fmt: skip


@dataclass(frozen=True)
class Estimate:
    """A figure with its 95% interval, the count behind it, and whether that count is
    large enough (`enough`) to show the figure without a warning."""

    value: float | None
    n: int
    low: float | None
    high: float | None
    standard_error: float | None
    enough: bool

    @property
    def has_interval(self) -> bool:
        return self.low is not None and self.high is not None


def _empty(n: int) -> Estimate:
    return Estimate(None, n, None, None, None, enough=False)


def _check_counts(*counts: int) -> None:
    if any(count < 0 for count in counts):
        raise ValueError(f"Counts cannot be negative: {counts}.")


def t_quantile_975(degrees_of_freedom: int) -> float:
    """Student's t 0.975 quantile: the table up to 30 degrees of freedom, then the
    Cornish-Fisher expansion around the normal quantile (error below 1e-4 beyond 30)."""
    if degrees_of_freedom < 1:
        raise ValueError("Student's t needs at least one degree of freedom.")
    if degrees_of_freedom <= len(T_95_TABLE):
        return T_95_TABLE[degrees_of_freedom - 1]
    z, nu = Z_95, float(degrees_of_freedom)
    return (
        z
        + (z**3 + z) / (4 * nu)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * nu**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * nu**3)
    )


def nps(promoters: int, passives: int, detractors: int, *, minimum_n: int = MINIMUM_N) -> Estimate:
    """Net Promoter Score: % promoters (9-10) - % detractors (0-6), with the standard
    error 100·sqrt((p+ + p- - (p+ - p-)²)/n) and a normal 95% interval clamped to ±100."""
    _check_counts(promoters, passives, detractors)
    n = promoters + passives + detractors
    if n == 0:
        return _empty(n)
    share_promoters, share_detractors = promoters / n, detractors / n
    difference = share_promoters - share_detractors
    variance = max(0.0, share_promoters + share_detractors - difference**2)
    standard_error = 100 * math.sqrt(variance / n)
    value = 100 * difference
    return Estimate(
        value=value,
        n=n,
        low=max(-100.0, value - Z_95 * standard_error),
        high=min(100.0, value + Z_95 * standard_error),
        standard_error=standard_error,
        enough=n >= minimum_n,
    )


def top_box_share(top: int, n: int, *, minimum_n: int = MINIMUM_N) -> Estimate:
    """The percentage of `n` answers that are in the top boxes (CSAT: 4-5 of 5; CES: 5-7
    of 7), with a Wilson score 95% interval, which stays inside 0…100 and behaves at
    shares near 0% or 100% where the normal interval does not."""
    _check_counts(top, n)
    if top > n:
        raise ValueError(f"{top} top-box answers cannot come from {n} answers.")
    if n == 0:
        return _empty(n)
    share = top / n
    z2 = Z_95**2
    denominator = 1 + z2 / n
    centre = (share + z2 / (2 * n)) / denominator
    half_width = Z_95 * math.sqrt(share * (1 - share) / n + z2 / (4 * n * n)) / denominator
    return Estimate(
        value=100 * share,
        n=n,
        low=100 * max(0.0, centre - half_width),
        high=100 * min(1.0, centre + half_width),
        standard_error=100 * math.sqrt(share * (1 - share) / n),
        enough=n >= minimum_n,
    )


def mean_estimate(
    n: int, sum: float, sum_of_squares: float, *, minimum_n: int = MINIMUM_N
) -> Estimate:
    """The mean of `n` numbers given their sum and sum of squares, with a Student's t
    95% interval (sample standard deviation, n - 1 degrees of freedom). One number has
    a mean but no interval."""
    _check_counts(n)
    if n == 0:
        return _empty(n)
    mean = sum / n
    if n == 1:
        return Estimate(mean, n, None, None, None, enough=n >= minimum_n)
    # Rounding can push a zero variance a hair below zero.
    variance = max(0.0, (sum_of_squares - sum * sum / n) / (n - 1))
    standard_error = math.sqrt(variance / n)
    half_width = t_quantile_975(n - 1) * standard_error
    return Estimate(
        value=mean,
        n=n,
        low=mean - half_width,
        high=mean + half_width,
        standard_error=standard_error,
        enough=n >= minimum_n,
    )


def response_rate(completed: int, delivered: int, *, minimum_n: int = MINIMUM_N) -> Estimate:
    """Completed responses as a percentage of delivered invitations (Wilson interval)."""
    if completed > delivered:
        raise ValueError(
            f"{completed} completed responses cannot come from {delivered} delivered invitations."
        )
    return top_box_share(completed, delivered, minimum_n=minimum_n)


def sla_compliance(met: int, due: int, *, minimum_n: int = MINIMUM_N) -> Estimate:
    """SLA compliance: the percentage of the `due` cases (whose target has come due or been
    reached) that reached it in time, with a Wilson 95% interval (shares near 100% are
    the usual case here, where a normal interval would spill past 100)."""
    if met > due:
        raise ValueError(f"{met} cases cannot meet a target only {due} cases had.")
    return top_box_share(met, due, minimum_n=minimum_n)


def moments(distribution: dict[int, int]) -> tuple[int, float, float]:
    """(n, sum, sum of squares) of the numbers a distribution {value: count} counts."""
    n = sum(distribution.values())
    total = float(sum(value * count for value, count in distribution.items()))
    squares = float(sum(value * value * count for value, count in distribution.items()))
    return n, total, squares
