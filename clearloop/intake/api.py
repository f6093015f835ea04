"""Public intake endpoints: a raw email and a signed JSON webhook, per organization; and
the feeds API (token-authenticated, like every other API).

Neither uses API tokens or cookies (mail relays and other tools post here), so both are
CSRF-exempt by construction; the path token names the organization and, for the webhook,
an HMAC signature proves the sender knows the secret. Errors are problem details.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
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
from clearloop.core.api import PROBLEM_CONTENT_TYPE, problem
from clearloop.core.errors import NotFound, ValidationFailed
from clearloop.intake import inbound, selectors, services
from clearloop.intake.models import Feed, IntakeChannel
from clearloop.intake.serializers import (
    EmailReceiptSerializer,
    FeedSerializer,
    WebhookBatchSerializer,
    WebhookReceiptSerializer,
    webhook_items,
)

EMAIL_TYPES = {"message/rfc822", "text/plain", "application/octet-stream"}
PROBLEMS = {
    400: OpenApiResponse(description="Bad input; `errors` says where"),
    401: OpenApiResponse(description="Missing or wrong signature (webhook)"),
    404: OpenApiResponse(description="Unknown intake address"),
    413: OpenApiResponse(description="Body too large"),
    415: OpenApiResponse(description="Unsupported content type (email)"),
    429: OpenApiResponse(description="Too many requests"),
}


def _client_address(request: Request) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _raw_body(request: Request) -> bytes:
    """The body, read from the stream up to the intake limit (Django's in-memory upload
    limit is smaller than an email with attachments)."""
    limit = inbound.max_bytes()
    length = request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and int(length) > limit:
        raise inbound.TooLarge(_("Send at most %(mb)d MB.") % {"mb": limit >> 20})
    body = request._request.read(limit + 1)
    if len(body) > limit:
        raise inbound.TooLarge(_("Send at most %(mb)d MB.") % {"mb": limit >> 20})
    if not body:
        raise ValidationFailed(_("The request body is empty."), fields={"body": "required"})
    return body


class _PublicIntakeView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    parser_classes: list[Any] = []  # the raw body is read as is


class EmailIntakeView(_PublicIntakeView):
    @extend_schema(
        summary="Receive one raw email (RFC 822) as feedback",
        description=(
            "Post the message bytes exactly as received, with `Content-Type: message/rfc822`. "
            "Idempotent by Message-ID. Attachments are counted, not stored."
        ),
        parameters=[OpenApiParameter("token", str, OpenApiParameter.PATH)],
        request={"message/rfc822": OpenApiTypes.BINARY},
        responses={200: EmailReceiptSerializer, **PROBLEMS},
        tags=["intake"],
    )
    def post(self, request: Request, token: str) -> Response:
        opened = inbound.token_open(
            channel=IntakeChannel.EMAIL, token=token, client_address=_client_address(request)
        )
        raw = _raw_body(request)
        content_type = (request.content_type or "").split(";")[0].strip().lower()
        if content_type not in EMAIL_TYPES:
            return _unsupported(content_type)
        stored, message = inbound.email_receive(opened=opened, raw=raw)
        body = {"created": bool(stored.created_ids), "message_id": message.message_id}
        return Response(EmailReceiptSerializer(body).data)


def _unsupported(content_type: str) -> Response:
    detail = _("Send the raw message as message/rfc822, not %(type)s.") % {
        "type": content_type or _("nothing")
    }
    return Response(
        problem(415, "unsupported_media_type", detail),
        status=415,
        content_type=PROBLEM_CONTENT_TYPE,
    )


class WebhookIntakeView(_PublicIntakeView):
    @extend_schema(
        summary="Receive feedback items from another tool (signed JSON)",
        description=(
            "Sign the raw body: `X-Clearloop-Signature: sha256=<hex HMAC-SHA256 with your "
            'webhook secret>`. Send one item or `{"items": [...]}` (up to 1000). '
            "Idempotent by (source, external_id); any bad item refuses the whole request."
        ),
        parameters=[
            OpenApiParameter("token", str, OpenApiParameter.PATH),
            OpenApiParameter(inbound.SIGNATURE_HEADER, str, OpenApiParameter.HEADER, required=True),
        ],
        request=WebhookBatchSerializer,
        responses={200: WebhookReceiptSerializer, **PROBLEMS},
        tags=["intake"],
    )
    def post(self, request: Request, token: str) -> Response:
        opened = inbound.token_open(
            channel=IntakeChannel.WEBHOOK, token=token, client_address=_client_address(request)
        )
        body = _raw_body(request)
        signature = request.headers.get(inbound.SIGNATURE_HEADER, "")
        inbound.webhook_signature_check(opened=opened, body=body, signature=signature)
        items = webhook_items(_json(body))
        stored = inbound.webhook_items_store(opened=opened, items=items)
        receipt = {
            "received": len(items),
            "created": len(stored.created_ids),
            "duplicates": stored.duplicates,
        }
        return Response(WebhookReceiptSerializer(receipt).data)


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationFailed(
            _("The body is not valid JSON: %(error)s") % {"error": error},
            fields={"body": "invalid_json"},
        ) from error


@extend_schema_view(
    list=extend_schema(summary="The organization's RSS/Atom feeds"),
    retrieve=extend_schema(summary="One feed with its polling state"),
    create=extend_schema(summary="Add a feed (polled within minutes)"),
    partial_update=extend_schema(summary="Change a feed; a new URL is polled afresh"),
    destroy=extend_schema(summary="Delete a feed (the items it brought in stay)"),
)
class FeedViewSet(
    OrganizationScopedAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Feeds are data sources, as on the intake pages: managing them takes the same
    capability, and the same checks refuse URLs we never fetch (private networks,
    credentials in the URL, other schemes, odd spellings of an address)."""

    model = Feed
    serializer_class = FeedSerializer
    permission_classes = [IsOrganizationMember]
    required_capability = services.MANAGE_FEEDS
    parser_classes = [JSONParser]
    filter_backends: list[Any] = []
    pagination_class = None

    def organization_queryset(self, organization: Organization) -> QuerySet[Feed]:
        return selectors.feeds_of(organization=organization)

    def get_object(self) -> Feed:
        pk = self.kwargs["pk"]
        feed = self.get_queryset().filter(pk=pk).first()
        if feed is None:
            raise NotFound(_("No feed with id %(id)s.") % {"id": pk})
        return feed

    def create(self, request: Request) -> Response:
        body = FeedSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        by = acting_membership(request)
        with transaction.atomic():
            feed = services.feed_create(
                organization=request_organization(request), values=body.settings(), by=by
            )
            if not body.validated_data.get("active", True):
                feed = services.feed_set_active(feed=feed, active=False, by=by)
        return Response(FeedSerializer(feed).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, pk: str) -> Response:
        feed = self.get_object()
        body = FeedSerializer(feed, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        by = acting_membership(request)
        with transaction.atomic():
            feed = services.feed_update(feed=feed, values=body.settings(feed), by=by)
            active = body.validated_data.get("active")
            if active is not None and active != feed.active:
                feed = services.feed_set_active(feed=feed, active=active, by=by)
        return Response(FeedSerializer(feed).data)

    def destroy(self, request: Request, pk: str) -> Response:
        services.feed_delete(feed=self.get_object(), by=acting_membership(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
