"""Bulk upsert endpoints, one per kind of record:

    POST /api/v1/customers/bulk/      {"records": [...]}   upsert by external_id, else email
    POST /api/v1/orders/bulk/                              upsert by external_id
    POST /api/v1/interactions/bulk/                        upsert by external_id
    POST /api/v1/feedback/bulk/                            upsert by (source, external_id)

Up to `API_MAX_RECORDS` records a call (more: 413). Every record is validated first. By
default a call is all or nothing: any bad record gives a 400 problem listing every bad
record (index, field, reason) and nothing is written. With `?on_error=skip` the good
records are written and the bad ones reported. The answer counts created, updated,
unchanged and skipped records; sending the same call again changes nothing. All need
`MANAGE_CUSTOMERS`; customers named in records are looked up, or created, in the token's
organization only.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clearloop.accounts.api import acting_membership
from clearloop.accounts.permissions import request_organization
from clearloop.core.errors import ValidationFailed
from clearloop.imports import services
from clearloop.imports.models import ImportKind
from clearloop.imports.serializers import BulkRequestSerializer, BulkResultSerializer

MAX_BODY_BYTES = 32 * 1024 * 1024
"""A bound of its own: 5,000 feedback records with long texts exceed Django's 2.5 MB
default for request bodies, which this endpoint does not read through."""


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"
    default_detail = "The request is too large."


def _records(request: Request) -> list[Any]:
    if request.content_type.split(";")[0].strip() != "application/json":
        raise exceptions.UnsupportedMediaType(request.content_type)
    body = request.stream.read(MAX_BODY_BYTES + 1) if request.stream else b""
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLarge(_("Send at most %(max)d MB a call.") % {"max": MAX_BODY_BYTES >> 20})
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationFailed(_("The body is not valid JSON."), fields={"body": "json"}) from error
    if not isinstance(data, dict) or not isinstance(data.get("records"), list):
        raise ValidationFailed(
            _('Send {"records": [...]}, a JSON object with a list of records.'),
            fields={"records": "required"},
        )
    records: list[Any] = data["records"]
    if len(records) > services.API_MAX_RECORDS:
        raise PayloadTooLarge(
            _("Send at most %(max)d records a call; this one has %(count)d.")
            % {"max": services.API_MAX_RECORDS, "count": len(records)}
        )
    return records


class BulkUpsertView(APIView):
    kind: str
    required_capability = services.CAPABILITY
    parser_classes = [JSONParser]

    @extend_schema(
        request=BulkRequestSerializer,
        responses={200: BulkResultSerializer},
        parameters=[
            OpenApiParameter(
                "on_error",
                OpenApiTypes.STR,
                enum=["stop", "skip"],
                description="stop (default): all or nothing. skip: write the good records.",
            )
        ],
    )
    def post(self, request: Request) -> Response:
        on_error = request.query_params.get("on_error", "stop")
        if on_error not in ("stop", "skip"):
            raise ValidationFailed(_("on_error is stop or skip."), fields={"on_error": "invalid"})
        outcome = services.bulk_upsert(
            organization=request_organization(request),
            kind=self.kind,
            records=_records(request),
            skip_bad=on_error == "skip",
            by=acting_membership(request),
        )
        errors = [
            {"index": error.row, "field": error.column, "reason": error.reason}
            for error in outcome.errors
        ]
        return Response(BulkResultSerializer({**outcome.counts.as_dict(), "errors": errors}).data)


class CustomerBulkView(BulkUpsertView):
    """Upsert customers by external_id, else email: external_id, email, name, phone,
    language, region, country, segment."""

    kind = ImportKind.CUSTOMERS


class OrderBulkView(BulkUpsertView):
    """Upsert orders by external_id: external_id, customer_external_id or customer_email,
    product, amount, currency, ordered_at."""

    kind = ImportKind.ORDERS


class InteractionBulkView(BulkUpsertView):
    """Upsert interactions by external_id: external_id, customer_external_id or
    customer_email, channel, agent_email, started_at, ended_at, wait_seconds,
    resolved_on_first_contact, notes."""

    kind = ImportKind.INTERACTIONS


class FeedbackBulkView(BulkUpsertView):
    """Upsert feedback items by (source, external_id); without an external id, by a hash
    of the content: external_id, source, text, occurred_at, rating, language,
    customer_external_id or customer_email, site, url, author."""

    kind = ImportKind.FEEDBACK
