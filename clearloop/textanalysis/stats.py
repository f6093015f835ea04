"""The statistics text analytics reports: whether a topic's share rose significantly
(two-proportion z-test), and an interval around a measured accuracy (Wilson). Pure
functions over counts, tested against reference values."""

from __future__ import annotations

import math
from dataclasses import dataclass

Z_95 = 1.959964


@dataclass(frozen=True)
class ProportionTest:
    z: float
    p_value: float  # one-sided: the recent share is larger than the baseline share


def two_proportion_z_test(
    recent: int, recent_total: int, baseline: int, baseline_total: int
) -> ProportionTest:
    """z = (p1 - p2) / sqrt(p̂(1 - p̂)(1/n1 + 1/n2)) with the pooled share p̂."""
    if recent_total <= 0 or baseline_total <= 0:
        return ProportionTest(0.0, 1.0)
    p1, p2 = recent / recent_total, baseline / baseline_total
    pooled = (recent + baseline) / (recent_total + baseline_total)
    variance = pooled * (1 - pooled) * (1 / recent_total + 1 / baseline_total)
    if variance <= 0:
        return ProportionTest(0.0, 1.0)
    z = (p1 - p2) / math.sqrt(variance)
    return ProportionTest(z, 0.5 * math.erfc(z / math.sqrt(2)))


def wilson_interval(successes: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of a proportion; (0, 1) when nothing was counted."""
    if total <= 0:
        return (0.0, 1.0)
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))
