"""The public intake endpoints' rules: which organization a token opens, how often it may
be used, the webhook signature, and storing what arrived.

The URL token names the organization; it is stored only as a digest. An unknown token
answers 404 like any missing page and counts towards a per-address guessing limit; a known
token is limited per minute. The webhook body must carry
`X-Clearloop-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with the secret>`.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clearloop.core.errors import ClearloopError, NotFound, RateLimited
from clearloop.feedback.models import FeedbackSource
from clearloop.intake.mail import InboundMessage, message_parse
from clearloop.intake.models import IntakeChannel, IntakeCredentials, IntakeOutcome
from clearloop.intake.services import (
    CustomerRef,
    NewItem,
    StoreOutcome,
    event_record,
    items_store,
    token_digest,
)

SIGNATURE_HEADER = "X-Clearloop-Signature"
SIGNATURE_PREFIX = "sha256="


class BadSignature(ClearloopError):
    status_code = 401
    code = "bad_signature"
    default_message = "The signature does not match the body."


class TooLarge(ClearloopError):
    status_code = 413
    code = "too_large"
    default_message = "The request body is too large."


@dataclass(frozen=True)
class Opened:
    """What a valid token opens: the organization's credentials row."""

    credentials: IntakeCredentials

    @property
    def organization_id(self) -> int:
        return self.credentials.organization_id


# --- Tokens and limits ----------------------------------------------------------------


def _window_key(key: str) -> str:
    return f"intake-rate:{key}:{int(timezone.now().timestamp() // 60)}"


def _bump(key: str) -> int:
    """Count one request in this minute's window; the count so far."""
    full_key = _window_key(key)
    cache.add(full_key, 0, timeout=120)
    try:
        return int(cache.incr(full_key))
    except ValueError:  # expired between add and incr
        return 0


def _limits() -> tuple[int, int]:
    per_token = int(getattr(settings, "CLEARLOOP_INTAKE_REQUESTS_PER_MINUTE", 120))
    misses = int(getattr(settings, "CLEARLOOP_INTAKE_MISSES_PER_MINUTE", 30))
    return per_token, misses


def token_open(*, channel: str, token: str, client_address: str) -> Opened:
    """The credentials behind `token` for `channel`, or NotFound / RateLimited."""
    per_token, misses = _limits()
    miss_key = f"miss:{client_address}"
    if int(cache.get(_window_key(miss_key), 0)) >= misses:
        raise RateLimited(_("Too many unknown intake addresses from here; wait a minute."))
    field = "email_token_hash" if channel == IntakeChannel.EMAIL else "webhook_token_hash"
    credentials = IntakeCredentials.objects.filter(**{field: token_digest(token)}).first()
    if credentials is None or not token:
        _bump(miss_key)
        raise NotFound(_("No intake endpoint has this address."))
    if _bump(f"{channel}:{credentials.pk}") > per_token:
        raise RateLimited(
            _("More than %(count)d requests this minute; retry later.") % {"count": per_token}
        )
    return Opened(credentials)


def max_bytes() -> int:
    return int(getattr(settings, "CLEARLOOP_INTAKE_MAX_BYTES", 5 * 1024 * 1024))


# --- Webhook --------------------------------------------------------------------------


def signature_for(secret: str, body: bytes) -> str:
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_signature_check(*, opened: Opened, body: bytes, signature: str) -> None:
    secret = opened.credentials.webhook_secret
    if not secret or not hmac.compare_digest(signature_for(secret, body), signature.strip()):
        event_record(
            organization_id=opened.organization_id,
            channel=IntakeChannel.WEBHOOK,
            outcome=IntakeOutcome.FAILED,
            message=_("A delivery was refused: its signature did not match."),
        )
        raise BadSignature(
            _(
                "Sign the raw body with HMAC-SHA256 using your webhook secret and send it as "
                "'%(header)s: sha256=<hex digest>'."
            )
            % {"header": SIGNATURE_HEADER}
        )


def webhook_items_store(*, opened: Opened, items: list[NewItem]) -> StoreOutcome:
    with transaction.atomic():
        stored = items_store(organization_id=opened.organization_id, items=items)
        event_record(
            organization_id=opened.organization_id,
            channel=IntakeChannel.WEBHOOK,
            outcome=IntakeOutcome.OK,
            stored=stored,
            message=_("%(count)d items received.") % {"count": len(items)},
        )
    return stored


# --- Email ----------------------------------------------------------------------------


def _email_item(message: InboundMessage) -> NewItem:
    return NewItem(
        source=FeedbackSource.EMAIL,
        external_id=message.message_id,
        text=message.text,
        occurred_at=message.sent_at or timezone.now(),
        customer=CustomerRef(email=message.sender_email) if message.sender_email else None,
        metadata={
            "subject": message.subject,
            "from": message.sender_email,
            "from_name": message.sender_name,
            "message_id": message.message_id,
            "attachments": message.attachment_count,
        },
    )


def email_receive(*, opened: Opened, raw: bytes) -> tuple[StoreOutcome, InboundMessage]:
    """Store one raw message as an email feedback item (once, by Message-ID)."""
    message = message_parse(raw)
    with transaction.atomic():
        stored = items_store(organization_id=opened.organization_id, items=[_email_item(message)])
        event_record(
            organization_id=opened.organization_id,
            channel=IntakeChannel.EMAIL,
            outcome=IntakeOutcome.OK,
            stored=stored,
            message=message.subject or message.sender_email,
        )
    return stored, message
