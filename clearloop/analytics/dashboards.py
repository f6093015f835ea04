"""What the home dashboard and the Analytics page show: figures formatted for people, chart
data for ECharts (passed through `json_script`), and the drill-down link behind every
point, bar and cell. Reads only, through `selectors`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from clearloop.accounts.models import Organization
from clearloop.analytics import selectors
from clearloop.analytics.metrics import Estimate
from clearloop.analytics.models import AnalyticsSettings
from clearloop.analytics.rollups import DIMENSIONS, organization_zone
from clearloop.analytics.selectors import METRICS, MetricFilters
from clearloop.customers.selectors import customers_list
from clearloop.feedback.selectors import feedback_list
from clearloop.surveys.selectors import surveys_list

HEADLINE_METRICS = ("nps", "csat", "ces")
DEFAULT_DAYS = 90
# Okabe-Ito: told apart with every common colour-vision deficiency.
PALETTE = {
    "primary": "#0072B2",
    "band": "#56B4E9",
    "good": "#009E73",
    "warn": "#E69F00",
    "bad": "#D55E00",
    "thin": "#9aa3b5",
}
SURVEY_LIST_DIMENSIONS = {"channel", "language"}


def number(value: float | None, style: str) -> str:
    if value is None:
        return "—"
    if style == "mean":
        return formats.number_format(value, 2)
    text = formats.number_format(round(value), 0)
    return f"{text}%" if style == "percent" else text


def interval_text(estimate: Estimate, style: str) -> str:
    if estimate.low is None or estimate.high is None:
        return ""
    return _("95%% CI %(low)s to %(high)s") % {
        "low": number(estimate.low, style),
        "high": number(estimate.high, style),
    }


@dataclass(frozen=True)
class Tile:
    """A headline figure as shown: "NPS 32 (95% CI 24 to 40), n = 412", and its change."""

    key: str
    label: str | Promise
    value: str
    interval: str
    n: int
    enough: bool
    change: str
    change_note: str
    change_significant: bool
    url: str


def today_in(organization: Organization) -> dt.date:
    return timezone.now().astimezone(organization_zone(organization)).date()


def default_range(organization: Organization, days: int = DEFAULT_DAYS) -> tuple[dt.date, dt.date]:
    end = today_in(organization)
    return end - dt.timedelta(days=days - 1), end


# --- Drill-down ------------------------------------------------------------------------


def drill_url(filters: MetricFilters, metric: str, score: int | None = None) -> str:
    """The responses behind a figure: the survey's own response list when its filters can
    say it (a survey, dates, channel, language, a hidden field), else the analytics
    response list, which takes every filter."""
    dimensions = set(filters.dimension_filters)
    if (
        filters.survey_id
        and dimensions <= SURVEY_LIST_DIMENSIONS
        and not (filters.product or filters.saved_segment_id or filters.question_key)
        and score is None
    ):
        params = {
            key: value
            for key, value in selectors.filter_params(filters).items()
            if key in ("date_from", "date_to", "channel", "language")
        }
        if filters.hidden_key:
            params["hidden"] = f"{filters.hidden_key}={filters.hidden_value}"
        base = reverse("web:survey_responses", args=[filters.survey_id])
        return f"{base}?{urlencode(params)}" if params else base
    params = selectors.filter_params(filters, metric=metric)
    if score is not None:
        params["score"] = str(score)
    return f"{reverse('web:analytics_responses')}?{urlencode(params)}"


def period_end(start: dt.date, period: str) -> dt.date:
    if period == "day":
        return start
    if period == "week":
        return start + dt.timedelta(days=6)
    months = 1 if period == "month" else 3
    year, month = divmod(start.month - 1 + months, 12)
    return dt.date(start.year + year, month + 1, 1) - dt.timedelta(days=1)


def _bucket_filters(filters: MetricFilters, start: dt.date, period: str) -> MetricFilters:
    first, last = start, period_end(start, period)
    if filters.date_from and filters.date_from > first:
        first = filters.date_from
    if filters.date_to and filters.date_to < last:
        last = filters.date_to
    return replace(filters, date_from=first, date_to=last)


# --- Figures and charts ----------------------------------------------------------------


def tile(
    *, organization: Organization, metric: str, filters: MetricFilters, minimum_n: int
) -> Tile:
    figure = selectors.metric_figure(
        organization=organization, metric=metric, filters=filters, minimum_n=minimum_n
    )
    return tile_of(figure, metric=metric, filters=filters)


def tile_of(figure: selectors.MetricFigure, *, metric: str, filters: MetricFilters) -> Tile:
    """The figure formatted as a tile, with its change and the test behind it."""
    style = figure.metric.style
    change, note, significant = "", "", False
    if figure.change is not None and figure.change.difference is not None:
        sign = "+" if figure.change.difference > 0 else ""
        shown = number(figure.change.difference, "mean" if style == "mean" else "score")
        change = f"{sign}{shown}"
        if style == "percent":
            change = _("%(change)s points") % {"change": change}
        test = figure.change.test
        significant = figure.change.significant
        if test is None:
            note = _("not tested: too few answers")
        elif significant:
            note = _("significant (%(test)s, %(p)s)") % {
                "test": test_name(test.test),
                "p": p_text(test.p_value),
            }
        else:
            note = _("not significant (%(test)s, %(p)s)") % {
                "test": test_name(test.test),
                "p": p_text(test.p_value),
            }
    return Tile(
        key=metric,
        label=figure.metric.label,
        value=number(figure.estimate.value, style),
        interval=interval_text(figure.estimate, style),
        n=figure.estimate.n,
        enough=figure.estimate.enough,
        change=change,
        change_note=note,
        change_significant=significant,
        url=drill_url(filters, metric),
    )


def p_text(p_value: float) -> str:
    if p_value < 0.001:
        return "p < " + formats.number_format(0.001, 3)
    return "p = " + formats.number_format(p_value, 3)


def test_name(test: str) -> str:
    names = {
        "two-proportion z-test": _("two-proportion z-test"),
        "Welch t-test": _("Welch t-test"),
        "multinomial bootstrap": _("bootstrap test"),
    }
    return names.get(test, test)


def _point(estimate: Estimate) -> dict[str, Any]:
    return {
        "y": estimate.value,
        "low": estimate.low,
        "high": estimate.high,
        "n": estimate.n,
        "enough": estimate.enough,
    }


def trend_chart(
    *,
    organization: Organization,
    metric: str,
    filters: MetricFilters,
    period: str,
    minimum_n: int,
) -> dict[str, Any]:
    spec = selectors.metric_spec(metric)
    points = selectors.metric_trend(
        organization=organization,
        metric=metric,
        filters=filters,
        period=period,
        minimum_n=minimum_n,
    )
    return {
        "kind": "trend",
        "style": spec.style,
        "label": str(spec.label),
        "band_label": _("95%% interval") % {},
        "thin_label": _("Fewer answers than the minimum"),
        "colors": PALETTE,
        "points": [
            {
                "x": point.period.isoformat(),
                **_point(point.estimate),
                "url": drill_url(_bucket_filters(filters, point.period, period), metric),
            }
            for point in points
        ],
    }


def histogram_chart(
    *, organization: Organization, metric: str, filters: MetricFilters
) -> dict[str, Any]:
    spec = selectors.metric_spec(metric)
    bars = selectors.histogram(organization=organization, metric=metric, filters=filters)

    def tone(score: int) -> str:
        if spec.kind == "nps":
            return "good" if score >= 9 else "warn" if score >= 7 else "bad"
        return "primary"

    return {
        "kind": "bars",
        "label": _("Answers"),
        "colors": PALETTE,
        "bars": [
            {
                "x": str(score),
                "y": count,
                "tone": tone(score),
                "url": drill_url(filters, metric, score=score),
            }
            for score, count in bars
        ],
    }


@dataclass(frozen=True)
class BreakdownLine:
    label: str
    value: str
    interval: str
    n: int
    enough: bool
    direction: str
    note: str
    url: str


def breakdown_table(
    *,
    organization: Organization,
    metric: str,
    filters: MetricFilters,
    dimension: str,
    minimum_n: int,
) -> tuple[selectors.Breakdown, list[BreakdownLine], dict[str, Any]]:
    breakdown = selectors.metric_breakdown(
        organization=organization,
        metric=metric,
        filters=filters,
        dimension=dimension,
        minimum_n=minimum_n,
    )
    style = breakdown.metric.style
    lines: list[BreakdownLine] = []
    for row in breakdown.rows:
        comparison = row.versus_rest
        note = ""
        if comparison is not None and comparison.test is not None:
            p_value = comparison.adjusted_p
            note = _("%(test)s vs the rest, adjusted %(p)s") % {
                "test": test_name(comparison.test.test),
                "p": p_text(p_value if p_value is not None else 1.0),
            }
        lines.append(
            BreakdownLine(
                label=row.label,
                value=number(row.estimate.value, style),
                interval=interval_text(row.estimate, style),
                n=row.estimate.n,
                enough=row.estimate.enough,
                direction=row.direction,
                note=note,
                url=drill_url(filters.with_dimension(dimension, row.value), metric),
            )
        )
    chart = {
        "kind": "hbars",
        "style": style,
        "label": str(breakdown.metric.label),
        "colors": PALETTE,
        "above_label": _("significantly above the rest"),
        "below_label": _("significantly below the rest"),
        "bars": [
            {
                "x": line.label,
                **_point(row.estimate),
                "direction": line.direction,
                "url": line.url,
            }
            for line, row in zip(lines, breakdown.rows, strict=True)
        ],
    }
    return breakdown, lines, chart


QUADRANTS = ("fix_first", "keep_up", "lower_priority", "possible_overkill")


def quadrant_label(quadrant: str) -> str:
    labels = {
        "fix_first": _("Fix first"),
        "keep_up": _("Keep up"),
        "lower_priority": _("Lower priority"),
        "possible_overkill": _("Possible overkill"),
    }
    return labels.get(quadrant, quadrant)


def drivers_panel(
    *,
    organization: Organization,
    filters: MetricFilters,
    language: str,
    questions: list[selectors.DriverQuestion] | None = None,
) -> dict[str, Any] | None:
    if questions is None:
        questions = selectors.driver_questions(organization=organization, language=language)
    question = next(
        (q for q in questions if filters.survey_id in (None, q.survey_id)),
        None,
    )
    if question is None:
        return None
    analysis = selectors.driver_analysis(
        organization=organization,
        question=question,
        filters=replace(filters, question_key="", row=""),
    )
    labels = dict(question.rows)
    rows = []
    for driver in analysis.drivers if analysis else []:
        drill = replace(
            filters, survey_id=question.survey_id, question_key=question.matrix_key, row=driver.key
        )
        rows.append(
            {
                "key": driver.key,
                "label": labels.get(driver.key, driver.key),
                "importance": driver.importance,
                "share": driver.share * 100,
                "correlation": driver.correlation,
                "performance": driver.performance,
                "quadrant": driver.quadrant,
                "quadrant_label": quadrant_label(driver.quadrant),
                "url": drill_url(drill, "mean"),
            }
        )
    chart = {
        "kind": "quadrant",
        "colors": PALETTE,
        "x_label": _("Performance (mean rating, 0 to 100)"),
        "y_label": _("Importance (share of R², %)"),
        "quadrants": {key: quadrant_label(key) for key in QUADRANTS},
        "points": [
            {
                "name": row["label"],
                "x": row["performance"],
                "y": row["share"],
                "quadrant": row["quadrant"],
                "url": row["url"],
            }
            for row in rows
        ],
    }
    return {
        "question": question,
        "n": analysis.n if analysis else 0,
        "r_squared": analysis.r_squared if analysis else None,
        "rows": rows,
        "chart": chart,
    }


def funnel_panel(
    *, organization: Organization, filters: MetricFilters, minimum_n: int
) -> dict[str, Any]:
    funnel = selectors.response_funnel(
        organization=organization, filters=filters, minimum_n=minimum_n
    )
    steps = [
        (_("Delivered"), funnel.sent),
        (_("Opened"), funnel.opened),
        (_("Answered"), funnel.answered),
    ]
    top = max(funnel.sent, 1)
    return {
        "steps": [
            {
                "label": label,
                "count": count,
                "step": round(20 * count / top),
                "percent": 100 * count / top,
            }
            for label, count in steps
        ],
        "rate": funnel.response_rate,
        "rate_value": number(funnel.response_rate.value, "percent"),
        "rate_interval": interval_text(funnel.response_rate, "percent"),
    }


def fcr_tile(*, organization: Organization, filters: MetricFilters, minimum_n: int) -> Tile:
    estimate = selectors.first_contact_resolution(
        organization=organization, filters=filters, minimum_n=minimum_n
    )
    return Tile(
        key="fcr",
        label=_("First-contact resolution"),
        value=number(estimate.value, "percent"),
        interval=interval_text(estimate, "percent"),
        n=estimate.n,
        enough=estimate.enough,
        change="",
        change_note="",
        change_significant=False,
        url="",
    )


def _sla_tile(key: str, label: str, estimate: Estimate) -> Tile:
    return Tile(
        key=key,
        label=label,
        value=number(estimate.value, "percent"),
        interval=interval_text(estimate, "percent"),
        n=estimate.n,
        enough=estimate.enough,
        change="",
        change_note="",
        change_significant=False,
        url="",
    )


def sla_panel(
    *, organization: Organization, filters: MetricFilters, minimum_n: int
) -> dict[str, Any]:
    """First-response and resolution compliance of the cases opened in the period, and
    the same per priority and per team. Three queries (and one for team names)."""
    overall = selectors.sla_compliance(
        organization=organization, filters=filters, minimum_n=minimum_n
    )
    breakdowns = []
    for by, heading in (("priority", _("By priority")), ("team", _("By team"))):
        rows = selectors.sla_compliance_breakdown(
            organization=organization, filters=filters, by=by, minimum_n=minimum_n
        )
        lines = [
            {
                "label": row.label,
                "first_response": row.compliance.first_response,
                "first_response_value": number(row.compliance.first_response.value, "percent"),
                "resolution": row.compliance.resolution,
                "resolution_value": number(row.compliance.resolution.value, "percent"),
            }
            for row in rows
        ]
        breakdowns.append({"by": by, "heading": heading, "rows": lines})
    ignored = [str(selectors.DIMENSION_LABELS.get(name, name)) for name in overall.ignored]
    return {
        "tiles": [
            _sla_tile("sla_first_response", _("First response in time"), overall.first_response),
            _sla_tile("sla_resolution", _("Resolved in time"), overall.resolution),
        ],
        "breakdowns": breakdowns,
        "ignored": ignored,
    }


def csi_panel(
    *,
    organization: Organization,
    filters: MetricFilters,
    language: str,
    settings: AnalyticsSettings | None = None,
    questions: list[selectors.DriverQuestion] | None = None,
) -> dict[str, Any] | None:
    """The CSI tile: value, n, interval, and where its weights come from."""
    figure = selectors.csi_figure(
        organization=organization,
        filters=filters,
        language=language,
        settings=settings,
        questions=questions,
    )
    if figure is None:
        return None
    sources = {
        selectors.CSI_CONFIGURED: _("weights set in the analytics settings"),
        selectors.CSI_DRIVERS: _("weights from the key-driver analysis"),
        selectors.CSI_EQUAL: _("equal weights (too few answers for key drivers)"),
    }
    estimate = figure.estimate
    return {
        "tile": Tile(
            key="csi",
            label=_("Satisfaction index (CSI)"),
            value=number(estimate.value, "score"),
            interval=interval_text(estimate, "score"),
            n=estimate.n,
            enough=estimate.enough,
            change="",
            change_note="",
            change_significant=False,
            url="",
        ),
        "source": figure.source,
        "source_label": sources[figure.source],
        "weights": [
            {"label": label, "percent": 100 * weight} for _key, label, weight in figure.weights
        ],
        "question": figure.question,
    }


# --- Pages -----------------------------------------------------------------------------


def home_dashboard(*, organization: Organization) -> dict[str, Any]:
    """The home page: counts of customers, surveys, responses and feedback, the latest
    comments, and NPS, CSAT and CES over the last 90 days with the change
    from the 90 days before, the weekly NPS trend with its band, NPS by channel."""
    least = selectors.analytics_settings(organization=organization).minimum_n
    start, end = default_range(organization)
    filters = MetricFilters(date_from=start, date_to=end)
    tiles = [
        tile(organization=organization, metric=metric, filters=filters, minimum_n=least)
        for metric in HEADLINE_METRICS
    ]
    year = MetricFilters(date_from=end - dt.timedelta(days=7 * 26 - 1), date_to=end)
    _breakdown, lines, breakdown_chart = breakdown_table(
        organization=organization,
        metric="nps",
        filters=filters,
        dimension="channel",
        minimum_n=least,
    )
    surveys = list(surveys_list(organization=organization))
    return {
        "customer_count": customers_list(organization=organization).count(),
        "live_survey_count": sum(1 for survey in surveys if survey.status == "live"),
        "completed_count": sum(survey.completed_count for survey in surveys),  # type: ignore[attr-defined]
        "feedback_count": feedback_list(organization=organization).count(),
        "latest_feedback": feedback_list(organization=organization)[:8],
        "surveys": surveys,
        "tiles": tiles,
        "minimum_n": least,
        "period_start": start,
        "period_end": end,
        "trend_chart": trend_chart(
            organization=organization, metric="nps", filters=year, period="week", minimum_n=least
        ),
        "breakdown_lines": lines,
        "breakdown_chart": breakdown_chart,
    }


def analytics_page(
    *,
    organization: Organization,
    filters: MetricFilters,
    metric: str,
    period: str,
    dimension: str,
    language: str,
) -> dict[str, Any]:
    settings = selectors.analytics_settings(organization=organization)
    least = settings.minimum_n
    questions = selectors.driver_questions(organization=organization, language=language)
    if not filters.date_from and not filters.date_to:
        start, end = default_range(organization)
        filters = replace(filters, date_from=start, date_to=end)
    headline = [
        tile(organization=organization, metric=key, filters=filters, minimum_n=least)
        for key in (metric, *(m for m in HEADLINE_METRICS if m != metric))
        if METRICS[key].kind or filters.question_key
    ]
    breakdown, lines, breakdown_chart = breakdown_table(
        organization=organization,
        metric=metric,
        filters=filters,
        dimension=dimension,
        minimum_n=least,
    )
    return {
        "filters": filters,
        "metric": METRICS[metric],
        "minimum_n": least,
        "tiles": headline,
        "fcr": fcr_tile(organization=organization, filters=filters, minimum_n=least),
        "trend_chart": trend_chart(
            organization=organization,
            metric=metric,
            filters=filters,
            period=period,
            minimum_n=least,
        ),
        "histogram_chart": histogram_chart(
            organization=organization, metric=metric, filters=filters
        ),
        "breakdown": breakdown,
        "breakdown_lines": lines,
        "breakdown_chart": breakdown_chart,
        "funnel": funnel_panel(organization=organization, filters=filters, minimum_n=least),
        "sla": sla_panel(organization=organization, filters=filters, minimum_n=least),
        "csi": csi_panel(
            organization=organization,
            filters=filters,
            language=language,
            settings=settings,
            questions=questions,
        ),
        "drivers": drivers_panel(
            organization=organization, filters=filters, language=language, questions=questions
        ),
        "counted_from": "rollups" if selectors.uses_rollups(filters, dimension, metric) else "raw",
        "dimensions": DIMENSIONS,
    }
