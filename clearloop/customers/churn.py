"""Churn risk: a 0-100 score per customer that a person can check by hand.

Pure arithmetic over a customer's few figures (counted in the database by
`clearloop.customers.features`): numbers in, a score, a band and the reasons out. No
database, no model; the only Django import is gettext, for the reasons in words.

The score is the sum of five capped components; the weights are the maximum points of each
and add up to 100, so every point on the page traces back to one sentence:

- recency, up to 35: nothing while the last purchase is within the usual gap between
  purchases (the customer's own average gap, else the organization's median), rising
  linearly to 35 at three times that gap;
- NPS, up to 25: the latest NPS answer of the last 180 days: detractor 20 (+5 with two or
  more detractor answers in that window), passive 7, promoter 0;
- negative feedback, up to 20: 20 times the share of the customer's analysed feedback of
  the last 180 days that text analysis found negative;
- open cases, up to 10: 5 per open case;
- churn intent, 10: text analysis found churn intent ("I'm cancelling") in feedback of the
  last 180 days.

Bands: high from 50 points, medium from 20, low below. A rules-based score was chosen over a
fitted model because most organizations have no labelled churn to fit on, and because a
support agent must be able to read why a customer is flagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, ngettext

RECENT_DAYS = 180

RECENCY_POINTS = 35.0
NPS_POINTS = 25.0
NEGATIVE_FEEDBACK_POINTS = 20.0
OPEN_CASE_POINTS = 10.0
CHURN_INTENT_POINTS = 10.0

# Recency: points start once the usual gap is passed and are full at this many gaps.
FULL_RECENCY_AT_GAPS = 3.0
DETRACTOR_POINTS = 20.0
REPEATED_DETRACTOR_POINTS = 5.0
PASSIVE_POINTS = 7.0
POINTS_PER_OPEN_CASE = 5.0

HIGH_FROM = 50
MEDIUM_FROM = 20

# When an organization has too few repeat buyers to tell its usual gap.
DEFAULT_GAP_DAYS = 90.0


class Band:
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    ALL = ("low", "medium", "high")


@dataclass(frozen=True)
class ChurnInputs:
    """One customer's figures. `typical_gap_days` is the gap the recency is compared with;
    `gap_is_own` says whether it is the customer's own average gap (two or more orders)
    or the organization's median."""

    days_since_last_order: float | None = None
    typical_gap_days: float = DEFAULT_GAP_DAYS
    gap_is_own: bool = False
    latest_nps: int | None = None  # the latest answer within RECENT_DAYS
    detractor_answers: int = 0  # within RECENT_DAYS
    analysed_feedback: int = 0  # within RECENT_DAYS
    negative_feedback: int = 0  # within RECENT_DAYS
    open_cases: int = 0
    churn_intent_items: int = 0  # within RECENT_DAYS


@dataclass(frozen=True)
class Reason:
    """One component's contribution: `code` names the situation, `values` fill its sentence."""

    component: str
    points: float
    code: str
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return reason_text(self)


@dataclass(frozen=True)
class ChurnRisk:
    score: int
    band: str
    reasons: tuple[Reason, ...]

    @property
    def contributing(self) -> tuple[Reason, ...]:
        """The reasons that added points, largest first (what the page lists)."""
        return tuple(sorted((r for r in self.reasons if r.points > 0), key=lambda r: -r.points))


def band_for(score: float) -> str:
    if score >= HIGH_FROM:
        return Band.HIGH
    if score >= MEDIUM_FROM:
        return Band.MEDIUM
    return Band.LOW


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def recency_reason(inputs: ChurnInputs) -> Reason:
    days = inputs.days_since_last_order
    if days is None:
        return Reason("recency", 0.0, "no_orders")
    gap = max(inputs.typical_gap_days, 1.0)
    gaps = days / gap
    points = RECENCY_POINTS * _clamp((gaps - 1) / (FULL_RECENCY_AT_GAPS - 1), 0.0, 1.0)
    values = {"days": round(days), "gap": round(gap), "ratio": round(gaps, 1)}
    code = "overdue" if points > 0 else "within_gap"
    return Reason("recency", points, f"{code}_{'own' if inputs.gap_is_own else 'usual'}", values)


def nps_reason(inputs: ChurnInputs) -> Reason:
    score = inputs.latest_nps
    values = {"score": score, "detractor_answers": inputs.detractor_answers, "days": RECENT_DAYS}
    if score is None:
        return Reason("nps", 0.0, "no_nps", values)
    if score <= 6:
        repeated = inputs.detractor_answers >= 2
        points = DETRACTOR_POINTS + (REPEATED_DETRACTOR_POINTS if repeated else 0.0)
        return Reason("nps", points, "detractors" if repeated else "detractor", values)
    if score <= 8:
        return Reason("nps", PASSIVE_POINTS, "passive", values)
    return Reason("nps", 0.0, "promoter", values)


