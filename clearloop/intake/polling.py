"""Polling feeds: which are due, claiming one so two workers never poll it together, and
turning its entries into feedback items.

A poll that fails because of the feed (unreachable, refused address, malformed XML) is not
a task failure: the reason is stored on the feed in words, the attempt is logged, and the
feed is tried again at its next interval. Anything unexpected releases the claim and is
raised, so the task layer retries it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clearloop.core.errors import ValidationFailed
from clearloop.intake.feeds import ParsedFeed, feed_parse
from clearloop.intake.fetching import Conditional, Resolver, fetch_url, system_resolver
from clearloop.intake.models import Feed, IntakeChannel, IntakeOutcome
from clearloop.intake.services import NewItem, StoreOutcome, event_record, items_store

CLAIM_TIMEOUT = timedelta(minutes=10)
"""A claim older than this belongs to a worker that died; the feed may be polled again."""


def feeds_due_ids(*, now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    due = Feed.objects.filter(active=True).filter(
        Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now)
    )
    return list(due.order_by("next_poll_at", "pk").values_list("pk", flat=True))


def feed_claim(*, feed_id: int) -> Feed | None:
    """Mark the feed as being polled, if it is due and nobody else polls it; else None."""
    now = timezone.now()
    claimed = (
        Feed.objects.filter(pk=feed_id, active=True)
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .filter(Q(polling_since__isnull=True) | Q(polling_since__lt=now - CLAIM_TIMEOUT))
        .update(polling_since=now)
    )
    return Feed.objects.get(pk=feed_id) if claimed else None


def feed_fetch_and_parse(*, url: str, resolve: Resolver = system_resolver) -> ParsedFeed:
    """What the "Test" button shows: the feed at `url` fetched safely and parsed."""
    return feed_parse(fetch_url(url, resolve=resolve).content)


def _items(feed: Feed, parsed: ParsedFeed) -> list[NewItem]:
    now = timezone.now()
    return [
        NewItem(
            source=feed.source,
            external_id=entry.external_id,
            text=entry.text,
            occurred_at=entry.occurred_at or now,
            language=feed.language,
            metadata={
                "url": entry.url,
                "author": entry.author,
                "title": entry.title,
                "feed": feed.name,
                "feed_id": feed.pk,
            },
        )
        for entry in parsed.entries
    ]


def _finish(feed: Feed, *, error: str = "", stored: StoreOutcome | None = None) -> None:
    now = timezone.now()
    feed.polling_since = None
    feed.last_polled_at = now
    feed.next_poll_at = now + feed.interval
    feed.last_error = error
    fields = ["polling_since", "last_polled_at", "next_poll_at", "last_error", "updated_at"]
    if not error:
        feed.last_success_at = now
        fields += ["last_success_at", "etag", "last_modified"]
    if stored:
        feed.items_fetched += len(stored.created_ids)
        fields.append("items_fetched")
    feed.save(update_fields=fields)


@transaction.atomic
def _store_poll(feed: Feed, etag: str, last_modified: str, parsed: ParsedFeed) -> StoreOutcome:
    stored = items_store(organization_id=feed.organization_id, items=_items(feed, parsed))
    feed.etag, feed.last_modified = etag[:500], last_modified[:100]
    _finish(feed, stored=stored)
    event_record(
        organization_id=feed.organization_id,
        channel=IntakeChannel.FEED,
        outcome=IntakeOutcome.OK,
        stored=stored,
        feed=feed,
        message=_("%(count)d entries in the feed.") % {"count": len(parsed.entries)},
    )
    return stored


def _record_failure(feed: Feed, error: str) -> None:
    _finish(feed, error=error)
    event_record(
        organization_id=feed.organization_id,
        channel=IntakeChannel.FEED,
        outcome=IntakeOutcome.FAILED,
        feed=feed,
        message=error,
    )


def _record_unchanged(feed: Feed) -> None:
    _finish(feed)
    event_record(
        organization_id=feed.organization_id,
        channel=IntakeChannel.FEED,
        outcome=IntakeOutcome.UNCHANGED,
        feed=feed,
        message=_("Not modified since the last poll."),
    )


def feed_poll(*, feed_id: int, resolve: Resolver = system_resolver) -> StoreOutcome | None:
    """Poll one feed if it is due and unclaimed; None when there was nothing to do."""
    feed = feed_claim(feed_id=feed_id)
    if feed is None:
        return None
    try:
        conditional = Conditional(etag=feed.etag, last_modified=feed.last_modified)
        result = fetch_url(feed.url, conditional=conditional, resolve=resolve)
        if result.not_modified:
            _record_unchanged(feed)
            return StoreOutcome(created_ids=[], duplicates=0)
        parsed = feed_parse(result.content)
        etag = result.headers.get("etag", "")
        return _store_poll(feed, etag, result.headers.get("last-modified", ""), parsed)
    except ValidationFailed as error:
        _record_failure(feed, error.message)
        return None
    except BaseException:
        Feed.objects.filter(pk=feed.pk).update(polling_since=None)
        raise


def feed_poll_now(*, feed: Feed) -> None:
    """Make the feed due at once (the caller enqueues its poll)."""
    Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now())
