"""Alice sets up intake in a real browser: tests and adds a feed from a local server, polls
it, creates the webhook secret (shown once) and sees the activity."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clearloop.accounts.tests.factories import PASSWORD
from clearloop.core.testing import screenshot
from clearloop.feedback.models import FeedbackItem
from clearloop.intake.tests.test_feeds import RSS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, persona) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Email").fill(persona.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + reverse("web:home"))


def test_alice_adds_a_feed_polls_it_and_creates_the_webhook(
    live_server, page, alice, local_server, allow_loopback
):
    from playwright.sync_api import expect

    local_server.serve("/reviews.rss", RSS)
    _sign_in(page, live_server, alice)
    page.goto(live_server.url + reverse("web:intake_feed_new"))
    page.get_by_label("Name").fill("Kettle reviews")
    page.get_by_label("Feed URL").fill(local_server.url("/reviews.rss"))

    page.get_by_test_id("test-feed").click()
    expect(page.get_by_text("Found 2 entries.")).to_be_visible()
    screenshot(page, "intake-feed-test")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Poll now").click()
    expect(page.get_by_text("Polling Kettle reviews now.")).to_be_visible()
    screenshot(page, "intake-feeds")
    assert FeedbackItem.objects.count() == 2

    page.goto(live_server.url + reverse("web:intake"))
    page.get_by_role("button", name="Create the webhook").click()
    expect(page.get_by_test_id("shown-once")).to_be_visible()
    assert page.get_by_test_id("webhook-secret").input_value().startswith("whsec_")
    screenshot(page, "intake-overview")
