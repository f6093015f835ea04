"""REST endpoints of text analysis: an item's analysis, topics (list, read, rename, set
keyword rules, merge), corrections (list, record). Reading needs VIEW_FEEDBACK; changes
need a curating role; another organization's item or topic is a 404."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clearloop.accounts.api import acting_membership
from clearloop.accounts.models import Organization
from clearloop.accounts.permissions import (
    IsOrganizationMember,
    OrganizationScopedAPIMixin,
    request_organization,
)
from clearloop.accounts.roles import Capability
from clearloop.core.api import CursorPagination
from clearloop.core.errors import NotFound
from clearloop.core.scoping import get_for_organization_or_404
from clearloop.feedback.models import FeedbackItem
from clearloop.feedback.permissions import MayCurateFeedback
from clearloop.textanalysis import selectors, services
from clearloop.textanalysis.models import Correction, Topic
from clearloop.textanalysis.serializers import (
    CorrectionCreateSerializer,
    CorrectionSerializer,
    TopicSerializer,
    TopicUpdateSerializer,
    analysis_body,
)

READ = {
    "GET": Capability.VIEW_FEEDBACK,
    "HEAD": Capability.VIEW_FEEDBACK,
    "OPTIONS": Capability.VIEW_FEEDBACK,
}
WRITE = {**READ, "POST": Capability.VIEW_FEEDBACK, "PATCH": Capability.VIEW_FEEDBACK}


class ItemAnalysisView(APIView):
    permission_classes = [IsOrganizationMember]
    required_capability = READ

    @extend_schema(summary="The text analysis of one feedback item", responses=dict)
    def get(self, request: Request, pk: int) -> Response:
        item = get_for_organization_or_404(
            FeedbackItem, organization=request_organization(request), pk=pk
        )
        return Response(analysis_body(item.pk, selectors.item_text(item=item)))


@extend_schema_view(
    list=extend_schema(summary="The organization's live topics, most texts first"),
    retrieve=extend_schema(summary="One topic"),
)
class TopicViewSet(
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    model = Topic
    serializer_class = TopicSerializer
    permission_classes = [IsOrganizationMember, MayCurateFeedback]
    required_capability = WRITE
    parser_classes = [JSONParser]
    filter_backends: list[Any] = []
    pagination_class = None

    def organization_queryset(self, organization: Organization) -> QuerySet[Topic]:
        topics = selectors.live_topics(organization=organization)
        if self.action == "retrieve":
            topics = Topic.objects.for_organization(organization)
        return topics.annotate(texts=Count("assignments")).order_by("-texts", "name", "pk")

    @extend_schema(
        summary="Rename a topic, set its keyword rules, or merge it into another",
        request=TopicUpdateSerializer,
        responses=TopicSerializer,
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        topic = self.get_object()
        body = TopicUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        by = acting_membership(request)
        if "name" in data:
            topic = services.topic_rename(topic=topic, name=data["name"], by=by)
        if "keywords" in data:
            topic = services.topic_keywords_set(topic=topic, keywords=data["keywords"], by=by)
        if "merge_into" in data:
            target = (
                Topic.objects.for_organization(topic.organization_id)
                .filter(pk=data["merge_into"])
                .first()
            )
            if target is None:
                raise NotFound(
                    _("No topic with id %(id)d.") % {"id": data["merge_into"]},
                    fields={"merge_into": "not_found"},
                )
            topic = services.topic_merge(source=topic, target=target, by=by)
        return Response(TopicSerializer(self.get_queryset().get(pk=topic.pk)).data)


@extend_schema_view(list=extend_schema(summary="Analysts' corrections and reviews, newest first"))
class CorrectionViewSet(
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    model = Correction
    serializer_class = CorrectionSerializer
    permission_classes = [IsOrganizationMember, MayCurateFeedback]
    required_capability = WRITE
    parser_classes = [JSONParser]
    filter_backends: list[Any] = []
    pagination_class = CursorPagination

    def organization_queryset(self, organization: Organization) -> QuerySet[Correction]:
        return Correction.objects.for_organization(organization)

    @extend_schema(
        summary="Record an analyst's answer for an item's sentiment, aspect or topic",
        request=CorrectionCreateSerializer,
        responses={201: CorrectionSerializer},
    )
    def create(self, request: Request) -> Response:
        body = CorrectionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        organization = request_organization(request)
        item = (
            FeedbackItem.objects.for_organization(organization).filter(pk=data.pop("item")).first()
        )
        if item is None:
            raise NotFound(_("No feedback item with this id."), fields={"item": "not_found"})
        correction = services.correction_record(item=item, by=acting_membership(request), **data)
        return Response(CorrectionSerializer(correction).data, status=status.HTTP_201_CREATED)


class AccuracyView(APIView):
    permission_classes = [IsOrganizationMember]
    required_capability = READ

    @extend_schema(summary="Measured accuracy per language, from corrections", responses=dict)
    def get(self, request: Request) -> Response:
        organization = request_organization(request)
        body = {
            kind: [
                {
                    "language": row.language,
                    "reviewed": row.reviewed,
                    "agreed": row.agreed,
                    "accuracy": round(row.accuracy, 4),
                    "interval_95": [round(v, 4) for v in row.interval],
                }
                for row in selectors.accuracy_by_language(organization=organization, kind=kind)
            ]
            for kind in ("sentiment", "aspect", "topic")
        }
        return Response(body)
