"""Where a goal's figure is heading: a weighted straight line through its daily figures,
extended to the deadline, with the uncertainty of that line, and the probability that
the figure reaches the target.

Weighted least squares: each day weighs by `weight` — the number of answers behind it, which
is its inverse sampling variance up to a constant, so days with more answers count more.
The line's uncertainty at a day x0 is s²·(1/Σw + (x0 - x̄)²/Sxx), where s² is the
weighted residual variance on m - 2 degrees of freedom, so a series that scatters more
than its sampling errors say widens the forecast. The probability uses the normal
approximation (documented, so it can switch to Student's t with `analytics.significance`).

Pure Python: numbers in, numbers out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from clearloop.analytics.metrics import Z_95

# Thresholds of the goal board's status: the chance of reaching the target.
ON_TRACK_PROBABILITY = 0.7
AT_RISK_PROBABILITY = 0.3


class Outlook(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    UNKNOWN = "unknown"  # too few days to draw a line


@dataclass(frozen=True)
class Point:
    x: float  # days since some origin
    y: float
    weight: float = 1.0


@dataclass(frozen=True)
class Line:
    intercept: float
    slope: float  # per day
    mean_x: float
    weight_total: float
    sxx: float
    residual_variance: float
    points: int

    def at(self, x: float) -> float:
        return self.intercept + self.slope * x

    def standard_error_at(self, x: float) -> float:
        return math.sqrt(
            self.residual_variance * (1 / self.weight_total + (x - self.mean_x) ** 2 / self.sxx)
        )


@dataclass(frozen=True)
class Forecast:
    value: float
    standard_error: float
    low: float
    high: float
    slope_per_day: float


def normal_cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / math.sqrt(2))


def fit_line(points: Sequence[Point]) -> Line | None:
    """The weighted least-squares line, or None with fewer than three points or all on
    one day (no slope, or no residual variance to measure its uncertainty)."""
    if len(points) < 3 or sum(p.weight for p in points) <= 0:
        return None
    weights = [max(0.0, p.weight) for p in points]
    total = sum(weights)
    mean_x = sum(w * p.x for w, p in zip(weights, points, strict=True)) / total
    mean_y = sum(w * p.y for w, p in zip(weights, points, strict=True)) / total
    sxx = sum(w * (p.x - mean_x) ** 2 for w, p in zip(weights, points, strict=True))
    if sxx <= 0:
        return None
    sxy = sum(w * (p.x - mean_x) * (p.y - mean_y) for w, p in zip(weights, points, strict=True))
    slope = sxy / sxx
    intercept = mean_y - slope * mean_x
    residuals = sum(
        w * (p.y - intercept - slope * p.x) ** 2 for w, p in zip(weights, points, strict=True)
    )
    return Line(intercept, slope, mean_x, total, sxx, residuals / (len(points) - 2), len(points))


def forecast_at(points: Sequence[Point], x: float) -> Forecast | None:
    """The trend's value at `x` with its standard error and 95% interval."""
    line = fit_line(points)
    if line is None:
        return None
    value, error = line.at(x), line.standard_error_at(x)
    return Forecast(value, error, value - Z_95 * error, value + Z_95 * error, line.slope)


def probability_of_reaching(
    forecast: Forecast, *, target: float, lower_is_better: bool = False
) -> float:
    """P(figure at the deadline is at or beyond `target`), normal approximation."""
    if forecast.standard_error <= 0:
        reached = forecast.value <= target if lower_is_better else forecast.value >= target
        return 1.0 if reached else 0.0
    z = (forecast.value - target) / forecast.standard_error
    return normal_cdf(-z if lower_is_better else z)


def outlook(probability: float | None) -> Outlook:
    if probability is None:
        return Outlook.UNKNOWN
    if probability >= ON_TRACK_PROBABILITY:
        return Outlook.ON_TRACK
    if probability >= AT_RISK_PROBABILITY:
        return Outlook.AT_RISK
    return Outlook.OFF_TRACK
