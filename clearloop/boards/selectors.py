"""Reads of dashboards: which a person may see, and each tile's figures computed through
`analytics` (rollups where they hold the figure), ready for the page and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from clearloop.accounts.models import Membership, Team
from clearloop.analytics import dashboards as panels
from clearloop.analytics import selectors as analytics
from clearloop.analytics.selectors import MetricFilters
from clearloop.boards.models import Dashboard, DashboardTile, TileKind, Visibility
from clearloop.core.errors import ClearloopError, NotFound
from clearloop.customers.models import Segment
from clearloop.feedback.selectors import feedback_list
from clearloop.surveys.models import Survey

COMMENTS_SHOWN = 8


def dashboards_visible(*, membership: Membership) -> QuerySet[Dashboard]:
    """Shared with everyone, shared with one of the person's teams, or their own."""
    teams = Team.objects.filter(
        organization_id=membership.organization_id, members=membership.user_id
    )
    return (
        Dashboard.objects.for_organization(membership.organization_id)
        .filter(
            Q(visibility=Visibility.ORGANIZATION)
            | Q(visibility=Visibility.TEAM, team__in=teams)
            | Q(created_by_id=membership.user_id)
        )
        .select_related("created_by", "team")
        .distinct()
    )


def dashboard_get(*, membership: Membership, pk: int) -> Dashboard:
    """A dashboard the person may see; anything else (another organization's, someone
    else's private one) is a NotFound, so ids reveal nothing."""
    found = dashboards_visible(membership=membership).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such dashboard."))
    return found


def tile_get(*, membership: Membership, pk: int) -> DashboardTile:
    tile = DashboardTile.objects.select_related("dashboard").filter(pk=pk).first()
    if tile is None:
        raise NotFound(_("No such tile."))
    dashboard_get(membership=membership, pk=tile.dashboard_id)
    return tile


def dashboard_filters(dashboard: Dashboard) -> MetricFilters:
    """The saved filters over the dashboard's window of days ending today."""
    filters = analytics.filters_for(organization=dashboard.organization, params=dashboard.filters)
    end = panels.today_in(dashboard.organization)
    return replace(
        filters, date_from=end - dt.timedelta(days=dashboard.window_days - 1), date_to=end
    )


@dataclass
class Panel:
    """One tile as shown: its heading, what it holds (per kind) or why it cannot show."""

    tile: DashboardTile
    heading: str
    element_id: str
    data: dict[str, Any] = field(default_factory=dict)
    error: str = ""


def _heading(tile: DashboardTile) -> str:
    if tile.title:
        return tile.title
    kind = TileKind(tile.kind).label
    if tile.kind in (TileKind.DRIVERS, TileKind.COMMENTS):
        return str(kind)
    metric = str(analytics.METRICS[tile.metric].label) if tile.metric in analytics.METRICS else ""
    if tile.kind == TileKind.BREAKDOWN:
        return _("%(metric)s by %(dimension)s") % {
            "metric": metric,
            "dimension": str(
                analytics.DIMENSION_LABELS.get(tile.dimension, tile.dimension)
            ).lower(),
        }
    if tile.kind == TileKind.TREND:
        return _("%(metric)s trend") % {"metric": metric}
    if tile.kind == TileKind.HISTOGRAM:
        return _("%(metric)s: distribution of answers") % {"metric": metric}
    return metric


def _tile_data(
    dashboard: Dashboard, tile: DashboardTile, filters: MetricFilters, least: int, language: str
) -> dict[str, Any]:
    organization = dashboard.organization
    if tile.kind == TileKind.METRIC:
        figure = analytics.metric_figure(
            organization=organization, metric=tile.metric, filters=filters, minimum_n=least
        )
        shown = panels.tile_of(figure, metric=tile.metric, filters=filters)
        return {"tile": shown, "estimate": figure.estimate}
    if tile.kind == TileKind.TREND:
        chart = panels.trend_chart(
            organization=organization,
            metric=tile.metric,
            filters=filters,
            period=tile.period,
            minimum_n=least,
        )
        return {"chart": chart}
    if tile.kind == TileKind.HISTOGRAM:
        chart = panels.histogram_chart(
            organization=organization, metric=tile.metric, filters=filters
        )
        return {"chart": chart}
    if tile.kind == TileKind.BREAKDOWN:
        breakdown, lines, chart = panels.breakdown_table(
            organization=organization,
            metric=tile.metric,
            filters=filters,
            dimension=tile.dimension,
            minimum_n=least,
        )
        label = analytics.DIMENSION_LABELS.get(tile.dimension, tile.dimension)
        return {
            "chart": chart,
            "lines": lines,
            "correction": breakdown.correction,
            "dimension_label": str(label),
        }
    if tile.kind == TileKind.DRIVERS:
        return {
            "drivers": panels.drivers_panel(
                organization=organization, filters=filters, language=language
            )
        }
    items = feedback_list(organization=organization).filter(
        occurred_at__date__gte=filters.date_from
    )
    return {"items": list(items[:COMMENTS_SHOWN])}


