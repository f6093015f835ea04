"""REST endpoints for the organization, its members, teams and API tokens."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clearloop.accounts import selectors, services
from clearloop.accounts.authentication import TokenPrincipal
from clearloop.accounts.models import ApiToken, Membership, Organization, Team
from clearloop.accounts.permissions import OrganizationScopedAPIMixin, request_organization
from clearloop.accounts.roles import Capability
from clearloop.accounts.serializers import (
    ApiTokenCreatedSerializer,
    ApiTokenSerializer,
    MemberSerializer,
    OrganizationSerializer,
    TeamSerializer,
    WhoAmISerializer,
)


def acting_membership(request: Request) -> Membership:
    """Services take the acting member; a token acts as an unsaved membership with the
    token's role in the token's organization."""
    principal = request.user
    assert isinstance(principal, TokenPrincipal)
    return Membership(
        organization=principal.organization, role=principal.role, user=principal.token.created_by
    )


class WhoAmIView(APIView):
    @extend_schema(responses=WhoAmISerializer, summary="The organization and token in use")
    def get(self, request: Request) -> Response:
        principal = request.user
        assert isinstance(principal, TokenPrincipal)
        return Response(
            WhoAmISerializer(
                {"organization": principal.organization, "token": principal.token}
            ).data
        )


class OrganizationView(APIView):
    @extend_schema(responses=OrganizationSerializer, summary="The token's organization")
    def get(self, request: Request) -> Response:
        return Response(OrganizationSerializer(request_organization(request)).data)


class MemberViewSet(OrganizationScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    model = Membership
    serializer_class = MemberSerializer
    required_capability = Capability.VIEW_DASHBOARDS

    def organization_queryset(self, organization: Organization) -> QuerySet[Membership]:
        return selectors.members_of(organization=organization).order_by("-created_at")


class TeamViewSet(OrganizationScopedAPIMixin, viewsets.ModelViewSet):
    model = Team
    serializer_class = TeamSerializer
    required_capability = {
        "GET": Capability.VIEW_DASHBOARDS,
        "HEAD": Capability.VIEW_DASHBOARDS,
        "OPTIONS": Capability.VIEW_DASHBOARDS,
        "POST": Capability.MANAGE_TEAMS,
        "PUT": Capability.MANAGE_TEAMS,
        "PATCH": Capability.MANAGE_TEAMS,
        "DELETE": Capability.MANAGE_TEAMS,
    }

    def organization_queryset(self, organization: Organization) -> QuerySet[Team]:
        return Team.objects.for_organization(organization).prefetch_related("members")

    def perform_create(self, serializer: Any) -> None:
        by = acting_membership(self.request)
        data = serializer.validated_data
        serializer.instance = services.team_create(
            organization=by.organization,
            name=data["name"],
            description=data.get("description", ""),
            member_ids=data.get("member_ids"),
            by=by,
        )

    def perform_update(self, serializer: Any) -> None:
        by = acting_membership(self.request)
        team, data = serializer.instance, serializer.validated_data
        services.team_update(
            team=team,
            name=data.get("name", team.name),
            description=data.get("description", team.description),
            member_ids=data.get("member_ids"),
            by=by,
        )

    def perform_destroy(self, instance: Team) -> None:
        services.team_delete(team=instance, by=acting_membership(self.request))


class ApiTokenViewSet(
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Create (the secret is in the response, once), list and revoke API tokens.
    DELETE revokes: the token stays listed with `revoked_at` set."""

    model = ApiToken
    serializer_class = ApiTokenSerializer
    required_capability = Capability.MANAGE_API_TOKENS

    def organization_queryset(self, organization: Organization) -> QuerySet[ApiToken]:
        return selectors.api_tokens_of(organization=organization)

    @extend_schema(request=ApiTokenSerializer, responses={201: ApiTokenCreatedSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ApiTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        by = acting_membership(request)
        token, secret = services.api_token_create(
            organization=by.organization,
            name=serializer.validated_data["name"],
            role=serializer.validated_data["role"],
            by=by,
        )
        token.token = secret  # type: ignore[attr-defined]
        return Response(ApiTokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: ApiToken) -> None:
        services.api_token_revoke(token=instance, by=acting_membership(self.request))
