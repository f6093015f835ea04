"""Intake pages: overview with mailbox, webhook and activity; feeds list, add with Test,
edit, pause, poll now; who may do what; another organization's feed is a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clearloop.accounts.roles import Role
from clearloop.accounts.tests.factories import MembershipFactory
from clearloop.feedback.models import FeedbackItem, FeedbackSource
from clearloop.intake.models import Feed, IntakeCredentials
from clearloop.intake.services import FeedSettings, feed_create
from clearloop.intake.tests.test_feeds import RSS

pytestmark = pytest.mark.django_db

FEED_PAGES = [
    "web:intake_feed_edit",
    "web:intake_feed_toggle",
    "web:intake_feed_poll",
    "web:intake_feed_delete",
]


@pytest.fixture
def feed(alice) -> Feed:
    return feed_create(
        organization=alice.organization,
        values=FeedSettings(
            name="Trustpilot", url="https://reviews.example/acme.rss", source="review"
        ),
        by=alice.membership,
    )


def _form(url: str, **extra):
    return {
        "name": "Local reviews",
        "url": url,
        "source": FeedbackSource.REVIEW,
        "language": "",
        "poll_interval_minutes": "60",
        **extra,
    }


def test_overview_shows_mailbox_webhook_feeds_and_activity(alice, feed):
    response = alice.client().get(reverse("web:intake"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Create the mailbox" in html and "Create the webhook" in html
    assert "Trustpilot" in html
    assert "Nothing has come in yet." in html
    assert " style=" not in html
    assert response["Cache-Control"] == "no-store"


def test_creating_the_mailbox_shows_the_address_once(alice):
    client = alice.client()

    response = client.post(reverse("web:intake_email_rotate"))

    mailbox = response.context["shown_once"]["mailbox"]
    assert mailbox.startswith("feedback+") and mailbox.endswith("@inbound.clearloop.test")
    assert mailbox in response.content.decode()
    token = mailbox.split("+")[1].split("@")[0]
    assert token not in client.get(reverse("web:intake")).content.decode()
    assert IntakeCredentials.objects.get().email_token_prefix == token[:8]


def test_creating_the_webhook_shows_url_and_secret_once(alice):
    client = alice.client()

    response = client.post(reverse("web:intake_webhook_rotate"))

    secret = response.context["shown_once"]["webhook_secret"]
    assert secret.startswith("whsec_")
    assert "/api/v1/intake/webhook/" in response.context["shown_once"]["webhook_url"]
    assert secret not in client.get(reverse("web:intake")).content.decode()


def test_the_test_button_shows_how_many_entries_without_saving(alice, local_server, allow_loopback):
    local_server.serve("/reviews.rss", RSS)
    url = reverse("web:intake_feed_new")

    response = alice.client().post(url, _form(local_server.url("/reviews.rss"), test="1"))

    assert response.status_code == 200
    assert "Found 2 entries." in response.content.decode()
    assert not Feed.objects.exists()


def test_the_test_button_explains_a_refused_address(alice, local_server):
    local_server.serve("/reviews.rss", RSS)

    response = alice.client().post(
        reverse("web:intake_feed_new"), _form(local_server.url("/reviews.rss"), test="1")
    )

    assert "loopback address" in response.content.decode()
    assert local_server.requests == []


def test_saving_a_feed_then_polling_it_now_fills_the_inbox(alice, local_server, allow_loopback):
    local_server.serve("/reviews.rss", RSS)
    client = alice.client()

    saved = client.post(reverse("web:intake_feed_new"), _form(local_server.url("/reviews.rss")))
    feed = Feed.objects.get()
    polled = client.post(reverse("web:intake_feed_poll", args=[feed.pk]))

    assert saved.status_code == polled.status_code == 302
    assert FeedbackItem.objects.for_organization(alice.organization).count() == 2
    listing = client.get(reverse("web:intake_feeds")).content.decode()
    assert "Local reviews" in listing and ">2<" in listing


def test_a_metadata_url_cannot_be_saved(alice):
    response = alice.client().post(
        reverse("web:intake_feed_new"), _form("http://169.254.169.254/latest/meta-data/")
    )

    assert response.status_code == 400
    assert "link-local" in response.content.decode()
    assert not Feed.objects.exists()


def test_edit_pause_and_resume(alice, feed):
    client = alice.client()

    edited = client.post(
        reverse("web:intake_feed_edit", args=[feed.pk]),
        _form("https://reviews.example/acme.rss", name="Renamed"),
    )
    client.post(reverse("web:intake_feed_toggle", args=[feed.pk]))

    feed.refresh_from_db()
    assert edited.status_code == 302
    assert (feed.name, feed.active) == ("Renamed", False)
    client.post(reverse("web:intake_feed_toggle", args=[feed.pk]))
    feed.refresh_from_db()
    assert feed.active


def test_a_failing_feed_shows_its_error_in_words(alice, feed):
    Feed.objects.filter(pk=feed.pk).update(last_error="The server answered 404 for …")

    html = alice.client().get(reverse("web:intake_feeds")).content.decode()

    assert "Failing" in html and "The server answered 404" in html


@pytest.mark.parametrize("name", FEED_PAGES)
def test_another_organizations_feed_is_404(charlie, feed, name):
    client = charlie.client()
    url = reverse(name, args=[feed.pk])

    response = client.get(url) if name.endswith("edit") else client.post(url)

    assert response.status_code == 404
    feed.refresh_from_db()
    assert feed.active


@pytest.mark.parametrize(
    "name", ["web:intake", "web:intake_feeds", "web:intake_feed_new", "web:intake_email_rotate"]
)
def test_an_agent_may_not_open_intake(bob, name):
    client = bob.client()
    url = reverse(name)
    response = client.post(url) if name.endswith("rotate") else client.get(url)

    assert response.status_code == 403


def test_a_manager_manages_feeds_but_not_credentials(acme, alice):
    manager = MembershipFactory(organization=acme, role=Role.MANAGER)
    client = type(alice)(manager.user, manager).client()

    page = client.get(reverse("web:intake")).content.decode()

    assert "An admin can create or replace the address." in page
    assert client.get(reverse("web:intake_feed_new")).status_code == 200
    assert client.post(reverse("web:intake_email_rotate")).status_code == 403
    assert client.post(reverse("web:intake_webhook_rotate")).status_code == 403
    assert not IntakeCredentials.objects.exists()


def test_charlies_overview_shows_nothing_of_acme(charlie, feed):
    html = charlie.client().get(reverse("web:intake")).content.decode()

    assert "Trustpilot" not in html


def test_overview_queries_do_not_grow_with_feeds_and_events(alice, feed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clearloop.intake.models import IntakeEvent

    client = alice.client()
    client.get(reverse("web:intake"))  # the first request of a session does extra work
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("web:intake"))
    for number in range(5):
        extra = feed_create(
            organization=alice.organization,
            values=FeedSettings(
                name=f"F{number}", url=f"https://x.example/{number}", source="review"
            ),
            by=alice.membership,
        )
        IntakeEvent.objects.create(
            organization=alice.organization, channel="feed", outcome="ok", feed=extra
        )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("web:intake"))

    assert len(many) == len(few)
