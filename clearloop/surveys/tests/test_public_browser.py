# ruff: noqa: RUF001  (Japanese questions end with a full-width question mark, on purpose)
"""A respondent on a phone answers a two-page survey in Japanese, in a real browser."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clearloop.core.testing import screenshot
from clearloop.surveys.models import Response
from clearloop.surveys.tests.conftest import THANK_YOU, build_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _phone(browser, locale):
    return browser.new_context(locale=locale, viewport={"width": 390, "height": 844})


def test_a_respondent_answers_on_a_phone_in_japanese(live_server, browser, acme):
    from playwright.sync_api import expect

    distribution = build_survey(acme)
    context = _phone(browser, "ja-JP")
    page = context.new_page()
    page.goto(live_server.url + reverse("survey_public:page", args=[distribution.public_token]))
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    nps = page.get_by_role("group", name="友人や同僚に当社を勧める可能性はどのくらいありますか？")
    expect(nps.get_by_role("radio")).to_have_count(11)
    screenshot(page, "survey-phone-ja-page1")

    page.locator("button[type=submit]").click()  # nothing chosen: the error is shown
    expect(page.locator("#error-nps")).to_be_visible()
    nps = page.get_by_role("group", name="友人や同僚に当社を勧める可能性はどのくらいありますか？")
    nps.get_by_text("3", exact=True).click()
    page.locator("button[type=submit]").click()

    reason = page.get_by_role("group", name="何が問題でしたか？")
    expect(reason).to_be_visible()
    expect(page.get_by_text("良かった点は？")).to_have_count(0)
    reason.get_by_text("配達が遅れた").click()
    page.get_by_role("radio", name="速さ: 2").check()
    page.get_by_role("textbox").fill("もう少し早く届けてほしい")
    screenshot(page, "survey-phone-ja-page2")
    page.locator("button[type=submit]").click()

    expect(page.get_by_test_id("thank-you")).to_have_text(THANK_YOU["ja"])
    screenshot(page, "survey-phone-ja-thanks")
    response = Response.objects.get()
    assert response.is_complete and response.language == "ja"
    context.close()


def test_the_english_page_on_a_phone(live_server, browser, acme):
    from playwright.sync_api import expect

    distribution = build_survey(acme)
    context = _phone(browser, "en-US")
    page = context.new_page()
    page.goto(live_server.url + reverse("survey_public:page", args=[distribution.public_token]))
    expect(page.get_by_text("Not at all likely", exact=False)).to_be_visible()
    screenshot(page, "survey-phone-en-page1")
    page.get_by_text("10", exact=True).click()
    page.locator("button[type=submit]").click()
    expect(page.get_by_role("group", name="What did you like?")).to_be_visible()
    screenshot(page, "survey-phone-en-page2")
    context.close()
