"""Demo dashboards: one the manager shares with the whole organization, one shared with
the first support team (its agents' CSAT), and one the analyst keeps private."""

from __future__ import annotations

from clearloop.accounts.models import Membership, Organization, Team
from clearloop.accounts.roles import Role
from clearloop.boards.models import TileKind, Visibility
from clearloop.boards.services import dashboard_create, tile_add


def _member(organization: Organization, role: str) -> Membership:
    return Membership.objects.filter(organization=organization, role=role).order_by(
        "pk"
    ).first() or (Membership.objects.get(organization=organization, role=Role.OWNER))


def seed_dashboards(*, organization: Organization) -> None:
    manager = _member(organization, Role.MANAGER)
    review = dashboard_create(
        by=manager,
        name="Service review",
        description="What the weekly service meeting looks at.",
        visibility=Visibility.ORGANIZATION,
        window_days=90,
    )
    for kind, metric, dimension in (
        (TileKind.BREAKDOWN, "nps", "channel"),
        (TileKind.DRIVERS, "", ""),
        (TileKind.COMMENTS, "", ""),
    ):
        tile_add(
            dashboard=review,
            by=manager,
            kind=kind,
            metric=metric or "nps",
            dimension=dimension or "channel",
        )
    team = Team.objects.for_organization(organization).order_by("name").first()
    if team is not None:
        board = dashboard_create(
            by=manager,
            name=f"{team.name}: satisfaction",
            visibility=Visibility.TEAM,
            team=team,
            window_days=30,
            filters={"team": str(team.pk)},
            starter_tiles=False,
        )
        tile_add(dashboard=board, by=manager, kind=TileKind.METRIC, metric="csat")
        tile_add(dashboard=board, by=manager, kind=TileKind.TREND, metric="csat", period="day")
        tile_add(
            dashboard=board, by=manager, kind=TileKind.BREAKDOWN, metric="csat", dimension="agent"
        )
    analyst = _member(organization, Role.ANALYST)
    regions = dashboard_create(
        by=analyst, name="Regions and languages", window_days=180, starter_tiles=False
    )
    tile_add(
        dashboard=regions, by=analyst, kind=TileKind.BREAKDOWN, metric="nps", dimension="region"
    )
    tile_add(
        dashboard=regions, by=analyst, kind=TileKind.BREAKDOWN, metric="ces", dimension="language"
    )
    tile_add(dashboard=regions, by=analyst, kind=TileKind.HISTOGRAM, metric="nps")
