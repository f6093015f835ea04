"""Writes for intake: storing incoming feedback once, feeds, and the intake credentials.

Every channel (feeds, email, webhook) ends in `items_store`, which writes feedback items
idempotently by (organization, source, external id) and tells the feedback app about the
new ones in the same transaction, so an item is never stored without being indexed.
Polling lives in `polling.py`; the public endpoints' checks in `inbound.py`.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from clearloop.accounts.models import Membership, Organization
from clearloop.accounts.roles import Capability
from clearloop.core.errors import NotFound, PermissionDenied, ValidationFailed
from clearloop.customers.models import Customer
from clearloop.feedback.models import FeedbackItem
from clearloop.feedback.services import feedback_items_added
from clearloop.intake.fetching import address_refusal, parse_target
from clearloop.intake.models import MIN_POLL_MINUTES, Feed, IntakeCredentials, IntakeEvent

# Feeds are data sources, like imports: managers set them up. The mailbox and webhook
# credentials let outside systems write into the organization, like API tokens: admins.
MANAGE_FEEDS = Capability.MANAGE_CUSTOMERS
MANAGE_CREDENTIALS = Capability.MANAGE_API_TOKENS
MAILBOX_LOCAL_PART = "feedback"


def require(by: Membership, organization_id: int, capability: Capability) -> None:
    if by.organization_id != organization_id:
        raise NotFound(_("Not found."))
    if not by.allows(capability):
        raise PermissionDenied(_("Your role does not allow changing how feedback comes in."))


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- Storing items --------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerRef:
    external_id: str = ""
    email: str = ""


@dataclass(frozen=True)
class NewItem:
    source: str
    external_id: str
    text: str
    occurred_at: datetime
    language: str = ""
    rating: int | None = None
    customer: CustomerRef | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StoreOutcome:
    created_ids: list[int]
    duplicates: int


def _customers_for(organization_id: int, items: Sequence[NewItem]) -> dict[CustomerRef, int]:
    """Existing customers named by the items: by external id first, then by email address.
    Intake never creates customers: anyone can write to a mailbox, and a later import or
    merge links what is recorded in the item's metadata."""
    refs = {item.customer for item in items if item.customer}
    ids = {ref.external_id for ref in refs if ref.external_id}
    emails = {ref.email.lower() for ref in refs if ref.email}
    if not refs:
        return {}
    scoped = Customer.objects.for_organization(organization_id)
    by_id = dict(scoped.filter(external_id__in=ids).values_list("external_id", "pk"))
    by_email: dict[str, int] = {}
    rows = scoped.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    for email, pk in rows.order_by("pk").values_list("email_lower", "pk"):
        by_email.setdefault(email, pk)
    found = {ref: by_id.get(ref.external_id) or by_email.get(ref.email.lower()) for ref in refs}
    return {ref: pk for ref, pk in found.items() if pk}


def _announce(organization_id: int, item_ids: list[int]) -> None:
    """Hand new items to the feedback app (search index, listening and tag rules)."""
    feedback_items_added(organization_id=organization_id, item_ids=item_ids)


@transaction.atomic
def items_store(*, organization_id: int, items: Sequence[NewItem]) -> StoreOutcome:
    """Write the items not stored yet; (source, external id) already present are counted
    as duplicates. Safe under retries and concurrent deliveries of the same items."""
    keys = {(item.source, item.external_id) for item in items}
    existing = set(
        FeedbackItem.objects.for_organization(organization_id)
        .filter(external_id__in={external_id for _source, external_id in keys})
        .values_list("source", "external_id")
    )
    new = [item for item in items if (item.source, item.external_id) not in existing]
    customers = _customers_for(organization_id, new)
    FeedbackItem.objects.bulk_create(
        [_feedback_item(organization_id, item, customers) for item in new],
        ignore_conflicts=True,  # a concurrent delivery may have stored some meanwhile
    )
    created_ids = _ids_of(organization_id, new) if new else []
    if created_ids:
        _announce(organization_id, created_ids)
    return StoreOutcome(created_ids=created_ids, duplicates=len(items) - len(created_ids))


def _feedback_item(
    organization_id: int, item: NewItem, customers: dict[CustomerRef, int]
) -> FeedbackItem:
    return FeedbackItem(
        organization_id=organization_id,
        source=item.source,
        external_id=item.external_id,
        text=item.text,
        occurred_at=item.occurred_at,
        language=item.language,
        rating=item.rating,
        customer_id=customers.get(item.customer) if item.customer else None,
        metadata=item.metadata,
    )


def _ids_of(organization_id: int, items: Sequence[NewItem]) -> list[int]:
    wanted = {(item.source, item.external_id) for item in items}
    rows = (
        FeedbackItem.objects.for_organization(organization_id)
        .filter(external_id__in={external_id for _source, external_id in wanted})
        .values_list("pk", "source", "external_id")
    )
    return sorted(pk for pk, source, external_id in rows if (source, external_id) in wanted)


def event_record(
    *,
    organization_id: int,
    channel: str,
    outcome: str,
    message: str = "",
    stored: StoreOutcome | None = None,
    feed: Feed | None = None,
) -> IntakeEvent:
    return IntakeEvent.objects.create(
        organization_id=organization_id,
        channel=channel,
        outcome=outcome,
        feed=feed,
        items_created=len(stored.created_ids) if stored else 0,
        items_duplicate=stored.duplicates if stored else 0,
        message=message[:2000],
    )


