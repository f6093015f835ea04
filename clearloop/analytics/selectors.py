"""Reads of analytics: every figure of the dashboards and the API, with n and its interval.

A figure is counted in the database, once, into a small table of *counts* (n, sum, sum of
squares, and the number of answers per score 0…10) per group; `metrics` and
`significance` turn those counts into estimates and tests. The counts come from the
rollups (`ScoreRollup`, ADR 0014) whenever the filters and the breakdown together need at
most one of the maintained grains, otherwise from a GROUP BY over the raw answers (hidden
fields, saved customer segments, products, or three dimensions at once). Both sources give
the same counts; tests hold them to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    TextField,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Trunc
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from clearloop.accounts.models import Organization, Team, User
from clearloop.analytics import drivers, metrics, significance
from clearloop.analytics.metrics import Estimate
from clearloop.analytics.models import SCORE_VALUES, AnalyticsSettings, ScoreRollup
from clearloop.analytics.rollups import (
    DIMENSIONS,
    GRAIN_NAMES,
    PAIR_GRAIN_NAMES,
    PAIR_KINDS,
    day_bounds,
    dimension_expression,
    grain_name,
    organization_zone,
)
from clearloop.core.errors import ValidationFailed
from clearloop.customers.models import Interaction, Order, Segment
from clearloop.surveys.models import (
    Answer,
    InvitationStatus,
    Language,
    QuestionKind,
    ResponseChannel,
    SurveyInvitation,
)

PERIODS = ("day", "week", "month", "quarter")
COUNT_FIELDS = ("n", "total", "squares", *(f"c{value}" for value in SCORE_VALUES))
ID_DIMENSIONS = ("agent", "team")
NONE_VALUE = "none"  # the filter value for "no agent" / "no team" / "no region"


@dataclass(frozen=True)
class MetricSpec:
    key: str
    label: str | Promise
    kind: str  # the question kind it reads ("" : any numeric question, by key)
    style: str  # "score" (NPS), "percent" or "mean"
    top: tuple[int, int] | None = None  # the boxes a share counts


METRICS: dict[str, MetricSpec] = {
    spec.key: spec
    for spec in (
        MetricSpec("nps", _("NPS"), QuestionKind.NPS, "score"),
        MetricSpec("csat", _("CSAT (4-5)"), QuestionKind.CSAT, "percent", (4, 5)),
        MetricSpec("csat_mean", _("CSAT mean"), QuestionKind.CSAT, "mean"),
        MetricSpec("ces", _("CES mean"), QuestionKind.CES, "mean"),
        MetricSpec("ces_easy", _("CES easy (5-7)"), QuestionKind.CES, "percent", (5, 7)),
        MetricSpec("mean", _("Mean rating"), "", "mean"),
    )
}
DIMENSION_LABELS: dict[str, str | Promise] = {
    "channel": _("Channel"),
    "language": _("Language"),
    "region": _("Region"),
    "segment": _("Customer segment"),
    "agent": _("Agent"),
    "team": _("Team"),
}


# --- Filters -------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricFilters:
    """What a figure is narrowed to. Dates are days in the organization's time zone, both
    ends included (a response's day is the day it was completed). `dimensions` holds
    equality filters on `DIMENSIONS` (agent and team by id; "none" for blank)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    survey_id: int | None = None
    question_key: str = ""
    row: str = ""
    dimensions: tuple[tuple[str, str], ...] = ()
    product: str = ""
    saved_segment_id: int | None = None
    hidden_key: str = ""
    hidden_value: str = ""

    @property
    def dimension_filters(self) -> dict[str, str]:
        return dict(self.dimensions)

    def with_dimension(self, dimension: str, value: str) -> MetricFilters:
        values = {**self.dimension_filters, dimension: value}
        return replace(self, dimensions=tuple(sorted(values.items())))

    def needs_raw(self) -> bool:
        return bool(self.product or self.saved_segment_id or self.hidden_key)

    def previous_period(self) -> MetricFilters | None:
        """The same filters over the equally long period just before, or None without
        both dates."""
        if self.date_from is None or self.date_to is None:
            return None
        length = self.date_to - self.date_from + dt.timedelta(days=1)
        return replace(
            self, date_from=self.date_from - length, date_to=self.date_from - dt.timedelta(days=1)
        )


def analytics_settings(*, organization: Organization) -> AnalyticsSettings:
    """The organization's settings, unsaved defaults when it never changed them."""
    found = AnalyticsSettings.objects.for_organization(organization).first()
    return found or AnalyticsSettings(organization=organization)


# --- Counting --------------------------------------------------------------------------


Counts = dict[str, int]


def _zero() -> Counts:
    return dict.fromkeys(COUNT_FIELDS, 0)


def _sum_counts(rows: Iterable[Mapping[str, Any]]) -> Counts:
    total = _zero()
    for row in rows:
        for name in COUNT_FIELDS:
            total[name] += int(row.get(name) or 0)
    return total


def _subtract(whole: Counts, part: Counts) -> Counts:
    return {name: whole[name] - part[name] for name in COUNT_FIELDS}


def _check(spec: MetricSpec, filters: MetricFilters, group: str) -> None:
    if spec.kind == "" and not filters.question_key:
        raise ValidationFailed(
            "The mean rating needs a question: pass question=<key> (and row=<key> for a matrix).",
            fields={"question": ["Required for this metric."]},
        )
    unknown = set(filters.dimension_filters) - set(DIMENSIONS)
    if group and group not in DIMENSIONS and group not in PERIODS:
        unknown.add(group)
    if unknown:
        raise ValidationFailed(
            f"Unknown dimension {sorted(unknown)[0]!r}; use one of {', '.join(DIMENSIONS)}.",
        )


def uses_rollups(filters: MetricFilters, group: str = "", metric: str = "nps") -> bool:
    """Whether one maintained grain holds the figure (ADR 0014); pairs of dimensions only
    for NPS, CSAT and CES."""
    dimensions = set(filters.dimension_filters)
    if group in DIMENSIONS:
        dimensions.add(group)
    grain = grain_name(dimensions)
    if filters.needs_raw() or grain not in GRAIN_NAMES:
        return False
    return grain not in PAIR_GRAIN_NAMES or METRICS[metric].kind in PAIR_KINDS


def _dimension_value(dimension: str, value: str) -> Any:
    if dimension in ID_DIMENSIONS:
        if value == NONE_VALUE:
            return None
        try:
            return int(value)
        except ValueError as error:
            raise ValidationFailed(f"The {dimension} filter takes an id, not {value!r}.") from error
    return "" if value == NONE_VALUE else value


def _rollup_column(dimension: str) -> str:
    return f"{dimension}_id" if dimension in ID_DIMENSIONS else dimension


def _narrow_rollups(
    rows: QuerySet[ScoreRollup], spec: MetricSpec, filters: MetricFilters, every_row: bool = False
) -> QuerySet[ScoreRollup]:
    if filters.question_key:
        rows = rows.filter(question_key=filters.question_key)
        if not every_row:
            rows = rows.filter(row=filters.row)
    else:
        rows = rows.filter(kind=spec.kind, row="")
    if filters.survey_id:
        rows = rows.filter(survey_id=filters.survey_id)
    if filters.date_from:
        rows = rows.filter(day__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(day__lte=filters.date_to)
    for dimension, value in filters.dimensions:
        column, wanted = _rollup_column(dimension), _dimension_value(dimension, value)
        rows = rows.filter(**({f"{column}__isnull": True} if wanted is None else {column: wanted}))
    return rows


def _rollup_rows(
    organization: Organization, spec: MetricSpec, filters: MetricFilters, group: str
) -> QuerySet[ScoreRollup, dict[str, Any]]:
    dimensions = set(filters.dimension_filters) | ({group} & set(DIMENSIONS))
    rows = ScoreRollup.objects.filter(organization=organization, grain=grain_name(dimensions))
    rows = _narrow_rollups(rows, spec, filters)
    sums = {name: Sum(name) for name in COUNT_FIELDS}
    if group in PERIODS:
        return rows.values(group=Trunc("day", group, output_field=DateField())).annotate(**sums)
    if group:
        return rows.values(group=F(_rollup_column(group))).annotate(**sums)
    return rows.aggregate(**sums)  # type: ignore[return-value]


def _raw_answers(
    organization: Organization, spec: MetricSpec, filters: MetricFilters, every_row: bool = False
) -> QuerySet[Answer]:
    answers = scoped_answers(organization, filters)
    if filters.question_key:
        answers = answers.filter(question__key=filters.question_key)
        return answers if every_row else answers.filter(row=filters.row)
    return answers.filter(question__kind=spec.kind, row="")


def scoped_answers(organization: Organization, filters: MetricFilters) -> QuerySet[Answer]:
    """The numeric answers of completed responses under every filter but the question."""
    answers = Answer.objects.for_organization(organization).filter(
        number__isnull=False, response__completed_at__isnull=False
    )
    if filters.survey_id:
        answers = answers.filter(response__survey_id=filters.survey_id)
    zone = organization_zone(organization)
    if filters.date_from:
        answers = answers.filter(response__completed_at__gte=day_bounds(filters.date_from, zone)[0])
    if filters.date_to:
        answers = answers.filter(response__completed_at__lt=day_bounds(filters.date_to, zone)[1])
    for dimension, value in filters.dimensions:
        wanted = _dimension_value(dimension, value)
        alias = f"filter_{dimension}"
        answers = answers.alias(**{alias: dimension_expression(dimension)})
        answers = answers.filter(
            **({f"{alias}__isnull": True} if wanted is None else {alias: wanted})
        )
    if filters.product:
        orders = Order.objects.filter(
            customer=OuterRef("response__customer"), product=filters.product
        )
        answers = answers.filter(Exists(orders))
    if filters.saved_segment_id:
        answers = answers.filter(response__customer__in=_segment_customers(organization, filters))
    if filters.hidden_key:
        # Compared as text: a key from the request never becomes part of a lookup path.
        hidden = Cast(KeyTextTransform(filters.hidden_key, "response__hidden_fields"), TextField())
        answers = answers.alias(hidden_match=hidden).filter(hidden_match=filters.hidden_value)
    return answers


def _segment_customers(organization: Organization, filters: MetricFilters) -> Any:
    from clearloop.customers.selectors import customers_in_segment

    segment = (
        Segment.objects.for_organization(organization).filter(pk=filters.saved_segment_id).first()
    )
    if segment is None:
        raise ValidationFailed(f"No saved segment with id {filters.saved_segment_id}.")
    return customers_in_segment(segment=segment).order_by().values("pk")


def _raw_rows(
    organization: Organization, spec: MetricSpec, filters: MetricFilters, group: str
) -> QuerySet[Answer, dict[str, Any]]:
    answers = _raw_answers(organization, spec, filters)
    aggregates = {
        "n": Count("pk"),
        "total": Sum("number"),
        "squares": Sum(F("number") * F("number")),
        **{f"c{value}": Count("pk", filter=Q(number=value)) for value in SCORE_VALUES},
    }
    if group in PERIODS:
        zone = organization_zone(organization)
        bucket = Trunc("response__completed_at", group, output_field=DateField(), tzinfo=zone)
        return answers.values(group=bucket).annotate(**aggregates).order_by()
    if group:
        return answers.values(group=dimension_expression(group)).annotate(**aggregates).order_by()
    return answers.aggregate(**aggregates)  # type: ignore[return-value]


def metric_counts(
    *, organization: Organization, metric: str, filters: MetricFilters, group: str = ""
) -> dict[Any, Counts]:
    """{group value: counts} for `metric` under `filters` (one query); the single key ""
    without `group`. `group` is a dimension or a period (day, week, month, quarter)."""
    spec = metric_spec(metric)
    _check(spec, filters, group)
    source = _rollup_rows if uses_rollups(filters, group, metric) else _raw_rows
    rows = source(organization, spec, filters, group)
    if not group:
        single = rows if isinstance(rows, dict) else (rows.first() or {})
        return {"": _sum_counts([single])}
    grouped: dict[Any, Counts] = {}
    for row in rows:
        key = row["group"]
        if isinstance(key, dt.datetime):
            key = key.date()
        grouped[key] = _sum_counts([row, grouped.get(key, {})])
    return dict(sorted(grouped.items(), key=lambda item: (item[0] is None, str(item[0]))))


def metric_spec(metric: str) -> MetricSpec:
    if metric not in METRICS:
        raise ValidationFailed(f"Unknown metric {metric!r}; use one of {', '.join(METRICS)}.")
    return METRICS[metric]


# --- Estimates from counts -----------------------------------------------------------


def _between(counts: Counts, low: int, high: int) -> int:
    return sum(counts[f"c{value}"] for value in range(low, high + 1))


def nps_groups(counts: Counts) -> tuple[int, int, int]:
    promoters, detractors = _between(counts, 9, 10), _between(counts, 0, 6)
    return promoters, counts["n"] - promoters - detractors, detractors


def estimate_of(spec: MetricSpec, counts: Counts, minimum_n: int) -> Estimate:
    if spec.style == "score":
        return metrics.nps(*nps_groups(counts), minimum_n=minimum_n)
    if spec.top is not None:
        return metrics.top_box_share(_between(counts, *spec.top), counts["n"], minimum_n=minimum_n)
    return metrics.mean_estimate(
        counts["n"], float(counts["total"]), float(counts["squares"]), minimum_n=minimum_n
    )


def compare(spec: MetricSpec, first: Counts, second: Counts) -> significance.TestResult | None:
    """The test DESIGN.md names for `spec`, of `first` against `second`."""
    if spec.style == "score":
        return significance.nps_bootstrap_test(nps_groups(first), nps_groups(second))
    if spec.top is not None:
        return significance.two_proportion_z_test(
            _between(first, *spec.top), first["n"], _between(second, *spec.top), second["n"]
        )
    return significance.welch_from_moments(
        (first["n"], float(first["total"]), float(first["squares"])),
        (second["n"], float(second["total"]), float(second["squares"])),
    )


# --- Figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """A difference with the test behind it; `significant` only ever comes from `test`."""

    difference: float | None
    test: significance.TestResult | None
    adjusted_p: float | None = None

    @property
    def significant(self) -> bool:
        p_value = (
            self.adjusted_p
            if self.adjusted_p is not None
            else (self.test.p_value if self.test else None)
        )
        return p_value is not None and p_value < significance.ALPHA


@dataclass(frozen=True)
class MetricFigure:
    metric: MetricSpec
    estimate: Estimate
    counts: Counts
    previous: Estimate | None = None
    change: Comparison | None = None


def metric_figure(
    *, organization: Organization, metric: str, filters: MetricFilters, minimum_n: int | None = None
) -> MetricFigure:
    """One figure with its interval and, when the filters have a date range, the change
    from the previous period of the same length with its test. Two queries at most."""
    spec = metric_spec(metric)
    least = (
        minimum_n
        if minimum_n is not None
        else analytics_settings(organization=organization).minimum_n
    )
    counts = metric_counts(organization=organization, metric=metric, filters=filters)[""]
    estimate = estimate_of(spec, counts, least)
    previous_filters = filters.previous_period()
    if previous_filters is None:
        return MetricFigure(spec, estimate, counts)
    before = metric_counts(organization=organization, metric=metric, filters=previous_filters)[""]
    previous = estimate_of(spec, before, least)
    difference = (
        estimate.value - previous.value
        if estimate.value is not None and previous.value is not None
        else None
    )
    return MetricFigure(
        spec, estimate, counts, previous, Comparison(difference, compare(spec, counts, before))
    )


@dataclass(frozen=True)
class TrendPoint:
    period: dt.date
    estimate: Estimate


def metric_trend(
    *,
    organization: Organization,
    metric: str,
    filters: MetricFilters,
    period: str = "week",
    minimum_n: int | None = None,
) -> list[TrendPoint]:
    """The figure per day, week (from Monday), month or quarter in the organization's time
    zone, oldest first, with the interval of each. One query."""
    if period not in PERIODS:
        raise ValidationFailed(f"Unknown period {period!r}; use one of {', '.join(PERIODS)}.")
    spec = metric_spec(metric)
    least = (
        minimum_n
        if minimum_n is not None
        else analytics_settings(organization=organization).minimum_n
    )
    grouped = metric_counts(organization=organization, metric=metric, filters=filters, group=period)
    return [TrendPoint(key, estimate_of(spec, counts, least)) for key, counts in grouped.items()]


@dataclass(frozen=True)
class BreakdownRow:
    value: str  # the filter value that selects this segment ("none" for blank)
    label: str
    estimate: Estimate
    counts: Counts
    versus_rest: Comparison | None = None

    @property
    def direction(self) -> str:
        """ "above"/"below" the rest when significantly so (after the correction), else ""."""
        if self.versus_rest is None or not self.versus_rest.significant:
            return ""
        difference = self.versus_rest.difference or 0.0
        return "above" if difference > 0 else "below"


@dataclass(frozen=True)
class Breakdown:
    dimension: str
    metric: MetricSpec
    overall: Estimate
    rows: list[BreakdownRow] = field(default_factory=list)
    correction: str = "Holm"


def metric_breakdown(
    *,
    organization: Organization,
    metric: str,
    filters: MetricFilters,
    dimension: str,
    minimum_n: int | None = None,
    correction: str = "holm",
) -> Breakdown:
    """The figure per value of `dimension`, each tested against the rest of the answers
    (NPS: bootstrap; shares: z-test; means: Welch), p-values corrected for the number of
    segments (Holm by default, or Benjamini-Hochberg). Two queries, plus one for agent or
    team names."""
    if dimension not in DIMENSIONS:
        raise ValidationFailed(
            f"Unknown dimension {dimension!r}; use one of {', '.join(DIMENSIONS)}."
        )
    spec = metric_spec(metric)
    least = (
        minimum_n
        if minimum_n is not None
        else analytics_settings(organization=organization).minimum_n
    )
    grouped = metric_counts(
        organization=organization, metric=metric, filters=filters, group=dimension
    )
    whole = _sum_counts(grouped.values())
    labels = dimension_labels(organization, dimension, grouped)
    tests = {
        key: compare(spec, counts, _subtract(whole, counts)) for key, counts in grouped.items()
    }
    tested = [key for key, test in tests.items() if test is not None]
    adjust = significance.benjamini_hochberg if correction == "bh" else significance.holm
    adjusted = dict(zip(tested, adjust([tests[key].p_value for key in tested]), strict=True))  # type: ignore[union-attr]
    overall = estimate_of(spec, whole, least)
    rows = []
    for key, counts in grouped.items():
        estimate = estimate_of(spec, counts, least)
        rest = estimate_of(spec, _subtract(whole, counts), least)
        difference = (
            estimate.value - rest.value
            if estimate.value is not None and rest.value is not None
            else None
        )
        rows.append(
            BreakdownRow(
                value=NONE_VALUE if key in (None, "") else str(key),
                label=labels.get(key, str(key)),
                estimate=estimate,
                counts=counts,
                versus_rest=Comparison(difference, tests[key], adjusted.get(key)),
            )
        )
    rows.sort(key=lambda row: (row.estimate.value is None, -(row.estimate.value or 0)))
    name = "Benjamini-Hochberg" if correction == "bh" else "Holm"
    return Breakdown(dimension, spec, overall, rows, name)


def dimension_labels(
    organization: Organization, dimension: str, keys: Iterable[Any]
) -> dict[Any, str]:
    """Display names of dimension values: choice labels, agent and team names."""
    wanted = [key for key in keys if key not in (None, "")]
    labels: dict[Any, str] = {None: str(_("None")), "": str(_("None"))}
    if dimension == "channel":
        labels.update({key: str(dict(ResponseChannel.choices).get(key, key)) for key in wanted})
    elif dimension == "language":
        labels.update({key: str(dict(Language.choices).get(key, key)) for key in wanted})
    elif dimension == "agent":
        users = User.objects.filter(pk__in=wanted, memberships__organization=organization).only(
            "full_name", "email"
        )
        labels.update({user.pk: user.display_name for user in users})
    elif dimension == "team":
        teams = Team.objects.for_organization(organization).filter(pk__in=wanted)
        labels.update({team.pk: team.name for team in teams})
    else:
        labels.update({key: str(key) for key in wanted})
    return labels


def histogram(
    *, organization: Organization, metric: str, filters: MetricFilters
) -> list[tuple[int, int]]:
    """(score, count) for every score 0…10 of the metric's scale. One query."""
    spec = metric_spec(metric)
    counts = metric_counts(organization=organization, metric=metric, filters=filters)[""]
    scale: dict[str, tuple[int, int]] = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
    low, high = scale.get(spec.kind, (0, 10))
    if not spec.kind:
        used = [value for value in SCORE_VALUES if counts[f"c{value}"]]
        low, high = (min(used), max(used)) if used else (1, 5)
    return [(value, counts[f"c{value}"]) for value in range(low, high + 1)]


# --- Rates -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Funnel:
    sent: int
    opened: int
    answered: int
    response_rate: Estimate


def response_funnel(
    *, organization: Organization, filters: MetricFilters, minimum_n: int | None = None
) -> Funnel:
    """Email invitations delivered (sent, not failed) → opened → answered, over
    invitations sent in the date range; the response rate is answered / delivered.
    One query."""
    least = (
        minimum_n
        if minimum_n is not None
        else analytics_settings(organization=organization).minimum_n
    )
    invitations = SurveyInvitation.objects.for_organization(organization)
    if filters.survey_id:
        invitations = invitations.filter(distribution__survey_id=filters.survey_id)
    zone = organization_zone(organization)
    if filters.date_from:
        invitations = invitations.filter(sent_at__gte=day_bounds(filters.date_from, zone)[0])
    if filters.date_to:
        invitations = invitations.filter(sent_at__lt=day_bounds(filters.date_to, zone)[1])
    delivered = Q(sent_at__isnull=False) & ~Q(status=InvitationStatus.FAILED)
    answered = Q(status=InvitationStatus.ANSWERED)
    counts = invitations.aggregate(
        sent=Count("pk", filter=delivered),
        opened=Count("pk", filter=delivered & (Q(opened_at__isnull=False) | answered)),
        answered=Count("pk", filter=delivered & answered),
    )
    rate = metrics.response_rate(counts["answered"], counts["sent"], minimum_n=least)
    return Funnel(counts["sent"], counts["opened"], counts["answered"], rate)


def first_contact_resolution(
    *, organization: Organization, filters: MetricFilters, minimum_n: int | None = None
) -> Estimate:
    """FCR: interactions resolved on the first contact over those where it was recorded,
    started in the date range; channel, agent, team, region and segment filters apply to
    the interaction and its customer. One query."""
    least = (
        minimum_n
        if minimum_n is not None
        else analytics_settings(organization=organization).minimum_n
    )
    interactions = Interaction.objects.for_organization(organization).filter(
        resolved_on_first_contact__isnull=False
    )
    zone = organization_zone(organization)
    if filters.date_from:
        interactions = interactions.filter(started_at__gte=day_bounds(filters.date_from, zone)[0])
    if filters.date_to:
        interactions = interactions.filter(started_at__lt=day_bounds(filters.date_to, zone)[1])
    lookups = {
        "channel": "channel",
        "agent": "agent_id",
        "team": "team_id",
        "region": "customer__region",
        "segment": "customer__segment",
    }
    for dimension, value in filters.dimensions:
        if dimension in lookups:
            wanted = _dimension_value(dimension, value)
            lookup = lookups[dimension]
            interactions = interactions.filter(
                **({f"{lookup}__isnull": True} if wanted is None else {lookup: wanted})
            )
    counts = interactions.aggregate(
        n=Count("pk"), resolved=Count("pk", filter=Q(resolved_on_first_contact=True))
    )
    return metrics.top_box_share(counts["resolved"], counts["n"], minimum_n=least)


def dimension_values(*, organization: Organization) -> dict[str, list[tuple[str, str]]]:
    """The values each dimension filter offers: (value, label), from the total-grain-free
    rollups of single dimensions (one query per dimension, each over small rows)."""
    options: dict[str, list[tuple[str, str]]] = {}
    for dimension in DIMENSIONS:
        column = _rollup_column(dimension)
        keys = list(
            ScoreRollup.objects.filter(organization=organization, grain=dimension)
            .values_list(column, flat=True)
            .distinct()
            .order_by(column)
        )
        labels = dimension_labels(organization, dimension, keys)
        options[dimension] = [
            (NONE_VALUE if key in (None, "") else str(key), labels.get(key, str(key)))
            for key in keys
        ]
    return options


def parse_filters(params: Mapping[str, Any]) -> MetricFilters:
    """MetricFilters from query parameters (web and API share it); bad values raise
    ValidationFailed with the field named."""

    def day(name: str) -> dt.date | None:
        raw = (params.get(name) or "").strip()
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError as error:
            raise ValidationFailed(
                f"{name} must be a date like 2026-01-31.", fields={name: ["Not a date."]}
            ) from error

    def integer(name: str) -> int | None:
        raw = (params.get(name) or "").strip()
        if not raw:
            return None
        if not raw.isdigit():
            raise ValidationFailed(f"{name} must be an id.", fields={name: ["Not an id."]})
        return int(raw)

    date_from, date_to = day("date_from"), day("date_to")
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed(
            "date_from must not be after date_to.", fields={"date_from": ["After date_to."]}
        )
    dimensions = tuple(
        sorted(
            (name, str(params.get(name)).strip())
            for name in DIMENSIONS
            if (params.get(name) or "").strip()
        )
    )
    return MetricFilters(
        date_from=date_from,
        date_to=date_to,
        survey_id=integer("survey"),
        question_key=(params.get("question") or "").strip(),
        row=(params.get("row") or "").strip(),
        dimensions=dimensions,
        product=(params.get("product") or "").strip(),
        saved_segment_id=integer("saved_segment"),
        hidden_key=(params.get("hidden_key") or "").strip(),
        hidden_value=(params.get("hidden_value") or "").strip(),
    )


def filter_params(filters: MetricFilters, **changes: str) -> dict[str, str]:
    """Query parameters that reproduce `filters` (for links), with `changes` applied."""
    params: dict[str, str] = {}
    if filters.date_from:
        params["date_from"] = filters.date_from.isoformat()
    if filters.date_to:
        params["date_to"] = filters.date_to.isoformat()
    if filters.survey_id:
        params["survey"] = str(filters.survey_id)
    for name, value in (
        ("question", filters.question_key),
        ("row", filters.row),
        ("product", filters.product),
        ("hidden_key", filters.hidden_key),
        ("hidden_value", filters.hidden_value),
    ):
        if value:
            params[name] = value
    if filters.saved_segment_id:
        params["saved_segment"] = str(filters.saved_segment_id)
    params.update(filters.dimension_filters)
    params.update(changes)
    return {key: value for key, value in params.items() if value}


# --- Key drivers and CSI ---------------------------------------------------------------


@dataclass(frozen=True)
class DriverQuestion:
    """A matrix question of a survey (the attributes) and the outcome they explain."""

    survey_id: int
    matrix_key: str
    rows: list[tuple[str, str]]  # (row key, label)
    scale: tuple[int, int]
    outcome_key: str
    outcome_kind: str


def driver_questions(*, organization: Organization, language: str = "") -> list[DriverQuestion]:
    """Every survey's matrix questions paired with its first NPS, CSAT or rating question
    (the outcome). One query for the surveys' questions."""
    from clearloop.surveys.models import Question

    questions = (
        Question.objects.for_organization(organization)
        .filter(
            kind__in=[QuestionKind.MATRIX, QuestionKind.NPS, QuestionKind.CSAT, QuestionKind.RATING]
        )
        .select_related("version")
        .order_by("version__survey_id", "-version__number", "position", "pk")
    )
    by_survey: dict[int, list[Any]] = {}
    for question in questions:
        by_survey.setdefault(question.version.survey_id, []).append(question)
    found: list[DriverQuestion] = []
    for survey_id, listed in by_survey.items():
        outcome = next((q for q in listed if q.kind in (QuestionKind.NPS, QuestionKind.CSAT)), None)
        outcome = outcome or next((q for q in listed if q.kind == QuestionKind.RATING), None)
        seen: set[str] = set()
        for matrix in (q for q in listed if q.kind == QuestionKind.MATRIX):
            if outcome is None or matrix.key in seen:
                continue
            seen.add(matrix.key)
            rows = [
                (
                    row["key"],
                    (row.get("texts") or {}).get(language)
                    or next(iter((row.get("texts") or {}).values()), row["key"]),
                )
                for row in (matrix.options or {}).get("rows", [])
            ]
            found.append(
                DriverQuestion(
                    survey_id, matrix.key, rows, matrix.scale or (1, 5), outcome.key, outcome.kind
                )
            )
    return found


def _moments_sql(
    answers: QuerySet[Answer], question: DriverQuestion, by_day: Any = None
) -> tuple[str, list[Any], int]:
    """SQL for n, sums and cross products of (ratings…, outcome) over the responses that
    answered all of them: a GROUP BY response inside, sums outside (per day with
    `by_day`, the expression of a response's local day)."""
    keys = [key for key, _label in question.rows]
    pivot: dict[str, Any] = {
        f"x{i}": Max("number", filter=Q(question__key=question.matrix_key, row=key))
        for i, key in enumerate(keys)
    }
    pivot[f"x{len(keys)}"] = Max("number", filter=Q(question__key=question.outcome_key, row=""))
    grouped: Any = answers.values("response_id")
    if by_day is not None:
        grouped = answers.annotate(m_day=by_day).values("response_id", "m_day")
    inner, params = grouped.annotate(**pivot).order_by().query.sql_with_params()
    names = [connection.ops.quote_name(name) for name in pivot]
    terms = ["COUNT(*)", *(f"SUM(1.0 * {a})" for a in names)]
    terms += [f"SUM(1.0 * {a} * {b})" for i, a in enumerate(names) for b in names[i:]]
    complete = " AND ".join(f"{name} IS NOT NULL" for name in names)
    day = connection.ops.quote_name("m_day")
    select = f"{day}, " if by_day is not None else ""
    group = f" GROUP BY {day}" if by_day is not None else ""
    sql = f"SELECT {select}{', '.join(terms)} FROM ({inner}) pivot WHERE {complete}{group}"  # noqa: S608
    return sql, list(params), len(names)


def moments_from_row(values: Sequence[Any], k: int) -> drivers.Moments:
    numbers = [float(value or 0) for value in values]
    sums = np.array(numbers[1 : 1 + k])
    cross = np.zeros((k, k))
    position = 1 + k
    for i in range(k):
        for j in range(i, k):
            cross[i, j] = cross[j, i] = numbers[position]
            position += 1
    return drivers.Moments(int(numbers[0]), sums, cross)


def driver_answers(
    organization: Organization, question: DriverQuestion, filters: MetricFilters
) -> QuerySet[Answer]:
    return scoped_answers(organization, replace(filters, survey_id=question.survey_id)).filter(
        question__key__in=[question.matrix_key, question.outcome_key]
    )


def driver_moments(
    *, organization: Organization, question: DriverQuestion, filters: MetricFilters
) -> drivers.Moments:
    """n, sums and cross products of (attribute ratings…, outcome), one query: summed from
    the daily driver rollups when only dates narrow the figure, else counted from the raw
    answers (a GROUP BY response inside, one aggregate row outside)."""
    if not filters.dimensions and not filters.needs_raw():
        from clearloop.analytics.driver_rollups import rolled_up_moments

        rolled = rolled_up_moments(organization=organization, question=question, filters=filters)
        if rolled is not None:
            return rolled
    sql, params, k = _moments_sql(driver_answers(organization, question, filters), question)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return moments_from_row(cursor.fetchone(), k)


def driver_analysis(
    *, organization: Organization, question: DriverQuestion, filters: MetricFilters
) -> drivers.DriverAnalysis | None:
    moments = driver_moments(organization=organization, question=question, filters=filters)
    return drivers.analyse(moments, [key for key, _label in question.rows], question.scale)


# Where the CSI weights come from (shown next to the figure).
CSI_CONFIGURED, CSI_DRIVERS, CSI_EQUAL = "configured", "drivers", "equal"


def csi_weights(
    *,
    organization: Organization,
    question: DriverQuestion,
    filters: MetricFilters,
    weights: Mapping[str, float] | None = None,
) -> tuple[dict[str, float], str]:
    """The weights of the question's attributes, normalised to sum to 1, and their source:
    the configured `weights` when they weigh any of its rows above 0, else the driver
    importances (the driver query), else equal weights (too few answers for drivers)."""
    keys = [key for key, _label in question.rows]
    used: dict[str, float] = {}
    source = CSI_CONFIGURED
    if weights and any(float(weights.get(key, 0.0)) > 0 for key in keys):
        used = {key: float(weights.get(key, 0.0)) for key in keys}
    else:
        analysis = driver_analysis(organization=organization, question=question, filters=filters)
        if analysis is not None and sum(d.importance for d in analysis.drivers) > 0:
            used, source = {d.key: d.importance for d in analysis.drivers}, CSI_DRIVERS
        else:
            used, source = dict.fromkeys(keys, 1.0), CSI_EQUAL
    total = sum(used.values())
    return {key: value / total for key, value in used.items()}, source


def satisfaction_index(
    *,
    organization: Organization,
    question: DriverQuestion,
    filters: MetricFilters,
    weights: Mapping[str, float] | None = None,
    minimum_n: int | None = None,
) -> tuple[Estimate, dict[str, float]]:
    """CSI: the weighted mean of the attribute ratings, each rescaled to 0…100, weights
    from `csi_weights`. Its interval combines the rows' standard errors as if the rows
    were independent (an approximation; correlated rows make it somewhat narrow); n is
    the largest row's n. Attributes of weight 0 are left out. Returns the estimate and
    the weights used. One query for the rows (rollups) plus the driver query when no
    weights are configured."""
    used, _source = csi_weights(
        organization=organization, question=question, filters=filters, weights=weights
    )
    least = (
        minimum_n
        if minimum_n is not None
        else analytics_settings(organization=organization).minimum_n
    )
    low, high = question.scale
    scale = 100 / (high - low)
    value, variance, n = 0.0, 0.0, 0
    scoped = replace(filters, survey_id=question.survey_id, question_key=question.matrix_key)
    per_row = matrix_row_counts(organization=organization, filters=scoped)
    for key, weight in used.items():
        if weight <= 0:
            continue
        counts = per_row.get(key) or _zero()
        estimate = estimate_of(METRICS["mean"], counts, least)
        if estimate.value is None or estimate.standard_error is None:
            return metrics.Estimate(None, counts["n"], None, None, None, enough=False), used
        value += weight * (estimate.value - low) * scale
        variance += (weight * estimate.standard_error * scale) ** 2
        n = max(n, counts["n"])
    error = variance**0.5
    half = metrics.Z_95 * error
    csi = metrics.Estimate(
        value, n, max(0.0, value - half), min(100.0, value + half), error, n >= least
    )
    return csi, used


def matrix_row_counts(*, organization: Organization, filters: MetricFilters) -> dict[str, Counts]:
    """{row key: counts} of every row of the matrix question `filters.question_key`, in one
    query: a GROUP BY row over the rollups when one grain holds the filters, else over
    the raw answers."""
    spec = METRICS["mean"]
    aggregates: dict[str, Any]
    if uses_rollups(filters, "", "mean"):
        grain = grain_name(set(filters.dimension_filters))
        rollup_rows = ScoreRollup.objects.filter(organization=organization, grain=grain)
        rollup_rows = _narrow_rollups(rollup_rows, spec, filters, every_row=True)
        aggregates = {name: Sum(name) for name in COUNT_FIELDS}
        grouped: Any = rollup_rows.values("row").annotate(**aggregates).order_by()
    else:
        answers = _raw_answers(organization, spec, filters, every_row=True)
        aggregates = {
            "n": Count("pk"),
            "total": Sum("number"),
            "squares": Sum(F("number") * F("number")),
            **{f"c{value}": Count("pk", filter=Q(number=value)) for value in SCORE_VALUES},
        }
        grouped = answers.values("row").annotate(**aggregates).order_by()
    return {row["row"]: _sum_counts([row]) for row in grouped}


@dataclass(frozen=True)
class CsiFigure:
    question: DriverQuestion
    estimate: Estimate
    weights: list[tuple[str, str, float]]  # (row key, label, weight summing to 1)
    source: str  # CSI_CONFIGURED, CSI_DRIVERS or CSI_EQUAL


def csi_figure(
    *,
    organization: Organization,
    filters: MetricFilters,
    language: str = "",
    settings: AnalyticsSettings | None = None,
    questions: list[DriverQuestion] | None = None,
) -> CsiFigure | None:
    """The CSI of the first matrix question (of the filtered survey), weighted as the
    organization configured or else by its key drivers; None without a matrix question.
    A page that already read the `settings` and `questions` passes them."""
    if questions is None:
        questions = driver_questions(organization=organization, language=language)
    question = next((q for q in questions if filters.survey_id in (None, q.survey_id)), None)
    if question is None:
        return None
    settings = settings or analytics_settings(organization=organization)
    narrowed = replace(filters, question_key="", row="")
    used, source = csi_weights(
        organization=organization,
        question=question,
        filters=narrowed,
        weights=settings.csi_weights,
    )
    estimate, _used = satisfaction_index(
        organization=organization,
        question=question,
        filters=narrowed,
        weights=used,
        minimum_n=settings.minimum_n,
    )
    labels = dict(question.rows)
    listed = [(key, labels.get(key, key), weight) for key, weight in used.items()]
    return CsiFigure(question, estimate, listed, source)


def filters_for(*, organization: Organization, params: Mapping[str, Any]) -> MetricFilters:
    """`parse_filters`, then the ids checked against the organization: another
    organization's survey or saved segment is a NotFound (404), as everywhere."""
    from clearloop.core.errors import NotFound
    from clearloop.surveys.models import Survey

    filters = parse_filters(params)
    if (
        filters.survey_id
        and not Survey.objects.for_organization(organization).filter(pk=filters.survey_id).exists()
    ):
        raise NotFound(f"No survey with id {filters.survey_id}.")
    segments = Segment.objects.for_organization(organization)
    if filters.saved_segment_id and not segments.filter(pk=filters.saved_segment_id).exists():
        raise NotFound(f"No saved segment with id {filters.saved_segment_id}.")
    return filters


def answers_behind(
    *, organization: Organization, metric: str, filters: MetricFilters
) -> QuerySet[Answer]:
    """The raw answers a figure counts (for the drill-down's response list)."""
    spec = metric_spec(metric)
    _check(spec, filters, "")
    return _raw_answers(organization, spec, filters)


def metric_crosstab(
    *,
    organization: Organization,
    metric: str,
    filters: MetricFilters,
    rows: str,
    columns: str,
    minimum_n: int | None = None,
) -> dict[tuple[Any, Any], Estimate]:
    """The figure per (row value, column value) of two dimensions, e.g. NPS by region x
    channel. One query: a pair grain of the rollups when one holds it, else raw answers."""
    spec = metric_spec(metric)
    if rows not in DIMENSIONS or columns not in DIMENSIONS or rows == columns:
        raise ValidationFailed(f"A cross table needs two different dimensions of {DIMENSIONS}.")
    _check(spec, filters, "")
    least = (
        minimum_n
        if minimum_n is not None
        else analytics_settings(organization=organization).minimum_n
    )
    wanted = set(filters.dimension_filters) | {rows, columns}
    sums = {name: Sum(name) for name in COUNT_FIELDS}
    grouped: Any
    grain = grain_name(wanted)
    if not filters.needs_raw() and grain in GRAIN_NAMES and METRICS[metric].kind in PAIR_KINDS:
        cells = ScoreRollup.objects.filter(organization=organization, grain=grain)
        cells = _narrow_rollups(cells, spec, filters)
        grouped = cells.values(
            first=F(_rollup_column(rows)), second=F(_rollup_column(columns))
        ).annotate(**sums)
    else:
        answers = _raw_answers(organization, spec, filters)
        aggregates = {
            "n": Count("pk"),
            "total": Sum("number"),
            "squares": Sum(F("number") * F("number")),
            **{f"c{value}": Count("pk", filter=Q(number=value)) for value in SCORE_VALUES},
        }
        grouped = (
            answers.values(first=dimension_expression(rows), second=dimension_expression(columns))
            .annotate(**aggregates)
            .order_by()
        )
    return {
        (row["first"], row["second"]): estimate_of(spec, _sum_counts([row]), least)
        for row in grouped
    }


# --- SLA compliance --------------------------------------------------------------------

# The filters an SLA figure honours; the others describe survey answers, not cases.
SLA_FILTERS = ("date_from", "date_to", "team", "channel", "priority")
SLA_DIMENSIONS = ("team", "channel")


@dataclass(frozen=True)
class SlaCompliance:
    """First-response and resolution compliance with n and 95% intervals; `ignored` names
    the filters given that do not apply to cases."""

    first_response: Estimate
    resolution: Estimate
    ignored: tuple[str, ...] = ()


@dataclass(frozen=True)
class SlaRow:
    value: str  # the filter value that selects it ("none" for no team)
    label: str
    compliance: SlaCompliance


def _sla_scope(
    organization: Organization, filters: MetricFilters, priority: str
) -> tuple[Any, tuple[str, ...]]:
    from clearloop.cases.models import CasePriority
    from clearloop.cases.selectors import SlaScope

    if priority and priority not in CasePriority.values:
        raise ValidationFailed(
            f"Unknown priority {priority!r}; use one of {', '.join(CasePriority.values)}.",
            fields={"priority": ["Unknown priority."]},
        )
    zone = organization_zone(organization)
    wanted = filters.dimension_filters
    team = _dimension_value("team", wanted["team"]) if "team" in wanted else None
    scope = SlaScope(
        opened_from=day_bounds(filters.date_from, zone)[0] if filters.date_from else None,
        opened_before=day_bounds(filters.date_to, zone)[1] if filters.date_to else None,
        team_id=team,
        no_team="team" in wanted and team is None,
        priority=priority,
        channel=_dimension_value("channel", wanted.get("channel", "")),
        no_channel=wanted.get("channel") == NONE_VALUE,
    )
    ignored = [name for name in wanted if name not in SLA_DIMENSIONS]
    ignored += [
        name
        for name, given in (
            ("survey", filters.survey_id),
            ("question", filters.question_key),
            ("product", filters.product),
            ("saved_segment", filters.saved_segment_id),
            ("hidden_key", filters.hidden_key),
        )
        if given
    ]
    return scope, tuple(sorted(ignored))


def _compliance(counts: Any, least: int, ignored: tuple[str, ...] = ()) -> SlaCompliance:
    return SlaCompliance(
        metrics.sla_compliance(
            counts.first_response_met, counts.first_response_due, minimum_n=least
        ),
        metrics.sla_compliance(counts.resolution_met, counts.resolution_due, minimum_n=least),
        ignored,
    )


def sla_compliance(
    *,
    organization: Organization,
    filters: MetricFilters,
    priority: str = "",
    now: dt.datetime | None = None,
    minimum_n: int | None = None,
) -> SlaCompliance:
    """SLA compliance of the cases opened in the date range (organization's days), for
    the team, channel and `priority` filters. One query."""
    from clearloop.cases.selectors import sla_counts

    least = (
        minimum_n
        if minimum_n is not None
        else analytics_settings(organization=organization).minimum_n
    )
    scope, ignored = _sla_scope(organization, filters, priority)
    counts = sla_counts(organization_id=organization.pk, scope=scope, now=now)[""]
    return _compliance(counts, least, ignored)


def sla_compliance_breakdown(
    *,
    organization: Organization,
    filters: MetricFilters,
    by: str,
    priority: str = "",
    now: dt.datetime | None = None,
    minimum_n: int | None = None,
) -> list[SlaRow]:
    """SLA compliance per team or per priority (most urgent first), under the same
    filters. One query, plus one for the team names."""
    from clearloop.cases.models import PRIORITY_RANK, CasePriority
    from clearloop.cases.selectors import SLA_GROUPS, sla_counts

    if by not in SLA_GROUPS:
        raise ValidationFailed(
            f"SLA compliance breaks down by {' or '.join(SLA_GROUPS)}, not {by!r}.",
            fields={"by": ["Unknown breakdown."]},
        )
    least = (
        minimum_n
        if minimum_n is not None
        else analytics_settings(organization=organization).minimum_n
    )
    scope, _ignored = _sla_scope(organization, filters, priority)
    grouped = sla_counts(organization_id=organization.pk, scope=scope, now=now, group=by)
    if by == "team":
        labels = dimension_labels(organization, "team", grouped)
        order = sorted(grouped, key=lambda key: (key is None, labels.get(key, "")))
    else:
        labels = {key: str(CasePriority(key).label) for key in grouped}
        order = sorted(grouped, key=lambda key: -PRIORITY_RANK.get(key, 0))
    return [
        SlaRow(
            value=NONE_VALUE if key is None else str(key),
            label=labels.get(key, str(key)),
            compliance=_compliance(grouped[key], least),
        )
        for key in order
    ]


# --- Settings ---------------------------------------------------------------------------


def csi_attributes(*, organization: Organization, language: str = "") -> list[tuple[str, str]]:
    """(row key, label) of every attribute the CSI can weigh: the rows of the
    organization's matrix questions, each key once, in survey order."""
    seen: dict[str, str] = {}
    for question in driver_questions(organization=organization, language=language):
        for key, label in question.rows:
            seen.setdefault(key, label)
    return list(seen.items())
