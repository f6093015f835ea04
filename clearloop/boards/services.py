"""Writes of dashboards and their tiles. Anyone who may read dashboards may build their
own; a dashboard is changed by the person who made it or by an organization admin."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from clearloop.accounts.models import Membership, Team
from clearloop.accounts.roles import Capability
from clearloop.analytics import selectors as analytics
from clearloop.boards.models import (
    MAX_TILES,
    WINDOWS,
    Dashboard,
    DashboardTile,
    TileKind,
    Visibility,
)
from clearloop.core.errors import NotFound, PermissionDenied, ValidationFailed

# The Analytics page's filters a dashboard may keep; dates come from its window.
FILTER_KEYS = (
    "survey",
    "question",
    "row",
    "product",
    "saved_segment",
    "hidden_key",
    "hidden_value",
    *analytics.DIMENSIONS,
)


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def can_edit(membership: Membership, dashboard: Dashboard) -> bool:
    return dashboard.organization_id == membership.organization_id and (
        dashboard.created_by_id == membership.user_id
        or membership.allows(Capability.MANAGE_ORGANIZATION)
    )


def _require_reader(by: Membership) -> None:
    if not by.allows(Capability.VIEW_DASHBOARDS):
        raise PermissionDenied(_("Your role does not allow dashboards."))


def _require_editor(by: Membership, dashboard: Dashboard) -> None:
    if dashboard.organization_id != by.organization_id:
        raise NotFound(_("No such dashboard."))
    if not can_edit(by, dashboard):
        raise PermissionDenied(
            _("Only the person who made this dashboard or an admin can change it.")
        )


def filters_clean(*, by: Membership, filters: Mapping[str, Any]) -> dict[str, str]:
    """Keep the known filter keys with a value, checked as the Analytics page checks them
    (another organization's survey or segment is a NotFound)."""
    unknown = sorted(set(filters) - set(FILTER_KEYS))
    if unknown:
        raise _invalid(
            "filters",
            _("Unknown filter %(names)s; use %(known)s.")
            % {"names": ", ".join(unknown), "known": ", ".join(FILTER_KEYS)},
        )
    cleaned = {key: str(value).strip()[:120] for key, value in filters.items() if value}
    cleaned = {key: value for key, value in cleaned.items() if value}
    analytics.filters_for(organization=by.organization, params=cleaned)
    return cleaned


def _sharing(by: Membership, visibility: str, team: Team | None) -> Team | None:
    if visibility not in Visibility.values:
        raise _invalid("visibility", _("Choose who the dashboard is shared with."))
    if visibility != Visibility.TEAM:
        return None
    if team is None or team.organization_id != by.organization_id:
        raise _invalid("team", _("Choose the team to share the dashboard with."))
    return team


def _fields(
    by: Membership,
    name: str,
    description: str,
    visibility: str,
    team: Team | None,
    window_days: int,
    filters: Mapping[str, Any],
) -> dict[str, Any]:
    name = name.strip()
    if not name:
        raise _invalid("name", _("Give the dashboard a name."))
    if window_days not in WINDOWS:
        raise _invalid(
            "window_days",
            _("The period must be one of %(days)s days.") % {"days": ", ".join(map(str, WINDOWS))},
        )
    return {
        "name": name[:120],
        "description": description.strip()[:300],
        "visibility": visibility,
        "team": _sharing(by, visibility, team),
        "window_days": window_days,
        "filters": filters_clean(by=by, filters=filters),
    }


@transaction.atomic
def dashboard_create(
    *,
    by: Membership,
    name: str,
    description: str = "",
    visibility: str = Visibility.PRIVATE,
    team: Team | None = None,
    window_days: int = 90,
    filters: Mapping[str, Any] | None = None,
    starter_tiles: bool = True,
) -> Dashboard:
    """A new dashboard; with `starter_tiles` it begins with NPS, CSAT and CES figures and
    the weekly NPS trend, which the owner then rearranges."""
    _require_reader(by)
    fields = _fields(by, name, description, visibility, team, window_days, filters or {})
    dashboard = Dashboard.objects.create(organization=by.organization, created_by=by.user, **fields)
    if starter_tiles:
        for metric in ("nps", "csat", "ces"):
            tile_add(dashboard=dashboard, by=by, kind=TileKind.METRIC, metric=metric)
        tile_add(dashboard=dashboard, by=by, kind=TileKind.TREND, metric="nps", period="week")
    return dashboard


@transaction.atomic
def dashboard_update(
    *,
    dashboard: Dashboard,
    by: Membership,
    name: str,
    description: str,
    visibility: str,
    team: Team | None,
    window_days: int,
    filters: Mapping[str, Any],
) -> Dashboard:
    _require_editor(by, dashboard)
    for field, value in _fields(
        by, name, description, visibility, team, window_days, filters
    ).items():
        setattr(dashboard, field, value)
    dashboard.save(
        update_fields=[
            "name",
            "description",
            "visibility",
            "team",
            "window_days",
            "filters",
            "updated_at",
        ]
    )
    return dashboard


@transaction.atomic
def dashboard_delete(*, dashboard: Dashboard, by: Membership) -> None:
    _require_editor(by, dashboard)
    dashboard.delete()


@transaction.atomic
def dashboard_copy(*, dashboard: Dashboard, by: Membership) -> Dashboard:
    """A private copy of a dashboard someone shared, to change freely."""
    _require_reader(by)
    if dashboard.organization_id != by.organization_id:
        raise NotFound(_("No such dashboard."))
    copy = Dashboard.objects.create(
        organization=by.organization,
        created_by=by.user,
        name=(_("Copy of %(name)s") % {"name": dashboard.name})[:120],
        description=dashboard.description,
        visibility=Visibility.PRIVATE,
        window_days=dashboard.window_days,
        filters=dict(dashboard.filters),
    )
    DashboardTile.objects.bulk_create(
        DashboardTile(
            dashboard=copy,
            kind=tile.kind,
            metric=tile.metric,
            period=tile.period,
            dimension=tile.dimension,
            title=tile.title,
            position=tile.position,
        )
        for tile in dashboard.tiles.all()
    )
    return copy


def _tile_fields(kind: str, metric: str, period: str, dimension: str) -> dict[str, str]:
    if kind not in TileKind.values:
        raise _invalid(
            "kind",
            _("Unknown tile kind; use one of %(kinds)s.") % {"kinds": ", ".join(TileKind.values)},
        )
    if kind in (TileKind.DRIVERS, TileKind.COMMENTS):
        return {"metric": "", "period": "", "dimension": ""}
    if metric not in analytics.METRICS:
        raise _invalid(
            "metric",
            _("Unknown metric; use one of %(metrics)s.")
            % {"metrics": ", ".join(analytics.METRICS)},
        )
    fields = {"metric": metric, "period": "", "dimension": ""}
    if kind == TileKind.TREND:
        if period not in analytics.PERIODS:
            raise _invalid(
                "period",
                _("Unknown period; use one of %(periods)s.")
                % {"periods": ", ".join(analytics.PERIODS)},
            )
        fields["period"] = period
    if kind == TileKind.BREAKDOWN:
        if dimension not in analytics.DIMENSIONS:
            raise _invalid(
                "dimension",
                _("Unknown breakdown; use one of %(dimensions)s.")
                % {"dimensions": ", ".join(analytics.DIMENSIONS)},
            )
        fields["dimension"] = dimension
    return fields


@transaction.atomic
def tile_add(
    *,
    dashboard: Dashboard,
    by: Membership,
    kind: str,
    metric: str = "nps",
    period: str = "week",
    dimension: str = "channel",
    title: str = "",
) -> DashboardTile:
    _require_editor(by, dashboard)
    fields = _tile_fields(kind, metric, period, dimension)
    tiles = DashboardTile.objects.select_for_update().filter(dashboard=dashboard)
    if tiles.count() >= MAX_TILES:
        raise _invalid("kind", _("A dashboard holds at most %(max)d tiles.") % {"max": MAX_TILES})
    last = tiles.aggregate(last=Max("position"))["last"]
    return DashboardTile.objects.create(
        dashboard=dashboard,
        kind=kind,
        title=title.strip()[:120],
        position=0 if last is None else last + 1,
        **fields,
    )


@transaction.atomic
def tile_remove(*, tile: DashboardTile, by: Membership) -> None:
    _require_editor(by, tile.dashboard)
    tile.delete()


@transaction.atomic
def tile_move(*, tile: DashboardTile, by: Membership, step: int) -> None:
    """Swap the tile with its neighbour before (`step` = -1) or after (+1)."""
    _require_editor(by, tile.dashboard)
    tiles = list(DashboardTile.objects.select_for_update().filter(dashboard=tile.dashboard_id))
    index = next(i for i, other in enumerate(tiles) if other.pk == tile.pk)
    other = index + (1 if step > 0 else -1)
    if not 0 <= other < len(tiles):
        return
    tiles[index], tiles[other] = tiles[other], tiles[index]
    for position, each in enumerate(tiles):
        each.position = position
    DashboardTile.objects.bulk_update(tiles, ["position"])
