"""Significance tests and corrections against reference values worked out by hand (and
Student's t table)."""

from __future__ import annotations

import math

import pytest

from clearloop.analytics import significance as s


def test_two_proportion_z_test_reference() -> None:
    # 45/100 vs 30/100: pooled 0.375, SE = sqrt(0.375 * 0.625 * 0.02) = 0.0684653
    result = s.two_proportion_z_test(45, 100, 30, 100)
    assert result is not None
    assert result.statistic == pytest.approx(0.15 / 0.0684653, rel=1e-5)
    assert result.p_value == pytest.approx(0.028459, abs=2e-5)
    assert result.significant()


def test_two_proportion_z_test_without_variation_or_answers_is_no_test() -> None:
    assert s.two_proportion_z_test(10, 10, 5, 5) is None
    assert s.two_proportion_z_test(0, 0, 5, 10) is None


@pytest.mark.parametrize(
    ("t", "df", "p"),
    [(2.228139, 10, 0.05), (2.042272, 30, 0.05), (1.0, 1, 0.5), (12.7062, 1, 0.05), (0.0, 5, 1.0)],
)
def test_t_distribution_matches_the_table(t: float, df: int, p: float) -> None:
    assert s.t_two_sided_p(t, df) == pytest.approx(p, abs=1e-4)


def test_welch_reference() -> None:
    # [1..5] (mean 3, variance 2.5) vs [2, 4, …, 10] (mean 6, variance 10)
    result = s.welch_t_test(5, 3.0, 2.5, 5, 6.0, 10.0)
    assert result is not None
    assert result.statistic == pytest.approx(-3 / math.sqrt(2.5))
    degrees = 2.5**2 / (0.5**2 / 4 + 2.0**2 / 4)
    assert degrees == pytest.approx(5.882353, rel=1e-6)
    assert result.p_value == pytest.approx(s.t_two_sided_p(3 / math.sqrt(2.5), degrees))
    assert 0.10 < result.p_value < 0.12
    moments = s.welch_from_moments((5, 15.0, 55.0), (5, 30.0, 220.0))
    assert moments is not None
    assert moments.p_value == pytest.approx(result.p_value)
    assert s.welch_t_test(1, 3.0, 0.0, 5, 6.0, 10.0) is None


def test_nps_bootstrap_separates_far_scores_and_not_equal_ones() -> None:
    same = s.nps_bootstrap_test((50, 30, 20), (50, 30, 20))
    far = s.nps_bootstrap_test((80, 10, 10), (10, 10, 80))
    assert same is not None and far is not None
    assert same.p_value > 0.9
    assert far.p_value < 0.001
    assert far.test == "multinomial bootstrap"
    assert s.nps_bootstrap_test((50, 30, 20), (50, 30, 20)) == same  # seeded
    assert s.nps_bootstrap_test((0, 0, 0), (1, 0, 0)) is None


def test_holm_and_benjamini_hochberg_reference() -> None:
    assert s.holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert s.benjamini_hochberg([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.04, 0.04])
    assert s.holm([]) == []
    assert s.holm([0.6, 0.9]) == pytest.approx([1.0, 1.0])
