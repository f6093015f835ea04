"""REST endpoints for goals: list, read (with progress and plans) and create (the SMART
check of `services.goal_create`). Reading needs `VIEW_DASHBOARDS`, creating `MANAGE_GOALS`;
another organization's goal is a 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from clearloop.accounts.api import acting_membership
from clearloop.accounts.models import Organization, User
from clearloop.accounts.permissions import OrganizationScopedAPIMixin, request_organization
from clearloop.accounts.roles import Capability
from clearloop.core.api import CursorPagination
from clearloop.goals import selectors, services
from clearloop.goals.measure import Scope
from clearloop.goals.models import Goal
from clearloop.goals.serializers import (
    GoalDetailSerializer,
    GoalSerializer,
    GoalWriteSerializer,
    ProgressSerializer,
)


class ByIdPagination(CursorPagination):
    ordering = "pk"


@extend_schema_view(
    list=extend_schema(summary="List goals"),
    retrieve=extend_schema(summary="A goal with its progress, forecast and action plans"),
    create=extend_schema(summary="Set a goal (checked to be SMART)", request=GoalWriteSerializer),
)
class GoalViewSet(
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Goal],
):
    model = Goal
    serializer_class = GoalSerializer
    pagination_class = ByIdPagination
    required_capability = {
        "GET": Capability.VIEW_DASHBOARDS,
        "HEAD": Capability.VIEW_DASHBOARDS,
        "OPTIONS": Capability.VIEW_DASHBOARDS,
        "POST": Capability.MANAGE_GOALS,
    }

    def organization_queryset(self, organization: Organization) -> QuerySet[Goal]:
        return Goal.objects.for_organization(organization).prefetch_related("plans__tasks")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        goal = self.get_object()
        body = dict(GoalDetailSerializer(goal).data)
        body["progress"] = ProgressSerializer(selectors.goal_progress(goal=goal)).data
        return Response(body)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = GoalWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        organization = request_organization(request)
        goal = services.goal_create(
            organization=organization,
            by=acting_membership(request),
            name=values["name"],
            metric=values["metric"],
            scope=Scope(values["scope_kind"], values["scope_value"]),
            baseline_start=values["baseline_start"],
            baseline_end=values["baseline_end"],
            target=values["target"],
            deadline=values["deadline"],
            owner=User.objects.filter(pk=values["owner"]).first(),
        )
        return Response(GoalSerializer(goal).data, status=status.HTTP_201_CREATED)
