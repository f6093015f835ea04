"""The one place goals and alerts count: a metric's value for a scope over a period, and
its daily series.

A metric (NPS, CSAT, CES, response rate, average wait time, FCR, first response time to
cases, SLA compliance) is counted in the database — one aggregate for a period, one GROUP
BY day for a series — over the raw rows (survey answers of completed responses, delivered
invitations, interactions, cases), and the few
counts are turned into an `Estimate` with its interval by `clearloop.analytics.metrics`.
The analytics rollups (ADR 0014) could serve the survey metrics here too; that switch,
not made yet, touches only this module (goals then read a day's cell instead of its rows).

A scope narrows the rows: the whole organization, a team (of the case, or of the
interaction a response answers or the interaction itself), a channel (of the
interaction), a customer region, or a saved customer segment
(`clearloop.customers.segments`). Days are calendar days in the organization's
time zone; periods include both ends.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Count, F, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clearloop.accounts.models import Organization
from clearloop.analytics.metrics import (
    Estimate,
    mean_estimate,
    nps,
    response_rate,
    top_box_share,
)
from clearloop.cases.models import Case
from clearloop.customers.models import Customer, Interaction, Segment
from clearloop.customers.segments import attribute_types, segment_condition
from clearloop.surveys.models import Answer, InvitationStatus, QuestionKind, SurveyInvitation


class Metric(models.TextChoices):
    NPS = "nps", _("NPS")
    CSAT = "csat", _("CSAT")
    CES = "ces", _("CES")
    RESPONSE_RATE = "response_rate", _("Response rate")
    WAIT_TIME = "wait_time", _("Average wait time")
    FCR = "fcr", _("First contact resolution")
    FIRST_RESPONSE_TIME = "first_response_time", _("Average first response time to cases")
    SLA_COMPLIANCE = "sla_compliance", _("SLA compliance (first response)")


class ScopeKind(models.TextChoices):
    ORGANIZATION = "organization", _("Whole organization")
    TEAM = "team", _("Team")
    CHANNEL = "channel", _("Channel")
    REGION = "region", _("Region")
    SEGMENT = "segment", _("Customer segment")


# Lower is better only for waiting; every other metric should rise.
LOWER_IS_BETTER = frozenset({Metric.WAIT_TIME, Metric.FIRST_RESPONSE_TIME})
CASE_METRICS = frozenset({Metric.FIRST_RESPONSE_TIME, Metric.SLA_COMPLIANCE})
# How a figure is shown: "score" (NPS, -100…100), "percent", "mean" or "seconds".
STYLE = {
    Metric.NPS: "score",
    Metric.CSAT: "percent",
    Metric.CES: "mean",
    Metric.RESPONSE_RATE: "percent",
    Metric.WAIT_TIME: "seconds",
    Metric.FCR: "percent",
    Metric.FIRST_RESPONSE_TIME: "seconds",
    Metric.SLA_COMPLIANCE: "percent",
}
# The range a figure can take, for plausibility checks of targets.
BOUNDS = {
    Metric.NPS: (-100.0, 100.0),
    Metric.CSAT: (0.0, 100.0),
    Metric.CES: (1.0, 7.0),
    Metric.RESPONSE_RATE: (0.0, 100.0),
    Metric.WAIT_TIME: (0.0, float("inf")),
    Metric.FCR: (0.0, 100.0),
    Metric.FIRST_RESPONSE_TIME: (0.0, float("inf")),
    Metric.SLA_COMPLIANCE: (0.0, 100.0),
}
_ANSWER_KINDS = {
    Metric.NPS: QuestionKind.NPS,
    Metric.CSAT: QuestionKind.CSAT,
    Metric.CES: QuestionKind.CES,
}


@dataclass(frozen=True)
class Scope:
    """What a figure covers. `value` is a team or segment id, a channel or a region;
    empty for the whole organization."""

    kind: str = ScopeKind.ORGANIZATION
    value: str = ""


@dataclass(frozen=True)
class DailyMeasure:
    day: dt.date
    estimate: Estimate


# --- Rows and the fields that place them -------------------------------------------------


@dataclass(frozen=True)
class _Source:
    rows: QuerySet[Any]
    moment: str  # the datetime field that dates a row
    interaction: str  # path to the interaction ("" for the interaction itself)
    customer: str  # path to the customer
    team: str = ""  # the team field when it is not the interaction's

    @property
    def team_field(self) -> str:
        return self.team or f"{self.interaction}team_id"


def _source(organization: Organization, metric: str) -> _Source:
    if metric in _ANSWER_KINDS:
        answers = Answer.objects.for_organization(organization).filter(
            question__kind=_ANSWER_KINDS[Metric(metric)],
            row="",
            number__isnull=False,
            response__completed_at__isnull=False,
        )
        return _Source(
            answers, "response__completed_at", "response__interaction__", "response__customer"
        )
    if metric == Metric.RESPONSE_RATE:
        delivered = (
            SurveyInvitation.objects.for_organization(organization)
            .filter(sent_at__isnull=False)
            .exclude(status=InvitationStatus.FAILED)
        )
        return _Source(delivered, "sent_at", "interaction__", "customer")
    if metric in CASE_METRICS:
        return _Source(
            _case_rows(organization, metric), "created_at", "interaction__", "customer", "team_id"
        )
    interactions = Interaction.objects.for_organization(organization)
    if metric == Metric.WAIT_TIME:
        interactions = interactions.filter(wait_seconds__isnull=False)
    else:
        interactions = interactions.filter(resolved_on_first_contact__isnull=False)
    return _Source(interactions, "started_at", "", "customer")


def _case_rows(organization: Organization, metric: str) -> QuerySet[Any]:
    """Cases dated by when they opened. First response time counts the answered ones;
    SLA compliance counts those whose first response has come due or been given (a case
    still inside its target is not yet a hit or a miss), met when the response came in
    time. Due times already honour the team's business hours, holidays and pauses."""
    cases = Case.objects.for_organization(organization)
    if metric == Metric.FIRST_RESPONSE_TIME:
        return cases.filter(first_responded_at__isnull=False).annotate(
            seconds=SecondsBetween("created_at", "first_responded_at")
        )
    return cases.filter(first_response_due_at__isnull=False).filter(
        Q(first_responded_at__isnull=False) | Q(first_response_due_at__lte=timezone.now())
    )