@dataclass
class Board:
    panels: list[Panel]
    minimum_n: int
    filters: MetricFilters | None  # None when the saved filters no longer hold


def dashboard_panels(*, dashboard: Dashboard, language: str) -> Board:
    """Every tile's figures and the minimum n they were judged by. A tile whose figure
    cannot be computed (a metric that needs a question the filters do not name, a survey
    deleted since) says why instead of breaking the dashboard."""
    least = analytics.analytics_settings(organization=dashboard.organization).minimum_n
    try:
        filters: MetricFilters | None = dashboard_filters(dashboard)
        problem = ""
    except ClearloopError as error:
        filters, problem = None, error.message
    shown = []
    for tile in dashboard.tiles.all():
        panel = Panel(tile=tile, heading=_heading(tile), element_id=f"tile-{tile.pk}-data")
        if filters is None:
            panel.error = problem
        else:
            try:
                panel.data = _tile_data(dashboard, tile, filters, least, language)
            except ClearloopError as error:
                panel.error = error.message
        shown.append(panel)
    return Board(panels=shown, minimum_n=least, filters=filters)


def panel_json(panel: Panel) -> dict[str, Any]:
    """A tile's figures for the API: the same numbers the page draws."""
    body: dict[str, Any] = {
        "id": panel.tile.pk,
        "kind": panel.tile.kind,
        "heading": panel.heading,
        "metric": panel.tile.metric,
        "period": panel.tile.period,
        "dimension": panel.tile.dimension,
    }
    if panel.error:
        return {**body, "error": panel.error}
    data = panel.data
    if "tile" in data:
        shown = data["tile"]
        estimate = data["estimate"]
        body["figure"] = {
            "value": estimate.value,
            "low": estimate.low,
            "high": estimate.high,
            "n": estimate.n,
            "enough": estimate.enough,
            "shown": shown.value,
            "interval": shown.interval,
            "change": shown.change,
            "change_note": shown.change_note,
            "change_significant": shown.change_significant,
        }
    if "chart" in data:
        body["chart"] = data["chart"]
    if "lines" in data:
        body["rows"] = [asdict(line) for line in data["lines"]]
    if "drivers" in data:
        drivers = data["drivers"]
        body["drivers"] = (
            None
            if drivers is None
            else {"n": drivers["n"], "r_squared": drivers["r_squared"], "rows": drivers["rows"]}
        )
    if "items" in data:
        body["items"] = [
            {
                "id": item.pk,
                "source": item.source,
                "language": item.language,
                "text": item.text[:500],
                "occurred_at": item.occurred_at.isoformat(),
            }
            for item in data["items"]
        ]
    return body


def filter_labels(dashboard: Dashboard) -> list[tuple[str, str]]:
    """The saved filters in words, for the dashboard's heading."""
    labels = dict(analytics.DIMENSION_LABELS)
    names = {
        "survey": _("Survey"),
        "question": _("Question"),
        "row": _("Attribute"),
        "product": _("Product"),
        "saved_segment": _("Saved segment"),
        "hidden_key": _("Hidden field"),
        "hidden_value": _("Hidden field value"),
    }
    surveys = dict(
        Survey.objects.for_organization(dashboard.organization_id).values_list("pk", "name")
    )
    segments = dict(
        Segment.objects.for_organization(dashboard.organization_id).values_list("pk", "name")
    )
    choices = (
        analytics.dimension_values(organization=dashboard.organization)
        if set(dashboard.filters) & set(analytics.DIMENSIONS)
        else {}
    )
    shown = []
    for key, value in dashboard.filters.items():
        if key in choices:
            value = dict(choices[key]).get(value, value)
        elif key == "survey" and value.isdigit():
            value = surveys.get(int(value), value)
        elif key == "saved_segment" and value.isdigit():
            value = segments.get(int(value), value)
        shown.append((str(labels.get(key) or names.get(key, key)), str(value)))
    return shown
