"""Did an action move the number? Before vs after, and a difference-in-differences
against a comparable segment the action did not touch.

Both compare `Estimate`s (`clearloop.analytics.metrics`) that carry their standard errors,
so they apply to every metric: an NPS, a share, a mean. The test is the normal (Wald)
approximation on independent periods — z = difference / sqrt(Σ se²) — which is what the
two-proportion z-test (unpooled) and Welch's t reduce to at the sample sizes a goal needs.
It is used rather than `clearloop.analytics.significance`'s per-metric tests because it
takes any two estimates and extends to four (difference-in-differences), where the
bootstrap and Welch's degrees of freedom have no closed form. Difference-in-differences
assumes the comparison segment would have moved like the treated one without the action
(parallel trends), and says so.

Pure Python: numbers in, numbers out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

from clearloop.analytics.metrics import Z_95, Estimate
from clearloop.analytics.significance import normal_two_sided_p

SIGNIFICANCE_LEVEL = 0.05


@dataclass(frozen=True)
class Change:
    difference: float
    standard_error: float
    low: float
    high: float
    z: float
    p_value: float

    @property
    def significant(self) -> bool:
        return self.p_value < SIGNIFICANCE_LEVEL


def change_from(difference: float, standard_error: float) -> Change:
    """A difference with its normal 95% interval and two-sided p-value."""
    if standard_error <= 0:
        p_value = 1.0 if difference == 0 else 0.0
        z = 0.0 if difference == 0 else math.copysign(math.inf, difference)
    else:
        z = difference / standard_error
        p_value = normal_two_sided_p(z)
    return Change(
        difference=difference,
        standard_error=standard_error,
        low=difference - Z_95 * standard_error,
        high=difference + Z_95 * standard_error,
        z=z,
        p_value=p_value,
    )


def _usable(*estimates: Estimate) -> bool:
    return all(e.value is not None and e.standard_error is not None for e in estimates)


def before_after(before: Estimate, after: Estimate) -> Change | None:
    """after - before, or None when either period has no figure with an error."""
    if not _usable(before, after):
        return None
    assert before.value is not None and after.value is not None
    assert before.standard_error is not None and after.standard_error is not None
    return change_from(
        after.value - before.value, math.hypot(before.standard_error, after.standard_error)
    )


def difference_in_differences(
    treated_before: Estimate,
    treated_after: Estimate,
    control_before: Estimate,
    control_after: Estimate,
) -> Change | None:
    """(treated after - before) - (control after - before): the change the action made
    beyond what happened anyway, with the four periods' errors combined."""
    treated = before_after(treated_before, treated_after)
    control = before_after(control_before, control_after)
    if treated is None or control is None:
        return None
    return change_from(
        treated.difference - control.difference,
        math.hypot(treated.standard_error, control.standard_error),
    )


def explain(change: Change | None, *, lower_is_better: bool = False, against: str = "") -> str:
    """One or two plain sentences a manager can act on."""
    if change is None:
        return _("There are not enough answers before and after the start to compare.")
    improved = change.difference < 0 if lower_is_better else change.difference > 0
    size = f"{abs(change.difference):.1f}"
    interval = f"{change.low:+.1f} … {change.high:+.1f}"
    if not change.significant:
        text = _(
            "No clear change: the difference of %(size)s could be chance "
            "(95%% interval %(interval)s, p = %(p).2f)."
        ) % {"size": size, "interval": interval, "p": change.p_value}
    elif improved:
        text = _(
            "The figure improved by %(size)s, more than chance explains "
            "(95%% interval %(interval)s, p = %(p).3f)."
        ) % {"size": size, "interval": interval, "p": change.p_value}
    else:
        text = _(
            "The figure got worse by %(size)s, more than chance explains "
            "(95%% interval %(interval)s, p = %(p).3f)."
        ) % {"size": size, "interval": interval, "p": change.p_value}
    if against:
        text += " " + _(
            "This is beyond what %(segment)s, which the action did not touch, did over the "
            "same time; it assumes both would otherwise have moved alike."
        ) % {"segment": against}
    return text
