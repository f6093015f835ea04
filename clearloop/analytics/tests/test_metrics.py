"""The metric definitions of DESIGN.md, checked against values worked out by hand."""

from __future__ import annotations

import math

import pytest

from clearloop.analytics.metrics import (
    MINIMUM_N,
    Estimate,
    mean_estimate,
    moments,
    nps,
    response_rate,
    t_quantile_975,
    top_box_share,
)


def test_nps_of_50_promoters_30_passives_20_detractors():
    """n = 100, p+ = 0.5, p- = 0.2 → NPS = 100·(0.5 - 0.2) = 30.
    SE = 100·sqrt((0.5 + 0.2 - 0.3²)/100) = 100·sqrt(0.61/100) = 100·0.078102 = 7.8102.
    95% interval = 30 ± 1.959964·7.8102 = 30 ± 15.3078 → 14.692 to 45.308."""
    estimate = nps(50, 30, 20)

    assert estimate.value == pytest.approx(30.0)
    assert estimate.n == 100
    assert estimate.standard_error == pytest.approx(7.8102, abs=1e-4)
    assert estimate.low == pytest.approx(14.692, abs=1e-3)
    assert estimate.high == pytest.approx(45.308, abs=1e-3)
    assert estimate.enough


def test_nps_of_more_detractors_than_promoters_is_negative():
    """10 promoters, 10 passives, 20 detractors: n = 40, p+ = 0.25, p- = 0.5 →
    NPS = -25; SE = 100·sqrt((0.75 - 0.0625)/40) = 100·sqrt(0.0171875) = 13.110;
    interval -25 ± 25.695 → -50.695 to 0.695."""
    estimate = nps(10, 10, 20)

    assert estimate.value == pytest.approx(-25.0)
    assert estimate.standard_error == pytest.approx(13.110, abs=1e-3)
    assert estimate.low == pytest.approx(-50.695, abs=1e-3)
    assert estimate.high == pytest.approx(0.695, abs=1e-3)


def test_nps_interval_is_clamped_to_the_scale():
    """29 promoters, 1 detractor: NPS = 100·28/30 = 93.33; SE = 100·sqrt((1 - (28/30)²)/30)
    = 100·sqrt(0.128889/30) = 6.5546; the upper end 93.33 + 12.85 would pass 100."""
    estimate = nps(29, 0, 1)

    assert estimate.value == pytest.approx(93.333, abs=1e-3)
    assert estimate.standard_error == pytest.approx(6.5546, abs=1e-4)
    assert estimate.high == 100.0
    assert estimate.low == pytest.approx(93.333 - 12.847, abs=1e-2)


def test_nps_of_all_promoters_is_100_with_no_spread():
    estimate = nps(40, 0, 0)

    assert (estimate.value, estimate.low, estimate.high) == (100.0, 100.0, 100.0)
    assert estimate.standard_error == 0.0


def test_nps_of_no_answers_has_no_value():
    assert nps(0, 0, 0) == Estimate(None, 0, None, None, None, enough=False)


def test_nps_refuses_negative_counts():
    with pytest.raises(ValueError, match="negative"):
        nps(-1, 0, 3)


def test_enough_follows_the_threshold_which_callers_may_change():
    assert MINIMUM_N == 30
    assert not nps(10, 10, 9).enough
    assert nps(10, 10, 10).enough
    assert nps(5, 0, 5, minimum_n=10).enough
    assert not top_box_share(5, 9, minimum_n=10).enough


def test_csat_top_two_share_with_wilson_interval():
    """80 of 100 in the top two boxes: p = 0.8, z² = 3.841459.
    centre = (0.8 + 3.841459/200)/(1 + 3.841459/100) = 0.819207/1.038415 = 0.788902;
    half = 1.959964·sqrt(0.8·0.2/100 + 3.841459/40000)/1.038415
         = 1.959964·sqrt(0.0016960)/1.038415 = 0.077731;
    interval 71.117% to 86.663%."""
    estimate = top_box_share(80, 100)

    assert estimate.value == pytest.approx(80.0)
    assert estimate.low == pytest.approx(71.117, abs=1e-3)
    assert estimate.high == pytest.approx(86.663, abs=1e-3)