def negative_feedback_reason(inputs: ChurnInputs) -> Reason:
    analysed, negative = (
        inputs.analysed_feedback,
        min(inputs.negative_feedback, inputs.analysed_feedback),
    )
    values = {"negative": negative, "analysed": analysed, "days": RECENT_DAYS}
    if analysed == 0:
        return Reason("negative_feedback", 0.0, "no_feedback", values)
    share = negative / analysed
    values["percent"] = round(100 * share)
    return Reason("negative_feedback", NEGATIVE_FEEDBACK_POINTS * share, "negative_share", values)


def open_cases_reason(inputs: ChurnInputs) -> Reason:
    points = min(OPEN_CASE_POINTS, POINTS_PER_OPEN_CASE * max(inputs.open_cases, 0))
    code = "open_cases" if inputs.open_cases > 0 else "no_open_cases"
    return Reason("open_cases", points, code, {"count": inputs.open_cases})


def churn_intent_reason(inputs: ChurnInputs) -> Reason:
    values = {"count": inputs.churn_intent_items, "days": RECENT_DAYS}
    if inputs.churn_intent_items > 0:
        return Reason("churn_intent", CHURN_INTENT_POINTS, "churn_intent", values)
    return Reason("churn_intent", 0.0, "no_churn_intent", values)


def churn_risk(inputs: ChurnInputs) -> ChurnRisk:
    """The score (0-100, rounded), its band and every component's reason."""
    reasons = (
        recency_reason(inputs),
        nps_reason(inputs),
        negative_feedback_reason(inputs),
        open_cases_reason(inputs),
        churn_intent_reason(inputs),
    )
    score = round(_clamp(sum(r.points for r in reasons), 0.0, 100.0))
    return ChurnRisk(score=score, band=band_for(score), reasons=reasons)


def typical_gap(own_gaps: list[float]) -> float:
    """The organization's usual gap between two purchases: the median of its repeat
    buyers' own average gaps (the median, so a few yearly buyers do not stretch it)."""
    gaps = sorted(g for g in own_gaps if g > 0)
    if not gaps:
        return DEFAULT_GAP_DAYS
    middle = len(gaps) // 2
    return gaps[middle] if len(gaps) % 2 else (gaps[middle - 1] + gaps[middle]) / 2


def _recency_text(code: str, v: dict[str, Any]) -> str:
    texts = {
        "no_orders": gettext("No purchase recorded, so recency adds nothing."),
        "within_gap_own": gettext(
            "Last purchase %(days)s days ago, within their usual gap of %(gap)s days."
        ),
        "within_gap_usual": gettext(
            "Last purchase %(days)s days ago, within the usual gap of %(gap)s days between "
            "purchases."
        ),
        "overdue_own": gettext(
            "No purchase for %(days)s days: %(ratio)s times their own usual gap of %(gap)s days."
        ),
        "overdue_usual": gettext(
            "No purchase for %(days)s days: %(ratio)s times the usual gap of %(gap)s days between "
            "purchases."
        ),
    }
    return texts[code] % v


def _nps_text(code: str, v: dict[str, Any]) -> str:
    texts = {
        "no_nps": gettext("No NPS answer in the last %(days)s days."),
        "detractor": gettext("Latest NPS answer is %(score)s: a detractor."),
        "detractors": gettext(
            "Latest NPS answer is %(score)s: a detractor, with %(detractor_answers)s detractor "
            "answers in the last %(days)s days."
        ),
        "passive": gettext("Latest NPS answer is %(score)s: a passive."),
        "promoter": gettext("Latest NPS answer is %(score)s: a promoter."),
    }
    return texts[code] % v


def reason_text(reason: Reason) -> str:
    """The reason in words, in the active language."""
    v = reason.values
    if reason.component == "recency":
        return _recency_text(reason.code, v)
    if reason.component == "nps":
        return _nps_text(reason.code, v)
    if reason.code == "no_feedback":
        return gettext("No analysed feedback in the last %(days)s days.") % v
    if reason.code == "negative_share":
        return (
            ngettext(
                "%(negative)s of %(analysed)s feedback item in the last %(days)s days was "
                "negative (%(percent)s%%).",
                "%(negative)s of %(analysed)s feedback items in the last %(days)s days were "
                "negative (%(percent)s%%).",
                v["analysed"],
            )
            % v
        )
    if reason.code == "open_cases":
        return ngettext("%(count)s open case.", "%(count)s open cases.", v["count"]) % v
    if reason.code == "no_open_cases":
        return gettext("No open case.")
    if reason.code == "churn_intent":
        return (
            ngettext(
                "Said they may leave (churn intent) in %(count)s feedback item.",
                "Said they may leave (churn intent) in %(count)s feedback items.",
                v["count"],
            )
            % v
        )
    return gettext("No churn intent found in feedback of the last %(days)s days.") % v
