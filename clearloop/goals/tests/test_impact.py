"""Before/after and difference-in-differences against reference values."""

from __future__ import annotations

import math

import pytest

from clearloop.analytics.metrics import nps, top_box_share
from clearloop.goals.impact import before_after, change_from, difference_in_differences, explain


def test_two_proportion_change_matches_unpooled_z_test() -> None:
    # CSAT 60/100 before, 75/100 after: z = 0.15 / sqrt(.6·.4/100 + .75·.25/100) = 2.2942,
    # two-sided p = 0.02178 (unpooled two-proportion z-test).
    change = before_after(top_box_share(60, 100), top_box_share(75, 100))
    assert change is not None
    assert change.difference == pytest.approx(15.0)
    assert change.z == pytest.approx(2.2942, abs=1e-4)
    assert change.p_value == pytest.approx(0.02178, abs=1e-5)
    assert change.significant


def test_z_of_1_96_is_p_of_0_05() -> None:
    change = change_from(1.959964, 1.0)
    assert change.p_value == pytest.approx(0.05, abs=1e-6)
    assert change.low == pytest.approx(0.0, abs=1e-6)


def test_difference_in_differences_reference() -> None:
    # Treated NPS 20 → 35, control 22 → 27: DiD = 15 - 5 = 10, with the four standard
    # errors added in quadrature.
    treated_before, treated_after = nps(40, 40, 20, minimum_n=1), nps(50, 35, 15, minimum_n=1)
    control_before, control_after = nps(42, 38, 20, minimum_n=1), nps(45, 37, 18, minimum_n=1)
    did = difference_in_differences(treated_before, treated_after, control_before, control_after)
    assert did is not None
    assert did.difference == pytest.approx(10.0)
    errors = [
        e.standard_error for e in (treated_before, treated_after, control_before, control_after)
    ]
    assert did.standard_error == pytest.approx(math.sqrt(sum(e * e for e in errors if e)))


def test_missing_periods_give_no_change_and_say_so() -> None:
    assert before_after(nps(0, 0, 0), nps(5, 5, 5)) is None
    assert "not enough" in explain(None)


def test_explanation_names_direction_and_chance() -> None:
    better = change_from(10, 2)
    assert "improved" in explain(better)
    assert "worse" in explain(better, lower_is_better=True)
    assert "could be chance" in explain(change_from(1, 2))
    assert "phone" in explain(better, against="phone")
