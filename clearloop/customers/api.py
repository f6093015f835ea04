"""REST endpoints for customers and saved segments.

Reading needs `VIEW_CUSTOMERS`, writing `MANAGE_CUSTOMERS`, the privacy export
`EXPORT_DATA` and erasure `ERASE_CUSTOMER_DATA` (admins and owners); the services check
the capability again. Detail routes match integer ids only, so `customers/bulk/` (the
bulk upsert endpoints) is never taken for a customer id. Another organization's customer
or segment is a 404 on every route.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response

from clearloop.accounts.api import acting_membership
from clearloop.accounts.models import Organization
from clearloop.accounts.permissions import OrganizationScopedAPIMixin, request_organization
from clearloop.accounts.roles import Capability
from clearloop.core.api import CursorPagination
from clearloop.core.errors import NotFound
from clearloop.customers import features, segments, selectors, services
from clearloop.customers.churn import ChurnRisk
from clearloop.customers.merging import customer_merge
from clearloop.customers.models import Customer, Segment
from clearloop.customers.privacy import customer_erase, customer_export
from clearloop.customers.serializers import (
    AtRiskPageSerializer,
    AtRiskQuerySerializer,
    CustomerChurnRiskSerializer,
    CustomerErasureSerializer,
    CustomerListQuerySerializer,
    CustomerMergeResultSerializer,
    CustomerMergeSerializer,
    CustomerSerializer,
    CustomerWriteSerializer,
    SegmentSerializer,
    TimelineEntrySerializer,
    TimelinePageSerializer,
)
from clearloop.customers.timeline import PAGE_SIZE, customer_timeline

READ_OR_MANAGE = {
    "GET": Capability.VIEW_CUSTOMERS,
    "HEAD": Capability.VIEW_CUSTOMERS,
    "OPTIONS": Capability.VIEW_CUSTOMERS,
    "POST": Capability.MANAGE_CUSTOMERS,
    "PATCH": Capability.MANAGE_CUSTOMERS,
}
INTEGER_ID = "[0-9]+"


class ByIdPagination(CursorPagination):
    ordering = "pk"


def _saved_segment(organization: Organization, pk: int | None) -> Segment | None:
    if pk is None:
        return None
    segment = selectors.segments_list(organization=organization).filter(pk=pk).first()
    if segment is None:
        raise NotFound(f"No segment with id {pk}.")
    return segment


@extend_schema_view(
    list=extend_schema(
        summary="List customers (search, filter by profile fields or a saved segment)",
        parameters=[CustomerListQuerySerializer],
    ),
    retrieve=extend_schema(summary="A customer's profile"),
)
class CustomerViewSet(OrganizationScopedAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    model = Customer
    serializer_class = CustomerSerializer
    required_capability = READ_OR_MANAGE
    pagination_class = ByIdPagination
    parser_classes = [JSONParser]
    lookup_value_regex = INTEGER_ID

    def organization_queryset(self, organization: Organization) -> QuerySet[Customer]:
        query = CustomerListQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        filters = selectors.CustomerFilters(
            search=data.get("search", ""),
            segment=data.get("segment", ""),
            region=data.get("region", ""),
            country=data.get("country", ""),
            language=data.get("language", ""),
            saved_segment=_saved_segment(organization, data.get("saved_segment")),
        )
        return selectors.customers_list(organization=organization, filters=filters)

    def get_object(self) -> Customer:
        return selectors.customer_get(
            organization=request_organization(self.request), pk=self.kwargs["pk"]
        )

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(CustomerSerializer(self.get_object()).data)

    @extend_schema(
        summary="Create a customer",
        request=CustomerWriteSerializer,
        responses={201: CustomerSerializer},
    )
    def create(self, request: Request) -> Response:
        by = acting_membership(request)
        data = _write_data(request)
        customer = services.customer_create(organization=by.organization, data=data, by=by)
        return Response(CustomerSerializer(customer).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change profile fields and attributes",
        request=CustomerWriteSerializer,
        responses=CustomerSerializer,
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        customer = services.customer_update(
            customer=self.get_object(), data=_write_data(request), by=acting_membership(request)
        )
        return Response(CustomerSerializer(customer).data)

    @extend_schema(
        summary="The 360° timeline, newest first (follow `next`)",
        parameters=[OpenApiParameter("offset", OpenApiTypes.INT, required=False)],
        responses=TimelinePageSerializer,
    )
    @action(detail=True, methods=["get"])
    def timeline(self, request: Request, pk: str) -> Response:
        raw = request.query_params.get("offset", "0")
        offset = int(raw) if raw.isdigit() else 0
        page = customer_timeline(customer=self.get_object(), offset=offset, limit=PAGE_SIZE)
        following = None
        if page.next_offset is not None:
            following = request.build_absolute_uri(f"?offset={page.next_offset}")
        entries = TimelineEntrySerializer(page.entries, many=True).data
        return Response({"results": entries, "next": following})

    @extend_schema(
        summary="The customer's churn risk: score 0-100, band and each component's reason",
        responses=CustomerChurnRiskSerializer,
    )
    @action(detail=True, methods=["get"], url_path="churn-risk")
    def churn_risk(self, request: Request, pk: str) -> Response:
        customer = self.get_object()
        if customer.erased_at:
            raise NotFound(f"Customer {pk} was erased; an erased customer has no churn risk.")
        risk = features.customer_churn_risk(customer=customer)
        return Response({"customer": customer.pk, **_risk_body(risk)})

    @extend_schema(
        summary="Customers by churn risk, highest first (filter by segment and band)",
        parameters=[AtRiskQuerySerializer],
        responses=AtRiskPageSerializer,
    )
    @action(detail=False, methods=["get"], url_path="at-risk")
    def at_risk(self, request: Request) -> Response:
        query = AtRiskQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        organization = request_organization(request)
        rows = features.customers_at_risk(
            organization=organization, segment=data.get("segment", ""), band=data.get("band", "")
        )
        offset, limit = data["offset"], data["limit"]
        shown = features.with_customers(
            organization=organization, rows=rows[offset : offset + limit]
        )
        following = None
        if offset + limit < len(rows):
            following = request.build_absolute_uri(
                "?" + _query(request, offset=offset + limit, limit=limit)
            )
        results = [
            {"customer": CustomerSerializer(row.customer).data, **_risk_body(row.risk)}
            for row in shown
        ]
        return Response({"count": len(rows), "results": results, "next": following})

    @extend_schema(
        summary="Everything held about the customer, as JSON (a privacy request)",
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk: str) -> Response:
        data = customer_export(customer=self.get_object(), by=acting_membership(request))
        headers = {"Content-Disposition": f'attachment; filename="customer-{pk}.json"'}
        return Response(data, headers=headers)

    @extend_schema(
        summary="Fold a duplicate into this customer (moves every related record)",
        request=CustomerMergeSerializer,
        responses=CustomerMergeResultSerializer,
    )
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str) -> Response:
        body = CustomerMergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        organization = request_organization(request)
        keep = self.get_object()
        other = selectors.customer_get(organization=organization, pk=body.validated_data["merge"])
        audit = customer_merge(keep=keep, merge=other, by=acting_membership(request))
        return Response(CustomerMergeResultSerializer(audit).data)

    @extend_schema(
        summary="Erase the customer's personal data, irreversibly (admins only)",
        request=None,
        responses=CustomerErasureSerializer,
    )
    @action(detail=True, methods=["post"])
    def erase(self, request: Request, pk: str) -> Response:
        erasure = customer_erase(customer=self.get_object(), by=acting_membership(request))
        return Response(CustomerErasureSerializer(erasure).data)


def _risk_body(risk: ChurnRisk) -> dict[str, Any]:
    reasons = [
        {"component": r.component, "points": r.points, "code": r.code, "text": r.text}
        for r in risk.reasons
    ]
    return {"score": risk.score, "band": risk.band, "reasons": reasons}


def _query(request: Request, **changes: int) -> str:
    params = request.query_params.copy()
    for name, value in changes.items():
        params[name] = str(value)
    return str(params.urlencode())


def _write_data(request: Request) -> dict[str, Any]:
    body = CustomerWriteSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


@extend_schema_view(
    list=extend_schema(summary="Saved segments, each with its customer count"),
    retrieve=extend_schema(summary="A saved segment"),
)
class SegmentViewSet(
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    model = Segment
    serializer_class = SegmentSerializer
    # Writing is for managers and analysts: the service checks which.
    required_capability = {"GET": Capability.VIEW_CUSTOMERS, "HEAD": Capability.VIEW_CUSTOMERS}
    parser_classes = [JSONParser]
    lookup_value_regex = INTEGER_ID
    pagination_class = ByIdPagination

    def organization_queryset(self, organization: Organization) -> QuerySet[Segment]:
        return selectors.segments_list(organization=organization)

    def list(self, request: Request) -> Response:
        found = selectors.segments_with_counts(organization=request_organization(request))
        return Response({"results": SegmentSerializer(found, many=True).data})

    @extend_schema(summary="Save a segment", responses={201: SegmentSerializer})
    def create(self, request: Request) -> Response:
        body = SegmentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        by = acting_membership(request)
        segment = segments.segment_create(
            organization=by.organization,
            name=body.validated_data["name"],
            rules=body.validated_data["rules"],
            by=by,
        )
        return Response(SegmentSerializer(segment).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The segment's customers (computed now, by name)",
        responses=CustomerSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def customers(self, request: Request, pk: str) -> Response:
        members = selectors.customers_in_segment(segment=self.get_object())
        paginator = ByIdPagination()
        page = paginator.paginate_queryset(members, request, view=self)
        return paginator.get_paginated_response(CustomerSerializer(page, many=True).data)
