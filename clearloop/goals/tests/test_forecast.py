"""The trend line and its uncertainty against hand-computed ordinary least squares
(the same figures R's `predict(lm(y ~ x), se.fit = TRUE)` gives)."""

from __future__ import annotations

import math

import pytest

from clearloop.goals.forecast import (
    Outlook,
    Point,
    fit_line,
    forecast_at,
    outlook,
    probability_of_reaching,
)

# x = 0..3, y = 1, 3, 2, 5: slope 1.1, intercept 1.1, residual SS 2.7 on 2 df (s² = 1.35).
POINTS = [Point(0, 1), Point(1, 3), Point(2, 2), Point(3, 5)]


def test_line_matches_ordinary_least_squares_reference() -> None:
    line = fit_line(POINTS)
    assert line is not None
    assert line.slope == pytest.approx(1.1)
    assert line.intercept == pytest.approx(1.1)
    assert line.residual_variance == pytest.approx(1.35)


def test_forecast_standard_error_matches_reference() -> None:
    # se.fit at x0 = 5: sqrt(1.35 * (1/4 + 3.5²/5)) = sqrt(3.645)
    result = forecast_at(POINTS, 5)
    assert result is not None
    assert result.value == pytest.approx(6.6)
    assert result.standard_error == pytest.approx(math.sqrt(3.645))
    assert result.low == pytest.approx(6.6 - 1.959964 * math.sqrt(3.645), rel=1e-6)


def test_weights_count_like_repeated_days() -> None:
    weighted = fit_line([Point(0, 1, 2), Point(1, 3), Point(2, 2), Point(3, 5, 3)])
    repeated = fit_line([Point(0, 1), Point(0, 1), Point(1, 3), Point(2, 2), *[Point(3, 5)] * 3])
    assert weighted is not None and repeated is not None
    assert weighted.slope == pytest.approx(repeated.slope)
    assert weighted.intercept == pytest.approx(repeated.intercept)


def test_too_few_points_or_one_day_draw_no_line() -> None:
    assert fit_line(POINTS[:2]) is None
    assert fit_line([Point(1, 1), Point(1, 2), Point(1, 3)]) is None


def test_probability_and_outlook() -> None:
    result = forecast_at(POINTS, 5)
    assert result is not None
    # Target at the forecast itself: even odds.
    assert probability_of_reaching(result, target=6.6) == pytest.approx(0.5)
    high = probability_of_reaching(result, target=6.6 - 1.959964 * result.standard_error)
    assert high == pytest.approx(0.975, abs=1e-4)
    lower_better = probability_of_reaching(result, target=6.6, lower_is_better=True)
    assert lower_better == pytest.approx(0.5)
    assert outlook(0.9) is Outlook.ON_TRACK
    assert outlook(0.5) is Outlook.AT_RISK
    assert outlook(0.1) is Outlook.OFF_TRACK
    assert outlook(None) is Outlook.UNKNOWN
