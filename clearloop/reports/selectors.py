"""Reads of reports: the dashboard's tables as plain rows (the same figures the Analytics
page shows, through `clearloop.analytics`), and the scheduled reports of an organization.

A table is a list of columns (a stable key for the API, a label in the reader's language
for people) and rows of plain values: numbers stay numbers (rounded only for display
elsewhere), so a spreadsheet can compute with them. Text that a respondent may have typed
(segment labels, attribute names) is neutralised by the writers, not here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clearloop.accounts.models import Organization
from clearloop.analytics import dashboards
from clearloop.analytics import selectors as analytics
from clearloop.analytics.metrics import Estimate
from clearloop.core.errors import NotFound, ValidationFailed
from clearloop.reports.models import ReportDelivery, ScheduledReport

Cell = str | int | float | bool | None
VALUE_DIGITS = 2
P_DIGITS = 4


@dataclass(frozen=True)
class ReportQuery:
    """What the Analytics page was asked for: its filters, metric, trend period and
    breakdown dimension (the same query parameters)."""

    filters: analytics.MetricFilters
    metric: str = "nps"
    period: str = "week"
    dimension: str = "channel"

    def params(self) -> dict[str, str]:
        return analytics.filter_params(
            self.filters, metric=self.metric, period=self.period, by=self.dimension
        )


def _choice(params: Mapping[str, Any], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = str(params.get(name) or default)
    if value not in allowed:
        raise ValidationFailed(
            f"Unknown {name} {value!r}; use one of {', '.join(allowed)}.",
            fields={name: ["Unknown value."]},
        )
    return value


def report_query(
    *, organization: Organization, params: Mapping[str, Any], days: int | None = None
) -> ReportQuery:
    """The query from request parameters, checked like the page checks them (another
    organization's survey or segment is NotFound). Without dates, the page's default
    period (or the last `days` days) ending today."""
    filters = analytics.filters_for(organization=organization, params=params)
    if not filters.date_from and not filters.date_to:
        start, end = dashboards.default_range(organization, days or dashboards.DEFAULT_DAYS)
        filters = replace(filters, date_from=start, date_to=end)
    return ReportQuery(
        filters=filters,
        metric=_choice(params, "metric", tuple(analytics.METRICS), "nps"),
        period=_choice(params, "period", analytics.PERIODS, "week"),
        dimension=_choice(params, "by", analytics.DIMENSIONS, "channel"),
    )


# --- Tables ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: list[tuple[str, str]]  # (key, label)
    rows: list[list[Cell]]

    @property
    def header(self) -> list[str]:
        return [label for _key, label in self.columns]

    def records(self) -> list[dict[str, Cell]]:
        keys = [key for key, _label in self.columns]
        return [dict(zip(keys, row, strict=True)) for row in self.rows]


def _rounded(value: float | None, digits: int = VALUE_DIGITS) -> float | None:
    return None if value is None else round(value, digits)


def _estimate_cells(estimate: Estimate) -> list[Cell]:
    return [
        _rounded(estimate.value),
        _rounded(estimate.low),
        _rounded(estimate.high),
        estimate.n,
        estimate.enough,
    ]


def _estimate_columns() -> list[tuple[str, str]]:
    return [
        ("value", _("Value")),
        ("low", _("Lower end (95%)")),
        ("high", _("Upper end (95%)")),
        ("n", "n"),
        ("enough", _("Enough answers")),
    ]


def _label(text: str | Promise) -> str:
    return str(text)


def headline_table(*, organization: Organization, query: ReportQuery, least: int) -> Table:
    """The tiles: each headline metric with its interval and the change from the period
    before (with its test), then first-contact resolution and the response rate."""
    filters = query.filters
    keys = (query.metric, *(m for m in dashboards.HEADLINE_METRICS if m != query.metric))
    rows: list[list[Cell]] = []
    for key in keys:
        if not (analytics.METRICS[key].kind or filters.question_key):
            continue
        figure = analytics.metric_figure(
            organization=organization, metric=key, filters=filters, minimum_n=least
        )
        change = figure.change
        test = change.test if change else None
        rows.append(
            [
                key,
                _label(figure.metric.label),
                *_estimate_cells(figure.estimate),
                _rounded(figure.previous.value) if figure.previous else None,
                _rounded(change.difference) if change else None,
                dashboards.test_name(test.test) if test else "",
                _rounded(test.p_value, P_DIGITS) if test else None,
                bool(change and change.significant),
            ]
        )
    fcr = analytics.first_contact_resolution(
        organization=organization, filters=filters, minimum_n=least
    )
    funnel = analytics.response_funnel(organization=organization, filters=filters, minimum_n=least)
    for key, label, estimate in (
        ("fcr", _("First-contact resolution"), fcr),
        ("response_rate", _("Response rate"), funnel.response_rate),
    ):
        rows.append([key, label, *_estimate_cells(estimate), None, None, "", None, False])
    columns = [
        ("metric", _("Metric key")),
        ("label", _("Metric")),
        *_estimate_columns(),
        ("previous", _("Previous period")),
        ("change", _("Change")),
        ("test", _("Test")),
        ("p_value", _("p-value")),
        ("significant", _("Significant")),
    ]
    return Table("headline", _("Headline figures"), columns, rows)


def trend_table(*, organization: Organization, query: ReportQuery, least: int) -> Table:
    points = analytics.metric_trend(
        organization=organization,
        metric=query.metric,
        filters=query.filters,
        period=query.period,
        minimum_n=least,
    )
    spec = analytics.metric_spec(query.metric)
    rows: list[list[Cell]] = [
        [point.period.isoformat(), *_estimate_cells(point.estimate)] for point in points
    ]
    columns = [("period", _("Period starting")), *_estimate_columns()]
    title = _("%(metric)s trend") % {"metric": spec.label}
    return Table("trend", title, columns, rows)


def distribution_table(*, organization: Organization, query: ReportQuery, least: int) -> Table:
    bars = analytics.histogram(
        organization=organization, metric=query.metric, filters=query.filters
    )
    rows: list[list[Cell]] = [[score, count] for score, count in bars]
    columns = [("score", _("Score")), ("answers", _("Answers"))]
    return Table("distribution", _("Distribution of answers"), columns, rows)


def breakdown_table(*, organization: Organization, query: ReportQuery, least: int) -> Table:
    """Each segment of the dimension against the rest, as on the page (the segment
    comparison), with the corrected p-value and the direction when significant."""
    breakdown = analytics.metric_breakdown(
        organization=organization,
        metric=query.metric,
        filters=query.filters,
        dimension=query.dimension,
        minimum_n=least,
    )
    rows: list[list[Cell]] = []
    for row in breakdown.rows:
        comparison = row.versus_rest
        test = comparison.test if comparison else None
        rows.append(
            [
                row.value,
                row.label,
                *_estimate_cells(row.estimate),
                _rounded(comparison.difference) if comparison else None,
                dashboards.test_name(test.test) if test else "",
                _rounded(test.p_value, P_DIGITS) if test else None,
                _rounded(comparison.adjusted_p, P_DIGITS) if comparison else None,
                row.direction,
            ]
        )
    columns = [
        ("segment", _("Segment key")),
        ("label", str(analytics.DIMENSION_LABELS[query.dimension])),
        *_estimate_columns(),
        ("difference", _("Difference from the rest")),
        ("test", _("Test")),
        ("p_value", _("p-value")),
        (
            "adjusted_p",
            _("Adjusted p-value (%(correction)s)") % {"correction": breakdown.correction},
        ),
        ("direction", _("Significantly above or below")),
    ]
    title = _("%(metric)s by %(dimension)s") % {
        "metric": breakdown.metric.label,
        "dimension": str(analytics.DIMENSION_LABELS[query.dimension]).lower(),
    }
    return Table("breakdown", title, columns, rows)


def funnel_table(*, organization: Organization, query: ReportQuery, least: int) -> Table:
    funnel = analytics.response_funnel(
        organization=organization, filters=query.filters, minimum_n=least
    )
    top = max(funnel.sent, 1)
    steps = [
        ("delivered", _("Delivered"), funnel.sent),
        ("opened", _("Opened"), funnel.opened),
        ("answered", _("Answered"), funnel.answered),
    ]
    rows: list[list[Cell]] = [
        [key, label, count, _rounded(100 * count / top)] for key, label, count in steps
    ]
    columns = [
        ("step", _("Step key")),
        ("label", _("Step")),
        ("count", _("Invitations")),
        ("percent", _("Share of delivered (%)")),
    ]
    return Table("funnel", _("Response-rate funnel"), columns, rows)


def drivers_table(
    *, organization: Organization, query: ReportQuery, least: int, language: str = ""
) -> Table:
    panel = dashboards.drivers_panel(
        organization=organization, filters=query.filters, language=language
    )
    rows: list[list[Cell]] = [
        [
            row["key"],
            row["label"],
            _rounded(row["importance"], P_DIGITS),
            _rounded(row["share"]),
            _rounded(row["correlation"], P_DIGITS),
            _rounded(row["performance"]),
            row["quadrant_label"],
        ]
        for row in (panel["rows"] if panel else [])
    ]
    columns = [
        ("attribute", _("Attribute key")),
        ("label", _("Attribute")),
        ("importance", _("Importance (R² share)")),
        ("share", _("Importance, share of R² (%)")),
        ("correlation", _("Correlation")),
        ("performance", _("Performance (0 to 100)")),
        ("action", _("Action")),
    ]
    return Table("drivers", _("Key drivers"), columns, rows)


TableBuilder = Callable[..., Table]
TABLES: dict[str, TableBuilder] = {
    "headline": headline_table,
    "trend": trend_table,
    "distribution": distribution_table,
    "breakdown": breakdown_table,
    "funnel": funnel_table,
    "drivers": drivers_table,
}
TABLE_LABELS = {
    "headline": gettext_lazy("Headline figures"),
    "trend": gettext_lazy("Trend"),
    "distribution": gettext_lazy("Distribution"),
    "breakdown": gettext_lazy("Breakdown"),
    "funnel": gettext_lazy("Funnel"),
    "drivers": gettext_lazy("Key drivers"),
}


def report_table(
    *, organization: Organization, query: ReportQuery, table: str, language: str = ""
) -> Table:
    """One table of the dashboard by name; an unknown name is NotFound (404)."""
    builder = TABLES.get(table)
    if builder is None:
        raise NotFound(f"No table {table!r}; use one of {', '.join(TABLES)}.")
    least = analytics.analytics_settings(organization=organization).minimum_n
    if builder is drivers_table:
        return drivers_table(organization=organization, query=query, least=least, language=language)
    return builder(organization=organization, query=query, least=least)


def report_tables(
    *, organization: Organization, query: ReportQuery, language: str = ""
) -> list[Table]:
    return [
        report_table(organization=organization, query=query, table=key, language=language)
        for key in TABLES
    ]


# --- Scheduled reports -------------------------------------------------------------------


def scheduled_reports_list(*, organization: Organization) -> QuerySet[ScheduledReport]:
    return (
        ScheduledReport.objects.for_organization(organization)
        .select_related("created_by")
        .prefetch_related("recipient_members__user")
        .order_by("name", "pk")
    )


def period_label(start: dt.date, end: dt.date) -> str:
    return f"{start.isoformat()} to {end.isoformat()}"


def filters_described(*, organization: Organization, query: ReportQuery) -> list[tuple[str, str]]:
    """The filters in words, for the report's heading: (what, which)."""
    from clearloop.surveys.selectors import surveys_list

    filters = query.filters
    described: list[tuple[str, str]] = []
    if filters.survey_id:
        name = surveys_list(organization=organization).filter(pk=filters.survey_id)
        described.append((_("Survey"), str(name.values_list("name", flat=True).first() or "")))
    for dimension, value in filters.dimensions:
        key: Any = int(value) if dimension in analytics.ID_DIMENSIONS and value.isdigit() else value
        labels = analytics.dimension_labels(organization, dimension, [key])
        label = labels.get(key, value) if value != analytics.NONE_VALUE else str(_("None"))
        described.append((str(analytics.DIMENSION_LABELS[dimension]), label))
    if filters.question_key:
        described.append((_("Question"), filters.question_key))
    if filters.product:
        described.append((_("Product"), filters.product))
    if filters.saved_segment_id:
        described.append((_("Saved segment"), str(filters.saved_segment_id)))
    if filters.hidden_key:
        described.append((_("Hidden field"), f"{filters.hidden_key} = {filters.hidden_value}"))
    return described


def deliveries_list(*, organization: Organization) -> QuerySet[ReportDelivery]:
    return (
        ReportDelivery.objects.for_organization(organization)
        .select_related("report")
        .order_by("-created_at", "-pk")
    )