class SecondsBetween(models.Func):
    """Seconds from `start` to `end` (two datetime columns), in the database's own
    arithmetic."""

    output_field = FloatField()

    def __init__(self, start: str, end: str) -> None:
        super().__init__(F(end), F(start))  # the templates subtract the second from the first

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s))::float",
            arg_joiner=" - ",
            **extra,
        )


def _scope_condition(organization: Organization, source: _Source, scope: Scope) -> Q:
    if scope.kind == ScopeKind.TEAM:
        return Q(**{source.team_field: _int(scope.value)})
    if scope.kind == ScopeKind.CHANNEL:
        return Q(**{f"{source.interaction}channel": scope.value})
    if scope.kind == ScopeKind.REGION:
        return Q(**{f"{source.customer}__region__iexact": scope.value})
    if scope.kind == ScopeKind.SEGMENT:
        return Q(**{f"{source.customer}__in": segment_customers(organization, scope.value)})
    return Q()


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return -1  # matches nothing


def segment_customers(organization: Organization, segment_id: str) -> QuerySet[Any]:
    """The ids of the customers a saved segment selects now (a subquery, not a list)."""
    segment = Segment.objects.for_organization(organization).filter(pk=_int(segment_id)).first()
    customers = Customer.objects.for_organization(organization)
    if segment is None:
        return customers.none().values("pk")
    condition = segment_condition(
        rules=segment.rules, attributes=attribute_types(organization.pk), now=timezone.now()
    )
    return customers.filter(condition).values("pk")


