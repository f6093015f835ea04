"""REST endpoints for outbound webhooks: list and register endpoints (the secret is shown
in the creation answer), delete one, and the delivery log. Admins only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from clearloop.accounts.api import acting_membership
from clearloop.accounts.models import Organization
from clearloop.accounts.permissions import IsOrganizationMember, OrganizationScopedAPIMixin
from clearloop.accounts.roles import Capability
from clearloop.webhooks import services
from clearloop.webhooks.models import WebhookDelivery, WebhookEndpoint


class EndpointSerializer(serializers.ModelSerializer[WebhookEndpoint]):
    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "events", "active", "created_at"]
        read_only_fields = ["id", "active", "created_at"]


class EndpointCreatedSerializer(EndpointSerializer):
    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]


class DeliverySerializer(serializers.ModelSerializer[WebhookDelivery]):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "message_id",
            "event_type",
            "status",
            "attempts",
            "last_status_code",
            "last_error",
            "last_attempt_at",
            "delivered_at",
            "created_at",
        ]
        read_only_fields = fields


class EndpointViewSet(
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    model = WebhookEndpoint
    serializer_class = EndpointSerializer
    permission_classes = [IsOrganizationMember]
    required_capability = Capability.MANAGE_ORGANIZATION
    parser_classes = [JSONParser]
    filter_backends: list[Any] = []
    pagination_class = None

    def organization_queryset(self, organization: Organization) -> QuerySet[WebhookEndpoint]:
        return WebhookEndpoint.objects.for_organization(organization)

    @extend_schema(
        summary="Register an endpoint",
        request=EndpointSerializer,
        responses={201: EndpointCreatedSerializer},
    )
    def create(self, request: Request) -> Response:
        serializer = EndpointSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = acting_membership(request)
        endpoint = services.endpoint_create(
            organization=membership.organization,
            by=membership,
            url=serializer.validated_data["url"],
            events=list(serializer.validated_data.get("events") or []),
            description=serializer.validated_data.get("description", ""),
        )
        return Response(EndpointCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: WebhookEndpoint) -> None:
        services.endpoint_delete(endpoint=instance, by=acting_membership(self.request))


class DeliveryViewSet(OrganizationScopedAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    model = WebhookDelivery
    serializer_class = DeliverySerializer
    permission_classes = [IsOrganizationMember]
    required_capability = Capability.MANAGE_ORGANIZATION
    filter_backends: list[Any] = []

    def organization_queryset(self, organization: Organization) -> QuerySet[WebhookDelivery]:
        return WebhookDelivery.objects.for_organization(organization)
