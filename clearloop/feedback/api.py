"""REST endpoints of the feedback inbox: list (the inbox's filters and search, cursor
pages), create one item, read one, set its tags; list and create tags; list, save and
delete saved views. Reading needs
VIEW_FEEDBACK, creating items MANAGE_CUSTOMERS (integrations pushing data), tagging a
curating role; another organization's item or tag is a 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from clearloop.accounts.api import acting_membership
from clearloop.accounts.models import Membership, Organization
from clearloop.accounts.permissions import (
    IsOrganizationMember,
    OrganizationScopedAPIMixin,
    request_organization,
)
from clearloop.accounts.roles import Capability
from clearloop.core.api import CursorPagination
from clearloop.core.errors import NotFound, ValidationFailed
from clearloop.customers.models import Customer
from clearloop.feedback import selectors, services
from clearloop.feedback.models import FeedbackItem, SavedView, Tag
from clearloop.feedback.permissions import MayCurateFeedback
from clearloop.feedback.serializers import (
    FeedbackItemCreateSerializer,
    FeedbackItemSerializer,
    FeedbackItemUpdateSerializer,
    FeedbackListQuerySerializer,
    SavedViewCreateSerializer,
    SavedViewSerializer,
    TagSerializer,
)

READ = {
    "GET": Capability.VIEW_FEEDBACK,
    "HEAD": Capability.VIEW_FEEDBACK,
    "OPTIONS": Capability.VIEW_FEEDBACK,
}


class NewestFirst(CursorPagination):
    ordering = ("-occurred_at", "-pk")  # type: ignore[assignment]  # DRF takes a tuple too


def _filters(params: Any) -> selectors.FeedbackFilters:
    query = FeedbackListQuerySerializer(data=params)
    query.is_valid(raise_exception=True)
    data = query.validated_data
    return selectors.FeedbackFilters(
        q=data.get("q", ""),
        source=data.get("source", ""),
        channel=data.get("channel", ""),
        language=data.get("language", ""),
        rating=data.get("rating", ""),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        segment=data.get("segment", ""),
        tag=data.get("tag"),
        sentiment=data.get("sentiment", ""),
        topic=data.get("topic"),
        aspect=data.get("aspect", ""),
        signal=data.get("signal", ""),
        has_case=data.get("has_case", ""),
    )


def _customer(organization: Organization, pk: int | None) -> Customer | None:
    if pk is None:
        return None
    customer = Customer.objects.for_organization(organization).filter(pk=pk).first()
    if customer is None:
        raise NotFound(
            _("No customer with id %(id)d.") % {"id": pk}, fields={"customer": "not_found"}
        )
    return customer


@extend_schema_view(
    list=extend_schema(
        summary="The feedback inbox: every channel, newest first, filtered and searched",
        parameters=[FeedbackListQuerySerializer],
    ),
    retrieve=extend_schema(summary="One feedback item with its tags"),
)
class FeedbackViewSet(
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    model = FeedbackItem
    serializer_class = FeedbackItemSerializer
    permission_classes = [IsOrganizationMember, MayCurateFeedback]
    required_capability = {
        **READ,
        "POST": Capability.MANAGE_CUSTOMERS,
        "PATCH": Capability.VIEW_FEEDBACK,
    }
    pagination_class = NewestFirst
    parser_classes = [JSONParser]
    filter_backends: list[Any] = []

    def organization_queryset(self, organization: Organization) -> QuerySet[FeedbackItem]:
        filters = _filters(self.request.query_params) if self.action == "list" else None
        items = selectors.feedback_list(organization=organization, filters=filters)
        return selectors.with_display(items)

    def get_object(self) -> FeedbackItem:
        return selectors.feedback_detail(
            organization=request_organization(self.request), pk=self.kwargs["pk"]
        )

    def get_permissions(self) -> list[Any]:
        if self.action == "create":  # creating data is not curating: MANAGE_CUSTOMERS decides
            return [IsOrganizationMember()]
        return list(super().get_permissions())

    @extend_schema(
        summary="Store one feedback item (bulk loads go through the bulk endpoint)",
        request=FeedbackItemCreateSerializer,
        responses={201: FeedbackItemSerializer},
    )
    def create(self, request: Request) -> Response:
        serializer = FeedbackItemCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organization = request_organization(request)
        data["customer"] = _customer(organization, data.get("customer"))
        item = services.feedback_item_create(organization=organization, **data)
        body = FeedbackItemSerializer(
            selectors.feedback_detail(organization=organization, pk=item.pk)
        ).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Set the item's tags (by name)",
        request=FeedbackItemUpdateSerializer,
        responses=FeedbackItemSerializer,
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        item = self.get_object()
        serializer = FeedbackItemUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        names = serializer.validated_data["tags"]
        tags = list(Tag.objects.for_organization(item.organization_id).filter(name__in=names))
        unknown = sorted(set(names) - {tag.name for tag in tags})
        if unknown:
            raise ValidationFailed(
                _("No tag named %(names)s; create it first.") % {"names": ", ".join(unknown)},
                fields={"tags": unknown},
            )
        services.item_tags_set(item=item, tags=tags, by=acting_membership(request))
        return Response(FeedbackItemSerializer(self.get_object()).data)


@extend_schema_view(
    list=extend_schema(summary="The organization's tags"),
    create=extend_schema(summary="Create a tag", responses={201: TagSerializer}),
)
class TagViewSet(
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    model = Tag
    serializer_class = TagSerializer
    permission_classes = [IsOrganizationMember, MayCurateFeedback]
    required_capability = {**READ, "POST": Capability.VIEW_FEEDBACK}
    parser_classes = [JSONParser]
    filter_backends: list[Any] = []
    pagination_class = None

    def organization_queryset(self, organization: Organization) -> QuerySet[Tag]:
        return selectors.tags_list(organization=organization)

    def perform_create(self, serializer: Any) -> None:
        membership = acting_membership(self.request)
        serializer.instance = services.tag_create(
            organization=membership.organization, by=membership, **serializer.validated_data
        )


def _saved_view_member(request: Request) -> Membership:
    """Whose personal views a token reaches: its creator's, in the token's organization,
    with the token's role (a token never acts above its role). A token whose creator is
    no longer a member reaches the shared views only."""
    acting = acting_membership(request)
    member = (
        Membership.objects.filter(organization_id=acting.organization_id, user_id=acting.user_id)
        .select_related("organization")
        .first()
        if acting.user_id
        else None
    )
    if member is None:
        return acting
    member.role = acting.role  # in memory only
    return member


@extend_schema_view(
    list=extend_schema(summary="Saved inbox views: the shared ones and the token owner's own"),
    destroy=extend_schema(summary="Delete a saved view"),
)
class SavedViewViewSet(
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    model = SavedView
    serializer_class = SavedViewSerializer
    permission_classes = [IsOrganizationMember]
    required_capability = {
        **READ,
        "POST": Capability.VIEW_FEEDBACK,
        "DELETE": Capability.VIEW_FEEDBACK,
    }
    parser_classes = [JSONParser]
    filter_backends: list[Any] = []
    pagination_class = None

    def organization_queryset(self, organization: Organization) -> QuerySet[SavedView]:
        member = _saved_view_member(self.request)
        if member.pk is None:
            return SavedView.objects.for_organization(organization).filter(owner__isnull=True)
        return selectors.saved_views_for(membership=member)

    def get_object(self) -> SavedView:
        pk = self.kwargs["pk"]
        view = self.get_queryset().filter(pk=pk).first()
        if view is None:  # another organization's, another member's, or none at all
            raise NotFound(_("No saved view with id %(id)s.") % {"id": pk})
        return view

    @extend_schema(
        summary="Save an inbox view",
        request=SavedViewCreateSerializer,
        responses={201: SavedViewSerializer},
    )
    def create(self, request: Request) -> Response:
        body = SavedViewCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        member = _saved_view_member(request)
        if member.pk is None and not body.validated_data["shared"]:
            raise ValidationFailed(
                _("This token's owner is no longer a member; it can save shared views only."),
                fields={"shared": "required"},
            )
        view = services.saved_view_create(membership=member, **body.validated_data)
        return Response(SavedViewSerializer(view).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: SavedView) -> None:
        services.saved_view_delete(view=instance, by=_saved_view_member(self.request))