def _zone(organization: Organization) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(organization.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def _rows(
    organization: Organization, metric: str, scope: Scope, start: dt.date, end: dt.date
) -> tuple[_Source, QuerySet[Any]]:
    source = _source(organization, metric)
    zone = _zone(organization)
    since = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    rows = source.rows.filter(
        _scope_condition(organization, source, scope),
        **{f"{source.moment}__gte": since, f"{source.moment}__lt": until},
    )
    return source, rows


# --- Counting ------------------------------------------------------------------------------


def _aggregates(metric: str) -> dict[str, Any]:
    if metric == Metric.NPS:
        return {
            "n": Count("pk"),
            "promoters": Count("pk", filter=Q(number__gte=9)),
            "detractors": Count("pk", filter=Q(number__lte=6)),
        }
    if metric == Metric.CSAT:
        return {"n": Count("pk"), "top": Count("pk", filter=Q(number__gte=4))}
    if metric == Metric.RESPONSE_RATE:
        return {"n": Count("pk"), "top": Count("pk", filter=Q(status=InvitationStatus.ANSWERED))}
    if metric == Metric.FCR:
        return {"n": Count("pk"), "top": Count("pk", filter=Q(resolved_on_first_contact=True))}
    if metric == Metric.SLA_COMPLIANCE:
        met = Q(first_responded_at__lte=F("first_response_due_at"))
        return {"n": Count("pk"), "top": Count("pk", filter=met)}
    field = {Metric.CES: "number", Metric.FIRST_RESPONSE_TIME: "seconds"}.get(
        Metric(metric), "wait_seconds"
    )
    number = Cast(F(field), FloatField())
    return {"n": Count("pk"), "total": Sum(number), "squares": Sum(number * number)}


def estimate_from_counts(
    metric: str, counts: Mapping[str, Any], *, minimum_n: int = 30
) -> Estimate:
    """The metric's estimate from the counts one aggregate returned."""
    n = int(counts.get("n") or 0)
    if metric == Metric.NPS:
        promoters, detractors = int(counts["promoters"] or 0), int(counts["detractors"] or 0)
        return nps(promoters, n - promoters - detractors, detractors, minimum_n=minimum_n)
    if metric == Metric.RESPONSE_RATE:
        return response_rate(int(counts["top"] or 0), n, minimum_n=minimum_n)
    if metric in (Metric.CSAT, Metric.FCR, Metric.SLA_COMPLIANCE):
        return top_box_share(int(counts["top"] or 0), n, minimum_n=minimum_n)
    total, squares = float(counts.get("total") or 0.0), float(counts.get("squares") or 0.0)
    return mean_estimate(n, total, squares, minimum_n=minimum_n)


def measure(
    *, organization: Organization, metric: str, scope: Scope, start: dt.date, end: dt.date
) -> Estimate:
    """The metric for `scope` over the days `start`…`end` (both included). One query."""
    _source, rows = _rows(organization, metric, scope, start, end)
    return estimate_from_counts(metric, rows.aggregate(**_aggregates(metric)))


def daily_series(
    *, organization: Organization, metric: str, scope: Scope, start: dt.date, end: dt.date
) -> list[DailyMeasure]:
    """One estimate per day that has data, oldest first. One GROUP BY query."""
    source, rows = _rows(organization, metric, scope, start, end)
    grouped = (
        rows.annotate(day=TruncDate(source.moment, tzinfo=_zone(organization)))
        .values("day")
        .annotate(**_aggregates(metric))
        .order_by("day")
    )
    return [
        DailyMeasure(row["day"], estimate_from_counts(metric, row, minimum_n=1)) for row in grouped
    ]


def today(organization: Organization) -> dt.date:
    return timezone.now().astimezone(_zone(organization)).date()
