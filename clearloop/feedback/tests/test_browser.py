"""Alice works the inbox in a real browser: searches 配送, narrows to Japanese, tags an
item without a page load, saves the view, and reopens it from the sidebar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from clearloop.accounts.tests.factories import PASSWORD
from clearloop.core.testing import screenshot
from clearloop.feedback.models import ItemTag, SavedView
from clearloop.feedback.tests.factories import NOW, TagFactory, indexed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, persona) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Email").fill(persona.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + reverse("web:home"))


def test_alice_searches_filters_tags_and_saves_a_view(live_server, page, alice) -> None:
    from playwright.sync_api import expect

    organization = alice.organization
    TagFactory(organization=organization, name="Delivery", colour="green")
    japanese = indexed(organization=organization, language="ja", text="配送がとても遅かったです")
    indexed(
        organization=organization,
        language="zh-hans",
        text="配送太慢了",
        occurred_at=NOW + dt.timedelta(hours=1),
    )
    indexed(organization=organization, language="ja", text="店員さんが親切でした")
    _sign_in(page, live_server, alice)
    page.goto(live_server.url + reverse("web:feedback"))
    filters = page.get_by_role("search")

    filters.get_by_label("Search").fill("配送")
    filters.get_by_label("Search").press("Enter")
    expect(page.get_by_text("配送太慢了")).to_be_visible()
    expect(page.get_by_text("店員さんが親切でした")).to_have_count(0)
    filters.get_by_label("Language").select_option("ja")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("配送太慢了")).to_have_count(0)
    item = page.locator("article", has_text="配送がとても遅かったです")
    expect(item).to_be_visible()

    item.get_by_label("Add a tag").select_option(label="Delivery")
    item.get_by_role("button", name="Tag", exact=True).click()
    expect(item.locator(".tag", has_text="Delivery")).to_be_visible()
    assert ItemTag.objects.filter(item=japanese, tag__name="Delivery").exists()

    page.get_by_label("Save this filter as").fill("Japanese delivery")
    page.get_by_role("button", name="Save view").click()
    expect(page.get_by_text("Saved the view")).to_be_visible()
    screenshot(page, "feedback-inbox-saved-view")
    page.get_by_role("link", name="All feedback").click()
    expect(page.get_by_text("店員さんが親切でした")).to_be_visible()

    page.get_by_role("link", name="Japanese delivery").click()

    expect(filters.get_by_label("Search")).to_have_value("配送")
    expect(filters.get_by_label("Language")).to_have_value("ja")
    expect(page.get_by_text("配送がとても遅かったです")).to_be_visible()
    expect(page.get_by_text("店員さんが親切でした")).to_have_count(0)
    assert SavedView.objects.get().query == "q=%E9%85%8D%E9%80%81&language=ja"