def test_top_box_share_of_none_and_of_all_stays_inside_0_and_100():
    """0 of 10: Wilson gives 0% to z²/(n + z²) = 3.8415/13.8415 = 27.753%."""
    none = top_box_share(0, 10)
    every = top_box_share(10, 10)

    assert (none.value, none.low) == (0.0, 0.0)
    assert none.high == pytest.approx(27.753, abs=1e-3)
    assert every.value == 100.0
    assert every.low == pytest.approx(100 - 27.753, abs=1e-3)
    assert every.high == pytest.approx(100.0)


def test_top_box_share_refuses_more_top_answers_than_answers():
    with pytest.raises(ValueError, match="cannot come from"):
        top_box_share(11, 10)


def test_top_box_share_of_no_answers_has_no_value():
    assert top_box_share(0, 0).value is None


def test_mean_with_t_interval_for_five_answers():
    """Answers 2, 3, 4, 5, 6: n = 5, sum = 20, sum of squares = 90 → mean 4;
    variance = (90 - 20²/5)/4 = 10/4 = 2.5; SE = sqrt(2.5/5) = 0.70711;
    t(0.975, 4 df) = 2.7764 → 4 ± 1.96322 → 2.0368 to 5.9632."""
    estimate = mean_estimate(5, 20, 90)

    assert estimate.value == pytest.approx(4.0)
    assert estimate.standard_error == pytest.approx(0.70711, abs=1e-5)
    assert estimate.low == pytest.approx(2.0368, abs=1e-4)
    assert estimate.high == pytest.approx(5.9632, abs=1e-4)


def test_mean_of_one_answer_has_no_interval_and_of_none_no_value():
    one = mean_estimate(1, 4, 16)

    assert one.value == 4.0
    assert not one.has_interval
    assert mean_estimate(0, 0, 0).value is None


def test_mean_of_identical_answers_has_a_zero_width_interval():
    estimate = mean_estimate(3, 0.3, 0.03)  # 0.1 three times; rounding must not go negative

    assert estimate.low == pytest.approx(0.1)
    assert estimate.high == pytest.approx(0.1)


def test_moments_turn_a_distribution_into_n_sum_and_sum_of_squares():
    """{1: 2, 5: 3}: n = 5, sum = 2 + 15 = 17, squares = 2 + 75 = 77."""
    assert moments({1: 2, 5: 3}) == (5, 17.0, 77.0)


@pytest.mark.parametrize(
    ("degrees", "expected"),
    # Reference quantiles of Student's t at 0.975 (statistical tables).
    [(1, 12.7062), (4, 2.7764), (30, 2.0423), (31, 2.0395), (40, 2.0211), (60, 2.0003),
     (120, 1.9799), (1000, 1.9623)],
)  # fmt: skip
def test_t_quantile_matches_the_tables(degrees, expected):
    assert t_quantile_975(degrees) == pytest.approx(expected, abs=1e-4)


def test_t_quantile_approaches_the_normal_quantile_and_needs_a_degree_of_freedom():
    assert math.isclose(t_quantile_975(10**7), 1.959964, abs_tol=1e-5)
    with pytest.raises(ValueError):
        t_quantile_975(0)


def test_response_rate_is_completed_over_delivered():
    """45 of 150 delivered: 30%."""
    estimate = response_rate(45, 150)

    assert estimate.value == pytest.approx(30.0)
    assert estimate.n == 150
    assert estimate.low is not None and estimate.high is not None
    assert estimate.low < 30 < estimate.high
    assert response_rate(0, 0).value is None
    with pytest.raises(ValueError, match="delivered"):
        response_rate(5, 4)
