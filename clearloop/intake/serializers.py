"""Shapes of the intake API: webhook items in, receipts out; feeds.

A webhook batch is checked whole before anything is written; every problem is reported as
`{"index": n, "field": "text", "reason": "..."}` so the sender can fix all of them at once.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from clearloop.accounts.models import Language
from clearloop.core.errors import ValidationFailed
from clearloop.feedback.models import FeedbackSource
from clearloop.intake.models import MIN_POLL_MINUTES, Feed
from clearloop.intake.services import CustomerRef, FeedSettings, NewItem
from clearloop.surveys.serializers import LANGUAGE_CODES, CodeField

MAX_ITEMS = 1000
MAX_TEXT = 20_000
MAX_METADATA_BYTES = 10_000
WEBHOOK_SOURCES = [choice for choice in FeedbackSource.values if choice != "survey_comment"]


class WebhookCustomerSerializer(serializers.Serializer[dict[str, Any]]):
    external_id = serializers.CharField(max_length=120, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)


class WebhookItemSerializer(serializers.Serializer[dict[str, Any]]):
    source = serializers.ChoiceField(choices=WEBHOOK_SOURCES)  # type: ignore[assignment]
    external_id = serializers.CharField(
        max_length=200, help_text="The item's id in your tool; a retry with it changes nothing."
    )
    text = serializers.CharField(max_length=MAX_TEXT)
    customer = WebhookCustomerSerializer(required=False, allow_null=True)
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)
    language = serializers.ChoiceField(choices=Language.values, required=False, allow_blank=True)
    metadata = serializers.DictField(required=False)

    def validate_metadata(self, value: dict[str, Any]) -> dict[str, Any]:
        if len(json.dumps(value, ensure_ascii=False).encode()) > MAX_METADATA_BYTES:
            raise serializers.ValidationError(_("Keep metadata under 10 kB."))
        return value


class WebhookBatchSerializer(serializers.Serializer[dict[str, Any]]):
    """The body: `{"items": [...]}` (up to 1000), or a single item object."""

    items = WebhookItemSerializer(many=True)


class WebhookReceiptSerializer(serializers.Serializer[dict[str, Any]]):
    received = serializers.IntegerField()
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()


class EmailReceiptSerializer(serializers.Serializer[dict[str, Any]]):
    created = serializers.BooleanField(help_text="False when this Message-ID was already stored.")
    message_id = serializers.CharField()


def _problems(errors: Any, index: int, prefix: str = "") -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for name, reasons in errors.items():
        if isinstance(reasons, dict):
            found += _problems(reasons, index, f"{prefix}{name}.")
            continue
        for reason in reasons:
            field = "item" if name == "non_field_errors" else f"{prefix}{name}"
            found.append({"index": index, "field": field, "reason": str(reason)})
    return found


def _raw_items(payload: Any) -> list[Any]:
    raw = payload.get("items") if isinstance(payload, dict) and "items" in payload else [payload]
    if not isinstance(raw, list) or not raw:
        raise ValidationFailed(_('Send one item object or {"items": [ ... ]} with at least one.'))
    if len(raw) > MAX_ITEMS:
        raise ValidationFailed(
            _("Send at most %(count)d items per request.") % {"count": MAX_ITEMS},
            fields={"items": "too_many"},
        )
    return raw


def _duplicates(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    first_at: dict[tuple[str, str], int] = {}
    problems = []
    for index, item in enumerate(items):
        key = (item["source"], item["external_id"])
        if key in first_at:
            reason = _("The same source and external id as item %(index)d.")
            problems.append(
                {
                    "index": index,
                    "field": "external_id",
                    "reason": reason % {"index": first_at[key]},
                }
            )
        first_at.setdefault(key, index)
    return problems


def _new_item(data: dict[str, Any]) -> NewItem:
    customer = data.get("customer") or {}
    ref = CustomerRef(customer.get("external_id", ""), customer.get("email", ""))
    return NewItem(
        source=data["source"],
        external_id=data["external_id"].strip(),
        text=data["text"].strip(),
        occurred_at=data.get("occurred_at") or timezone.now(),
        language=data.get("language") or "",
        rating=data.get("rating"),
        customer=ref if ref.external_id or ref.email else None,
        metadata=data.get("metadata") or {},
    )


def webhook_items(payload: Any) -> list[NewItem]:
    """The items of a webhook body, or `ValidationFailed` listing every problem."""
    raw = _raw_items(payload)
    problems: list[dict[str, Any]] = []
    valid: list[dict[str, Any]] = []
    for index, entry in enumerate(raw):
        serializer = WebhookItemSerializer(data=entry)
        if serializer.is_valid():
            valid.append(serializer.validated_data)
        else:
            problems += _problems(serializer.errors, index)
    if not problems:
        problems = _duplicates(valid)
    if problems:
        raise ValidationFailed(
            _("%(count)d problems in the items; nothing was stored.") % {"count": len(problems)},
            fields={"items": problems},
        )
    return [_new_item(data) for data in valid]


class FeedSerializer(serializers.ModelSerializer[Feed]):
    """A feed as the API shows it and takes it (POST whole, PATCH any fields)."""

    url = serializers.URLField(max_length=2000, help_text="An http(s) RSS or Atom address.")
    source = CodeField(  # type: ignore[assignment]  # a declared field, not Field.source
        choices=[(code, code) for code in WEBHOOK_SOURCES], default=FeedbackSource.REVIEW
    )
    language = CodeField(choices=LANGUAGE_CODES, required=False, allow_blank=True, default="")
    poll_interval_minutes = serializers.IntegerField(
        min_value=MIN_POLL_MINUTES, max_value=10_080, default=60
    )
    active = serializers.BooleanField(required=False, default=True)

    class Meta:
        model = Feed
        fields = [
            "id",
            "name",
            "url",
            "source",
            "language",
            "poll_interval_minutes",
            "active",
            "next_poll_at",
            "last_polled_at",
            "last_success_at",
            "last_error",
            "items_fetched",
        ]
        read_only_fields = [
            "next_poll_at",
            "last_polled_at",
            "last_success_at",
            "last_error",
            "items_fetched",
        ]

    def settings(self, feed: Feed | None = None) -> FeedSettings:
        """The validated body as the services take it; a PATCH keeps what it leaves out."""
        data = self.validated_data

        def value(name: str) -> Any:
            if name in data:
                return data[name]
            return getattr(feed, name)

        return FeedSettings(
            name=value("name"),
            url=value("url"),
            source=value("source"),
            language=value("language"),
            poll_interval_minutes=value("poll_interval_minutes"),
        )
