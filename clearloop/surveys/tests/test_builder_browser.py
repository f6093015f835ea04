# ruff: noqa: RUF001  (Japanese questions end with a full-width question mark, on purpose)
"""The builder in a real browser: alice builds an NPS survey with a Japanese question,
publishes it, shares a link and sees her question in Japanese on the public page."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from clearloop.accounts.tests.factories import PASSWORD
from clearloop.core.testing import screenshot
from clearloop.surveys.models import Response, Survey, SurveyStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION_JA = "良かった点は何ですか？"


def _sign_in(page, live_server, persona) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Email").fill(persona.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + reverse("web:home"))


def _create_nps_survey(page, live_server) -> None:
    page.goto(live_server.url + reverse("web:surveys"))
    page.get_by_test_id("new-survey").click()
    page.get_by_label("Net Promoter Score (NPS)").check()
    page.get_by_label("Name", exact=True).fill("After delivery")
    page.get_by_label("日本語").check()
    screenshot(page, "builder-new")
    page.get_by_role("button", name="Create draft").click()


def _add_multiple_choice_question(page) -> None:
    from playwright.sync_api import expect

    page.get_by_label("Kind of question").select_option("multiple_choice")
    page.get_by_role("button", name="Add question").click()
    expect(page.get_by_role("heading", name="Edit question")).to_be_visible()
    page.get_by_label("Question in English").fill("What did you like?")
    page.get_by_label("Question in 日本語").fill(QUESTION_JA)
    page.get_by_label("English", exact=True).fill("fast|Fast delivery\nfriendly|Friendly staff")
    page.get_by_label("日本語", exact=True).fill("配達が速い\n親切なスタッフ")
    screenshot(page, "builder-edit-question")
    page.get_by_role("button", name="Save question").click()


def test_alice_builds_publishes_and_shares_a_survey_in_japanese(live_server, page, alice):
    from playwright.sync_api import expect

    _sign_in(page, live_server, alice)
    _create_nps_survey(page, live_server)
    expect(page.get_by_test_id("version-status")).to_contain_text("Not published")
    _add_multiple_choice_question(page)
    expect(page.get_by_text("Question multiple_choice saved.")).to_be_visible()
    expect(page.get_by_test_id("question-multiple_choice")).to_contain_text("What did you like?")
    screenshot(page, "builder")

    page.get_by_test_id("question-detractor").get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Show this question")).to_have_value("nps")
    expect(page.get_by_label("From")).to_have_value("0")
    expect(page.get_by_label("Answers", exact=True)).to_be_hidden()  # a score needs no choices
    screenshot(page, "builder-edit-branching")
    page.get_by_role("link", name="All questions").click()

    page.get_by_test_id("preview-link").click()
    expect(page.get_by_test_id("preview-banner")).to_contain_text("answers are not saved")
    screenshot(page, "builder-preview")
    page.go_back()

    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_text("Version 1 is published")).to_be_visible()
    survey = Survey.objects.get()
    assert survey.status == SurveyStatus.LIVE

    page.get_by_role("link", name="Distribution").click()
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_text("Distribution created")).to_be_visible()
    # The page shows the full address under SITE_URL; the test server has its own host.
    public_path = urlsplit(page.locator(".copy-row input").input_value()).path
    assert public_path.startswith("/s/")

    page.goto(f"{live_server.url}{public_path}?lang=ja")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.locator("label[for='q-nps-9']").click()
    page.locator("button[type=submit]").click()
    liked = page.get_by_role("group", name=QUESTION_JA)
    expect(liked).to_be_visible()
    expect(liked.get_by_label("配達が速い")).to_be_visible()
    expect(liked.get_by_label("親切なスタッフ")).to_be_visible()
    screenshot(page, "builder-public-ja")
    assert Response.objects.filter(survey=survey).count() == 1
