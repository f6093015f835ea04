"""REST endpoints for alerts: list and read what fired, acknowledge and resolve.
Another organization's alert is a 404."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from clearloop.accounts.api import acting_membership
from clearloop.accounts.models import Organization
from clearloop.accounts.permissions import OrganizationScopedAPIMixin
from clearloop.accounts.roles import Capability
from clearloop.alerts import selectors, services
from clearloop.alerts.models import Alert
from clearloop.alerts.serializers import AlertSerializer


@extend_schema_view(
    list=extend_schema(summary="List alerts, newest first"),
    retrieve=extend_schema(summary="An alert: what fired, why, and where it was delivered"),
)
class AlertViewSet(
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Alert],
):
    model = Alert
    serializer_class = AlertSerializer
    required_capability = Capability.VIEW_DASHBOARDS

    def organization_queryset(self, organization: Organization) -> QuerySet[Alert]:
        return selectors.alerts_list(organization=organization)

    @extend_schema(request=None, summary="Acknowledge an open alert")
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        alert = services.alert_acknowledge(alert=self.get_object(), by=acting_membership(request))
        return Response(AlertSerializer(alert).data)

    @extend_schema(request=None, summary="Resolve an alert")
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str) -> Response:
        alert = services.alert_resolve(alert=self.get_object(), by=acting_membership(request))
        return Response(AlertSerializer(alert).data)
