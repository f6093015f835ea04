"""REST endpoints of cases: list (filters as in the queue, cursor pages), read one, update
(status, priority, owner, details, resolve, note) and its event history. Reading needs
VIEW_CASES, updating WORK_CASES; another organization's case is a 404.

The rules that open cases: list, add (conditions validated by `clearloop.cases.rules`; a
bad one is a 400 naming it), read and delete one; MANAGE_CASE_RULES."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from clearloop.accounts.api import acting_membership
from clearloop.accounts.models import Membership, Organization, Team
from clearloop.accounts.permissions import IsOrganizationMember, OrganizationScopedAPIMixin
from clearloop.accounts.roles import Capability
from clearloop.cases import hooks, selectors, services
from clearloop.cases.models import Case, CaseRule, CaseStatus
from clearloop.cases.serializers import (
    CaseEventSerializer,
    CaseListQuerySerializer,
    CaseRuleCreateSerializer,
    CaseRuleSerializer,
    CaseSerializer,
    CaseUpdateSerializer,
)
from clearloop.core.api import CursorPagination
from clearloop.core.errors import ValidationFailed
from clearloop.core.scoping import get_for_organization_or_404

READ = {
    "GET": Capability.VIEW_CASES,
    "HEAD": Capability.VIEW_CASES,
    "OPTIONS": Capability.VIEW_CASES,
}


class ByDueTime(CursorPagination):
    ordering = ("-created_at", "-pk")  # type: ignore[assignment]


@extend_schema_view(
    list=extend_schema(
        summary="Cases, newest first, filtered", parameters=[CaseListQuerySerializer]
    ),
    retrieve=extend_schema(summary="One case"),
)
class CaseViewSet(
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    model = Case
    serializer_class = CaseSerializer
    permission_classes = [IsOrganizationMember]
    required_capability = {**READ, "PATCH": Capability.WORK_CASES}
    pagination_class = ByDueTime
    parser_classes = [JSONParser]
    filter_backends: list[Any] = []

    def _membership(self) -> Membership:
        return acting_membership(self.request)

    def organization_queryset(self, organization: Organization) -> QuerySet[Case]:
        cases = Case.objects.for_organization(organization).select_related("owner")
        if self.action != "list":
            return cases
        query = CaseListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        filters = selectors.CaseFilters(
            view=str(data.get("view", "")),
            status=str(data.get("status", "")),
            priority=str(data.get("priority", "")),
            owner=data.get("owner"),
            team=data.get("team"),
            q=str(data.get("q", "")),
            customer=data.get("customer"),
        )
        if not filters.view and not filters.status:
            filters = selectors.CaseFilters(**{**filters.__dict__, "view": "all"})
        membership = self._membership()
        listed = selectors.cases_list(membership=membership, filters=filters)
        return listed.order_by("-created_at", "-pk")

    @extend_schema(summary="Change a case", request=CaseUpdateSerializer, responses=CaseSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        case = self.get_object()
        serializer = CaseUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        by = self._membership()
        if "owner" in data:
            case = services.case_assign(case=case, owner=self._owner(case, data["owner"]), by=by)
        if "priority" in data:
            case = services.case_set_priority(case=case, priority=str(data["priority"]), by=by)
        if {"subject", "category", "tags"} & set(data):
            case = services.case_update_details(
                case=case,
                by=by,
                subject=data.get("subject"),
                category=data.get("category"),
                tags=data.get("tags"),
            )
        if "note" in data:
            services.case_add_note(case=case, body=str(data["note"]), by=by)
        status = data.get("status")
        if status == CaseStatus.RESOLVED:
            case = services.case_resolve(
                case=case,
                root_cause=str(data.get("root_cause", "")),
                corrective_action=str(data.get("corrective_action", "")),
                by=by,
            )
        elif status:
            case = services.case_change_status(case=case, status=str(status), by=by)
        return Response(CaseSerializer(Case.objects.get(pk=case.pk)).data)

    def _owner(self, case: Case, email: Any) -> Any:
        if email is None:
            return None
        membership = (
            Membership.objects.filter(
                organization_id=case.organization_id, user__email__iexact=str(email)
            )
            .select_related("user")
            .first()
        )
        if membership is None:
            raise ValidationFailed(
                _("No member with this email address."), fields={"owner": "not_member"}
            )
        return membership.user

    @extend_schema(
        summary="The case's history, oldest first", responses=CaseEventSerializer(many=True)
    )
    @action(detail=True, methods=["get"])
    def events(self, request: Request, pk: str) -> Response:
        case = self.get_object()
        return Response(CaseEventSerializer(selectors.case_events(case=case), many=True).data)


@extend_schema_view(
    list=extend_schema(summary="The rules that open cases, in the order they are tried"),
    retrieve=extend_schema(summary="One case rule"),
    destroy=extend_schema(summary="Delete a case rule"),
)
class CaseRuleViewSet(
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    model = CaseRule
    serializer_class = CaseRuleSerializer
    permission_classes = [IsOrganizationMember]
    required_capability = Capability.MANAGE_CASE_RULES
    parser_classes = [JSONParser]
    filter_backends: list[Any] = []
    pagination_class = None

    def organization_queryset(self, organization: Organization) -> QuerySet[CaseRule]:
        return selectors.rules_list(organization_id=organization.pk)

    @extend_schema(
        summary="Add a rule",
        request=CaseRuleCreateSerializer,
        responses={201: CaseRuleSerializer},
    )
    def create(self, request: Request) -> Response:
        serializer = CaseRuleCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        membership = acting_membership(request)
        organization = membership.organization
        team = None
        if data.get("team"):
            team = get_for_organization_or_404(Team, organization=organization, pk=data["team"])
        rule = services.rule_create(
            organization=organization,
            by=membership,
            name=str(data["name"]),
            conditions=data["conditions"],
            match_all=bool(data.get("match_all", True)),
            topic=str(data.get("topic", "")),
            team=team,
            category=str(data.get("category", "")),
        )
        hooks.rules_changed(organization.pk)
        return Response(CaseRuleSerializer(rule).data, status=201)

    def perform_destroy(self, instance: CaseRule) -> None:
        services.rule_delete(rule=instance, by=acting_membership(self.request))
        hooks.rules_changed(instance.organization_id)
