"""REST endpoints for dashboards: list and read those the token may see (shared with the
organization, or made by the token's creator or shared with their teams), create, change
and delete them, add and remove tiles, and read every tile's figures as JSON — the same
numbers the page draws. Another organization's dashboard, or someone's private one, is a
404."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from clearloop.accounts.api import acting_membership
from clearloop.accounts.models import Membership, Team
from clearloop.accounts.roles import Capability
from clearloop.boards import selectors, services
from clearloop.boards.models import Dashboard, DashboardTile
from clearloop.boards.serializers import (
    DashboardSerializer,
    DashboardWriteSerializer,
    TileSerializer,
    TileWriteSerializer,
)
from clearloop.core.errors import NotFound, ValidationFailed


def _team(membership: Membership, team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.for_organization(membership.organization_id).filter(pk=team_id).first()
    if team is None:
        raise NotFound(f"No team with id {team_id}.")
    return team


class DashboardViewSet(viewsets.ViewSet):
    required_capability = Capability.VIEW_DASHBOARDS
    serializer_class = DashboardSerializer
    queryset = Dashboard.objects.none()  # for the schema only: it types the id; reads scope

    def _get(self, request: Request, pk: Any) -> Dashboard:
        if not str(pk).isdigit():
            raise NotFound("No such dashboard.")
        return selectors.dashboard_get(membership=acting_membership(request), pk=int(pk))

    @extend_schema(summary="Dashboards the token may see", responses=DashboardSerializer(many=True))
    def list(self, request: Request) -> Response:
        dashboards = selectors.dashboards_visible(
            membership=acting_membership(request)
        ).prefetch_related("tiles")
        return Response(DashboardSerializer(dashboards, many=True).data)

    @extend_schema(summary="A dashboard and its tiles", responses=DashboardSerializer)
    def retrieve(self, request: Request, pk: Any = None) -> Response:
        return Response(DashboardSerializer(self._get(request, pk)).data)

    @extend_schema(
        summary="Create a dashboard (with tiles, or the starter tiles)",
        request=DashboardWriteSerializer,
        responses={201: DashboardSerializer},
    )
    def create(self, request: Request) -> Response:
        data = DashboardWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        membership = acting_membership(request)
        tiles = values.get("tiles")
        with transaction.atomic():
            dashboard = services.dashboard_create(
                by=membership,
                name=values["name"],
                description=values["description"],
                visibility=values["visibility"],
                team=_team(membership, values["team"]),
                window_days=int(values["window_days"]),
                filters=values["filters"],
                starter_tiles=tiles is None,
            )
            for tile in tiles or []:
                services.tile_add(dashboard=dashboard, by=membership, **tile)
        return Response(DashboardSerializer(dashboard).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a dashboard's name, sharing, period or filters",
        request=DashboardWriteSerializer,
        responses=DashboardSerializer,
    )
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        dashboard = self._get(request, pk)
        membership = acting_membership(request)
        current = {
            "name": dashboard.name,
            "description": dashboard.description,
            "visibility": dashboard.visibility,
            "team": dashboard.team_id,
            "window_days": dashboard.window_days,
            "filters": dashboard.filters,
        }
        data = DashboardWriteSerializer(data={**current, **request.data})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values.get("tiles") is not None:
            raise ValidationFailed("Change tiles through /dashboards/{id}/tiles/.")
        services.dashboard_update(
            dashboard=dashboard,
            by=membership,
            name=values["name"],
            description=values["description"],
            visibility=values["visibility"],
            team=_team(membership, values["team"]),
            window_days=int(values["window_days"]),
            filters=values["filters"],
        )
        return Response(DashboardSerializer(dashboard).data)

    @extend_schema(summary="Delete a dashboard", responses={204: None})
    def destroy(self, request: Request, pk: Any = None) -> Response:
        services.dashboard_delete(dashboard=self._get(request, pk), by=acting_membership(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Every tile's figures: value, n, interval, chart points, breakdown rows",
        responses=OpenApiResponse(description="The dashboard's period, filters and panels"),
    )
    @action(detail=True, methods=["get"])
    def figures(self, request: Request, pk: Any = None) -> Response:
        dashboard = self._get(request, pk)
        board = selectors.dashboard_panels(dashboard=dashboard, language=request.LANGUAGE_CODE)
        filters = board.filters
        body = {
            "id": dashboard.pk,
            "name": dashboard.name,
            "minimum_n": board.minimum_n,
            "date_from": filters.date_from.isoformat() if filters and filters.date_from else None,
            "date_to": filters.date_to.isoformat() if filters and filters.date_to else None,
            "filters": dashboard.filters,
            "panels": [selectors.panel_json(panel) for panel in board.panels],
        }
        return Response(body)

    @extend_schema(
        summary="Add a tile", request=TileWriteSerializer, responses={201: TileSerializer}
    )
    @action(detail=True, methods=["post"], url_path="tiles")
    def tiles(self, request: Request, pk: Any = None) -> Response:
        dashboard = self._get(request, pk)
        data = TileWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tile = services.tile_add(
            dashboard=dashboard, by=acting_membership(request), **data.validated_data
        )
        return Response(TileSerializer(tile).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Remove a tile", responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"tiles/(?P<tile_id>\d+)")
    def tile_remove(self, request: Request, pk: Any = None, tile_id: str = "") -> Response:
        dashboard = self._get(request, pk)
        tile = DashboardTile.objects.filter(dashboard=dashboard, pk=int(tile_id)).first()
        if tile is None:
            raise NotFound(f"No tile with id {tile_id} on this dashboard.")
        services.tile_remove(tile=tile, by=acting_membership(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