# --- Feeds ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedSettings:
    name: str
    url: str
    source: str
    language: str = ""
    poll_interval_minutes: int = 60


def _checked_settings(organization_id: int, values: FeedSettings, feed: Feed | None) -> None:
    target = parse_target(values.url)  # scheme, credentials, odd spellings
    try:
        literal = ipaddress.ip_address(target.host)
    except ValueError:
        literal = None
    reason = address_refusal(literal) if literal else ""
    if reason:
        raise ValidationFailed(
            _("This address cannot be fetched: %(reason)s.") % {"reason": reason},
            fields={"url": "unsafe"},
        )
    if values.poll_interval_minutes < MIN_POLL_MINUTES:
        raise ValidationFailed(
            _("Poll a feed at most every %(minutes)d minutes.") % {"minutes": MIN_POLL_MINUTES},
            fields={"poll_interval_minutes": "too_often"},
        )
    clash = Feed.objects.for_organization(organization_id).filter(url=values.url.strip())
    if feed is not None:
        clash = clash.exclude(pk=feed.pk)
    if clash.exists():
        raise ValidationFailed(_("This feed has already been added."), fields={"url": "taken"})


@transaction.atomic
def feed_create(*, organization: Organization, values: FeedSettings, by: Membership) -> Feed:
    require(by, organization.pk, MANAGE_FEEDS)
    _checked_settings(organization.pk, values, None)
    return Feed.objects.create(
        organization=organization,
        name=values.name.strip(),
        url=values.url.strip(),
        source=values.source,
        language=values.language,
        poll_interval_minutes=values.poll_interval_minutes,
        next_poll_at=timezone.now(),
        created_by=by.user,
    )


@transaction.atomic
def feed_update(*, feed: Feed, values: FeedSettings, by: Membership) -> Feed:
    require(by, feed.organization_id, MANAGE_FEEDS)
    _checked_settings(feed.organization_id, values, feed)
    url_changed = feed.url != values.url.strip()
    feed.name, feed.url = values.name.strip(), values.url.strip()
    feed.source, feed.language = values.source, values.language
    feed.poll_interval_minutes = values.poll_interval_minutes
    fields = ["name", "url", "source", "language", "poll_interval_minutes", "updated_at"]
    if url_changed:  # the old validators and error belong to the old URL
        feed.etag, feed.last_modified, feed.last_error = "", "", ""
        feed.next_poll_at = timezone.now()
        fields += ["etag", "last_modified", "last_error", "next_poll_at"]
    feed.save(update_fields=fields)
    return feed


@transaction.atomic
def feed_set_active(*, feed: Feed, active: bool, by: Membership) -> Feed:
    require(by, feed.organization_id, MANAGE_FEEDS)
    feed.active = active
    feed.next_poll_at = timezone.now() if active else feed.next_poll_at
    feed.save(update_fields=["active", "next_poll_at", "updated_at"])
    return feed


@transaction.atomic
def feed_delete(*, feed: Feed, by: Membership) -> None:
    require(by, feed.organization_id, MANAGE_FEEDS)
    feed.delete()  # the items it brought in stay: they are the customers' words


# --- Credentials ----------------------------------------------------------------------


def mailbox_address(token: str) -> str:
    domain = getattr(settings, "CLEARLOOP_INBOUND_EMAIL_DOMAIN", "inbound.clearloop.test")
    return f"{MAILBOX_LOCAL_PART}+{token}@{domain}"


def _credentials_locked(organization: Organization) -> IntakeCredentials:
    credentials, _created = IntakeCredentials.objects.get_or_create(organization=organization)
    return IntakeCredentials.objects.select_for_update().get(pk=credentials.pk)


@transaction.atomic
def intake_email_rotate(*, organization: Organization, by: Membership) -> str:
    """A new mailbox token (the old address stops working); returned once, stored hashed.
    Lower-case hex, because mail systems may change the case of an address."""
    require(by, organization.pk, MANAGE_CREDENTIALS)
    token = secrets.token_hex(24)
    credentials = _credentials_locked(organization)
    credentials.email_token_hash = token_digest(token)
    credentials.email_token_prefix = token[:8]
    credentials.email_rotated_at = timezone.now()
    credentials.save(
        update_fields=["email_token_hash", "email_token_prefix", "email_rotated_at", "updated_at"]
    )
    return token


@transaction.atomic
def intake_webhook_rotate(*, organization: Organization, by: Membership) -> tuple[str, str]:
    """A new webhook URL token and signing secret, returned once (the old ones stop)."""
    require(by, organization.pk, MANAGE_CREDENTIALS)
    token, secret = secrets.token_urlsafe(32), "whsec_" + secrets.token_urlsafe(32)
    credentials = _credentials_locked(organization)
    credentials.webhook_token_hash = token_digest(token)
    credentials.webhook_token_prefix = token[:8]
    credentials.webhook_secret = secret
    credentials.webhook_rotated_at = timezone.now()
    credentials.save(
        update_fields=[
            "webhook_token_hash",
            "webhook_token_prefix",
            "webhook_secret",
            "webhook_rotated_at",
            "updated_at",
        ]
    )
    return token, secret
