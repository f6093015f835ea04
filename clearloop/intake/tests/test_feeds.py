# ruff: noqa: E501 -- feed documents are kept as the servers send them
"""Feeds: RSS and Atom from local servers become feedback items once; conditional GET;
hostile XML refused with a readable error and nothing stored; one poller per feed."""

from __future__ import annotations

import pytest
from django.utils import timezone

from clearloop.core.errors import ValidationFailed
from clearloop.feedback.models import FeedbackItem, FeedbackSource
from clearloop.intake import polling, tasks
from clearloop.intake.feeds import FeedUnreadable, feed_parse
from clearloop.intake.models import Feed, IntakeEvent, IntakeOutcome
from clearloop.intake.services import FeedSettings, feed_create

pytestmark = pytest.mark.django_db

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Acme reviews</title>
<item><title>Great kettle</title><description>&lt;p&gt;Boils fast &amp;amp; quiet.&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</description>
<guid>review-1</guid><link>https://reviews.example/1</link><author>ann@example.com (Ann)</author>
<pubDate>Mon, 06 Sep 2021 16:45:00 GMT</pubDate></item>
<item><title>配送太慢了</title><description>等了两个星期。</description><guid>review-2</guid>
<pubDate>Tue, 07 Sep 2021 08:00:00 +0800</pubDate></item>
</channel></rss>""".encode()

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Forum</title><id>urn:forum</id>
<updated>2021-09-06T16:45:00Z</updated>
<entry><id>urn:post:1</id><title>返品について</title><updated>2021-09-06T16:45:00Z</updated>
<content type="html">&lt;b&gt;商品が壊れていました。&lt;/b&gt;</content><author><name>佐藤</name></author>
<link href="https://forum.example/p/1"/></entry>
</feed>""".encode()

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<rss version="2.0"><channel><title>x</title><item><title>&lol9;</title><guid>1</guid></item>
</channel></rss>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title><item><title>&xxe;</title><guid>1</guid></item>
</channel></rss>"""


def _feed(alice, local_server, path="/reviews.rss", **overrides) -> Feed:
    values = {"name": "Reviews", "url": local_server.url(path), "source": FeedbackSource.REVIEW}
    values.update(overrides)
    return feed_create(
        organization=alice.organization, values=FeedSettings(**values), by=alice.membership
    )


def _poll_again(feed: Feed):
    polling.feed_poll_now(feed=feed)
    return polling.feed_poll(feed_id=feed.pk)


# --- Parsing --------------------------------------------------------------------------


def test_rss_entries_become_plain_text_with_dates_and_ids():
    parsed = feed_parse(RSS)

    first, second = parsed.entries
    assert parsed.title == "Acme reviews"
    assert first.external_id == "review-1"
    assert first.text == "Great kettle\n\nBoils fast & quiet."
    assert first.occurred_at.isoformat() == "2021-09-06T16:45:00+00:00"
    assert (first.url, first.author) == ("https://reviews.example/1", "ann@example.com (Ann)")
    assert second.text == "配送太慢了\n\n等了两个星期。"
    assert second.occurred_at.isoformat() == "2021-09-07T00:00:00+00:00"


def test_atom_entries_use_content_and_updated():
    [entry] = feed_parse(ATOM).entries

    assert entry.external_id == "urn:post:1"
    assert entry.text == "返品について\n\n商品が壊れていました。"
    assert entry.author == "佐藤"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (BILLION_LAUGHS, "entities"),
        (XXE, "entities"),
        (b"<rss><channel><item></channel></rss>", r"not well-formed XML \(line 1"),
        (b"<html><body>Not a feed</body></html>", "not an RSS or Atom feed"),
        (b"   ", "empty"),
        (b'<?xml version="1.0" encoding="bogus"?><rss/>', "encoding we cannot read"),
    ],
)
def test_hostile_or_broken_documents_are_refused_in_words(content, reason):
    with pytest.raises(FeedUnreadable, match=reason):
        feed_parse(content)


# --- Polling --------------------------------------------------------------------------


def test_polling_an_rss_feed_twice_creates_its_items_once(alice, local_server, allow_loopback):
    local_server.serve("/reviews.rss", RSS, Content_Type="application/rss+xml")
    feed = _feed(alice, local_server, language="zh-hans")

    first = polling.feed_poll(feed_id=feed.pk)
    second = _poll_again(feed)

    items = FeedbackItem.objects.for_organization(alice.organization).order_by("external_id")
    assert len(first.created_ids) == 2
    assert (second.created_ids, second.duplicates) == ([], 2)
    assert [(i.source, i.external_id) for i in items] == [
        ("review", "review-1"),
        ("review", "review-2"),
    ]
    assert items[0].metadata["feed"] == "Reviews"
    assert items[0].metadata["url"] == "https://reviews.example/1"
    assert items[0].language == "zh-hans"
    feed.refresh_from_db()
    assert feed.items_fetched == 2
    assert feed.last_error == ""
    assert feed.polling_since is None
    assert feed.next_poll_at is not None
    assert feed.next_poll_at > timezone.now()


def test_polling_an_atom_feed_stores_social_items(alice, local_server, allow_loopback):
    local_server.serve("/forum.atom", ATOM)
    feed = _feed(alice, local_server, path="/forum.atom", source=FeedbackSource.SOCIAL)

    polling.feed_poll(feed_id=feed.pk)

    item = FeedbackItem.objects.for_organization(alice.organization).get()
    assert (item.source, item.external_id) == ("social", "urn:post:1")
    assert item.occurred_at.isoformat() == "2021-09-06T16:45:00+00:00"


def test_the_etag_is_sent_back_and_a_304_changes_nothing(alice, local_server, allow_loopback):
    local_server.routes["/reviews.rss"] = lambda request: (
        (304, {}, b"")
        if request.get("if-none-match") == '"rev-7"'
        else (200, {"ETag": '"rev-7"', "Last-Modified": "Mon, 06 Sep 2021 16:45:00 GMT"}, RSS)
    )
    feed = _feed(alice, local_server)

    polling.feed_poll(feed_id=feed.pk)
    second = _poll_again(feed)

    feed.refresh_from_db()
    assert (feed.etag, feed.last_modified) == ('"rev-7"', "Mon, 06 Sep 2021 16:45:00 GMT")
    assert local_server.requests[1]["headers"]["if-none-match"] == '"rev-7"'
    assert second.created_ids == []
    assert FeedbackItem.objects.for_organization(alice.organization).count() == 2
    outcomes = list(IntakeEvent.objects.order_by("pk").values_list("outcome", flat=True))
    assert outcomes == [IntakeOutcome.OK, IntakeOutcome.UNCHANGED]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (BILLION_LAUGHS, "declares XML entities"),
        (b"<rss version='2.0'><channel><item><title>x</item></rss>", "not well-formed XML"),
    ],
)
def test_a_hostile_or_broken_feed_stores_nothing_and_shows_why(
    alice, local_server, allow_loopback, content, words
):
    local_server.serve("/reviews.rss", content)
    feed = _feed(alice, local_server)

    assert polling.feed_poll(feed_id=feed.pk) is None

    feed.refresh_from_db()
    assert words in feed.last_error
    assert feed.polling_since is None
    assert not FeedbackItem.objects.exists()
    event = IntakeEvent.objects.get()
    assert (event.outcome, event.items_created) == (IntakeOutcome.FAILED, 0)


def test_a_feed_pointing_at_loopback_fails_when_loopback_is_not_allowed(
    alice, local_server, allow_loopback, settings
):
    local_server.serve("/reviews.rss", RSS)
    feed = _feed(alice, local_server)
    settings.CLEARLOOP_FETCH_ALLOWED_NETWORKS = []

    polling.feed_poll(feed_id=feed.pk)

    feed.refresh_from_db()
    assert "loopback" in feed.last_error
    assert local_server.requests == []


@pytest.mark.parametrize(
    "url", ["http://169.254.169.254/latest/meta-data/", "http://0x7f.1/feed", "file:///etc/passwd"]
)
def test_a_feed_at_a_private_address_cannot_be_saved(alice, url):
    with pytest.raises(ValidationFailed):
        feed_create(
            organization=alice.organization,
            values=FeedSettings(name="x", url=url, source=FeedbackSource.REVIEW),
            by=alice.membership,
        )
    assert not Feed.objects.exists()


def test_a_claimed_feed_is_not_polled_by_a_second_worker(alice, local_server, allow_loopback):
    local_server.serve("/reviews.rss", RSS)
    feed = _feed(alice, local_server)

    assert polling.feed_claim(feed_id=feed.pk) is not None
    assert polling.feed_poll(feed_id=feed.pk) is None
    assert local_server.requests == []


def test_a_stale_claim_of_a_dead_worker_is_taken_over(alice, local_server, allow_loopback):
    local_server.serve("/reviews.rss", RSS)
    feed = _feed(alice, local_server)
    Feed.objects.filter(pk=feed.pk).update(polling_since=timezone.now() - polling.CLAIM_TIMEOUT * 2)

    assert len(polling.feed_poll(feed_id=feed.pk).created_ids) == 2


def test_the_periodic_task_polls_due_active_feeds_only(alice, local_server, allow_loopback):
    local_server.serve("/reviews.rss", RSS)
    local_server.serve("/forum.atom", ATOM)
    due = _feed(alice, local_server)
    paused = _feed(alice, local_server, path="/forum.atom", name="Forum")
    Feed.objects.filter(pk=paused.pk).update(active=False)

    result = tasks.feeds_poll_due.enqueue()

    assert result.return_value == 1
    assert {r["path"] for r in local_server.requests} == {"/reviews.rss"}
    assert FeedbackItem.objects.filter(metadata__feed_id=due.pk).count() == 2
    assert tasks.feeds_poll_due.enqueue().return_value == 0  # not due again yet


def test_new_feed_items_are_handed_to_the_feedback_app(alice, local_server, allow_loopback):
    from clearloop.feedback.models import SearchState

    local_server.serve("/reviews.rss", RSS)
    feed = _feed(alice, local_server)

    stored = polling.feed_poll(feed_id=feed.pk)

    indexed = set(SearchState.objects.values_list("item_id", flat=True))
    assert indexed == set(stored.created_ids)
