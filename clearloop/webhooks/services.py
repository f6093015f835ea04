"""Outbound webhooks: endpoints per organization, events fanned out to a delivery row per
endpoint, each delivered by a durable task that retries with backoff.

`webhooks_emit(organization_id=..., event_type="case.created", data={...})` is what other
apps call, inside their transaction: the delivery rows are written with it, and the tasks
are enqueued after commit. A delivery signs the exact body it sends (Standard Webhooks);
the message id stays the same across retries so receivers can deduplicate.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clearloop.accounts.models import Membership, Organization
from clearloop.accounts.roles import Capability
from clearloop.core.errors import PermissionDenied, ValidationFailed
from clearloop.core.tasks import enqueue_on_commit
from clearloop.intake.fetching import parse_target
from clearloop.webhooks.delivery import post_signed
from clearloop.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from clearloop.webhooks.signing import new_secret, signed_headers

logger = logging.getLogger("clearloop.webhooks")

EVENT_TYPES = ("case.created", "case.updated", "case.resolved", "alert.raised")
MAX_ATTEMPTS = 6


class DeliveryFailed(Exception):
    """Raised by a failed attempt so the durable task schedules the next one."""


def _require_admin(by: Membership) -> None:
    if not by.allows(Capability.MANAGE_ORGANIZATION):
        raise PermissionDenied(_("Only admins manage webhook endpoints."))


def _clean_events(events: list[str]) -> list[str]:
    unknown = sorted(set(events) - set(EVENT_TYPES))
    if unknown:
        raise ValidationFailed(
            _("Unknown events %(events)s; choose from %(known)s.")
            % {"events": ", ".join(unknown), "known": ", ".join(EVENT_TYPES)},
            fields={"events": unknown},
        )
    return sorted(set(events))


@transaction.atomic
def endpoint_create(
    *,
    organization: Organization,
    url: str,
    by: Membership,
    events: list[str] | None = None,
    description: str = "",
) -> WebhookEndpoint:
    _require_admin(by)
    parse_target(url)  # scheme, credentials, odd spellings; addresses are checked per send
    return WebhookEndpoint.objects.create(
        organization=organization,
        url=url.strip(),
        description=description,
        events=_clean_events(events or []),
        secret=new_secret(),
    )


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint, by: Membership) -> None:
    _require_admin(by)
    endpoint.delete()


def _body(delivery: WebhookDelivery) -> str:
    return json.dumps(
        delivery.payload, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False
    )


def _plain(payload: dict[str, Any]) -> dict[str, Any]:
    """Dates and decimals as the JSON strings receivers get."""
    result: dict[str, Any] = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    return result


def webhooks_emit(*, organization_id: int, event_type: str, data: dict[str, Any]) -> list[int]:
    """Record one delivery per interested endpoint; send each after commit."""
    assert event_type in EVENT_TYPES, event_type
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.for_organization(organization_id).filter(
            active=True
        )
        if endpoint.wants(event_type)
    ]
    return [
        webhook_send(endpoint=endpoint, event_type=event_type, data=data).pk
        for endpoint in endpoints
    ]


def webhook_send(
    *, endpoint: WebhookEndpoint, event_type: str, data: dict[str, Any]
) -> WebhookDelivery:
    """Record one delivery to `endpoint` and send it after commit (signed, retried and
    logged like every delivery). Alert rules call it for the one endpoint they name."""
    from clearloop.webhooks.tasks import webhook_deliver

    assert event_type in EVENT_TYPES, event_type
    delivery = WebhookDelivery.objects.create(
        organization_id=endpoint.organization_id,
        endpoint=endpoint,
        message_id=f"msg_{uuid.uuid4().hex}",
        event_type=event_type,
        payload=_plain({"type": event_type, "timestamp": timezone.now().isoformat(), "data": data}),
    )
    enqueue_on_commit(webhook_deliver, delivery_id=delivery.pk)
    return delivery


def _record(delivery: WebhookDelivery, **fields: Any) -> None:
    fields["updated_at"] = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)


def delivery_attempt(*, delivery_id: int) -> bool:
    """One attempt. True when delivered (or already delivered); raises DeliveryFailed on a
    failure that deserves another attempt, so the task retries with backoff."""
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None or delivery.status == DeliveryStatus.DELIVERED:
        return True
    attempt = delivery.attempts + 1
    now = timezone.now()
    body = _body(delivery)
    headers = signed_headers(
        secret=delivery.endpoint.secret,
        message_id=delivery.message_id,
        timestamp=now.astimezone(dt.UTC),
        body=body,
    )
    status_code: int | None = None
    try:
        answer = post_signed(delivery.endpoint.url, body=body, headers=headers)
        status_code = answer.status
        error = "" if 200 <= answer.status < 300 else f"HTTP {answer.status}: {answer.body[:500]}"
    except Exception as exc:  # refused address, DNS, connection: all logged on the row
        error = f"{type(exc).__name__}: {exc}"
    if not error:
        _record(
            delivery,
            status=DeliveryStatus.DELIVERED,
            attempts=attempt,
            last_status_code=status_code,
            last_error="",
            last_attempt_at=now,
            delivered_at=now,
        )
        return True
    final = attempt >= MAX_ATTEMPTS
    _record(
        delivery,
        status=DeliveryStatus.FAILED if final else DeliveryStatus.RETRYING,
        attempts=attempt,
        last_status_code=status_code,
        last_error=error[:2000],
        last_attempt_at=now,
    )
    logger.warning("webhook_failed delivery=%s attempt=%d error=%s", delivery.pk, attempt, error)
    if final:
        return False
    raise DeliveryFailed(error)
