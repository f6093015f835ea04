# ruff: noqa: RUF001
"""Alice in a real browser: the topics page drills down to the inbox filtered by topic
and sentiment, she corrects an item's sentiment; screenshots of the inbox, the topics
page and the overview (with its charts) in English, Chinese and Japanese."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from clearloop.accounts.tests.factories import PASSWORD
from clearloop.core.testing import screenshot
from clearloop.textanalysis import services
from clearloop.textanalysis.models import ItemAnalysis, Topic
from clearloop.textanalysis.tests.factories import many

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXTS = [
    ("en", "The staff were rude and the delivery was awful."),
    ("en", "Lovely sofa, great staff at the store."),
    ("zh-hans", "客服态度很差，配送太慢了。"),
    ("zh-hans", "沙发质量很好，很满意。"),
    ("ja", "店員の接客は丁寧でしたが、配達が遅いです。"),
    ("ja", "料理は美味しい、最高でした。"),
]


def _sign_in(page, live_server, persona) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Email").fill(persona.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + reverse("web:home"))


def _corpus(organization) -> Topic:
    now = timezone.now()
    for week in range(4):
        for language, text in TEXTS:
            many(organization, [text], now - dt.timedelta(days=7 * week + 1), language=language)
    staff = Topic.objects.create(
        organization=organization, name="Staff · 客服 · 接客", keywords=["staff", "客服", "接客"]
    )
    Topic.objects.create(
        organization=organization,
        name="Delivery · 配送 · 配達",
        keywords=["delivery", "配送", "配達"],
    )
    services.topics_reassign(organization_id=organization.pk)
    return staff


def test_topics_drill_down_to_the_inbox_and_a_correction(live_server, page, alice) -> None:
    from playwright.sync_api import expect

    staff = _corpus(alice.organization)
    _sign_in(page, live_server, alice)
    page.goto(live_server.url + reverse("web:text_topics"))
    row = page.locator(f'tr[data-topic="{staff.pk}"]')
    expect(row).to_contain_text("12")
    row.locator("a.badge-bad").click()
    page.wait_for_url(f"**/feedback/?topic={staff.pk}&sentiment=negative")
    articles = page.locator("article.feedback-item")
    expect(articles).to_have_count(8)
    expect(page.get_by_label("Sentiment")).to_have_value("negative")
    articles.first.locator(".feedback-text a").click()
    page.get_by_label("Correct the sentiment").select_option("neutral")
    page.get_by_role("button", name="Confirm or correct").click()
    expect(page.get_by_text("the correction is recorded")).to_be_visible()
    assert (
        ItemAnalysis.objects.filter(
            organization=alice.organization, sentiment_corrected=True
        ).count()
        == 1
    )


@pytest.mark.parametrize("language", ["en", "zh-hans", "ja"])
def test_screenshots_of_the_text_pages(live_server, page, alice, language) -> None:
    from playwright.sync_api import expect

    _corpus(alice.organization)
    alice.user.language = language
    alice.user.save()
    _sign_in(page, live_server, alice)
    page.goto(live_server.url + reverse("web:feedback") + "?sentiment=negative")
    expect(page.locator("article.feedback-item").first).to_be_visible()
    screenshot(page, f"text-inbox-{language}")
    page.goto(live_server.url + reverse("web:text_topics"))
    screenshot(page, f"text-topics-{language}")
    page.goto(live_server.url + reverse("web:text"))
    page.wait_for_function("document.querySelector('#chart-topics canvas') !== null")
    screenshot(page, f"text-overview-{language}")
    item = ItemAnalysis.objects.filter(organization=alice.organization).order_by("pk").first().item
    page.goto(live_server.url + reverse("web:feedback_item", args=[item.pk]))
    screenshot(page, f"text-item-{language}")
