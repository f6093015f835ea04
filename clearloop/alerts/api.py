"""REST endpoints for alerts: list and read what fired, acknowledge and resolve; list,
add, read and delete alert rules (every kind; bad input is a 400 naming the field).
Another organization's alert or rule is a 404."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from clearloop.accounts.api import acting_membership
from clearloop.accounts.models import Organization
from clearloop.accounts.permissions import OrganizationScopedAPIMixin
from clearloop.accounts.roles import Capability
from clearloop.alerts import selectors, services
from clearloop.alerts.models import Alert, AlertRule
from clearloop.alerts.serializers import (
    AlertRuleCreateSerializer,
    AlertRuleSerializer,
    AlertSerializer,
)
from clearloop.feedback.selectors import listening_rules_list
from clearloop.goals.forms import parse_scope
from clearloop.webhooks.models import WebhookEndpoint


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


@extend_schema_view(
    list=extend_schema(summary="List alert rules"),
    retrieve=extend_schema(summary="An alert rule"),
    destroy=extend_schema(summary="Delete an alert rule and its alerts"),
)
class AlertRuleViewSet(
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[AlertRule],
):
    model = AlertRule
    serializer_class = AlertRuleSerializer
    parser_classes = [JSONParser]
    required_capability = {
        "GET": Capability.VIEW_DASHBOARDS,
        "HEAD": Capability.VIEW_DASHBOARDS,
        "OPTIONS": Capability.VIEW_DASHBOARDS,
        "POST": Capability.MANAGE_GOALS,
        "DELETE": Capability.MANAGE_GOALS,
    }

    def organization_queryset(self, organization: Organization) -> QuerySet[AlertRule]:
        return selectors.rules_list(organization=organization)

    @extend_schema(
        summary="Add an alert rule",
        request=AlertRuleCreateSerializer,
        responses={201: AlertRuleSerializer},
    )
    def create(self, request: Request) -> Response:
        serializer = AlertRuleCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        membership = acting_membership(request)
        organization = membership.organization
        # Ids are looked up among the organization's own rows only: another organization's
        # id reads as "none chosen", which the service refuses with a 400.
        listening = None
        if data["listening_rule"]:
            listening = (
                listening_rules_list(organization=organization)
                .filter(pk=data["listening_rule"])
                .first()
            )
        endpoint = None
        if data["webhook_endpoint"]:
            endpoint = (
                WebhookEndpoint.objects.for_organization(organization)
                .filter(pk=data["webhook_endpoint"])
                .first()
            )
        rule = services.alert_rule_create(
            organization=organization,
            by=membership,
            name=str(data["name"]),
            kind=str(data["kind"]),
            metric=str(data["metric"]),
            scope=parse_scope(str(data["scope"])),
            comparison=str(data["comparison"]),
            threshold=data["threshold"],
            window_days=int(data["window_days"]),
            minimum_n=int(data["minimum_n"]),
            channels=[str(channel) for channel in data["channels"]],
            email_to=[str(address) for address in data["email_to"]],
            webhook_url=str(data["webhook_url"]),
            quiet_hours=int(data["quiet_hours"]),
            listening_rule=listening,
            webhook_endpoint=endpoint,
        )
        return Response(AlertRuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: AlertRule) -> None:
        services.alert_rule_delete(rule=instance, by=acting_membership(self.request))
