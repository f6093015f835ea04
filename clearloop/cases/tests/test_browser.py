"""Bob works the queue in a real browser: opens the queue, takes the top case, replies,
resolves it with a root cause, and the follow-up survey reaches the customer at a real SMTP
server on loopback. Screenshots of the queue and the case page in English, Chinese and
Japanese go to test-artifacts/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clearloop.accounts.tests.factories import PASSWORD
from clearloop.cases import services
from clearloop.cases.evaluation import response_evaluate
from clearloop.cases.models import Case, CaseStatus
from clearloop.cases.tests.conftest import nps_survey
from clearloop.core.testing import screenshot
from clearloop.surveys.models import ResponseChannel
from clearloop.surveys.tests.factories import AnswerFactory, ResponseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, persona) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Email").fill(persona.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + reverse("web:home"))


def test_agent_takes_the_top_case_replies_resolves_and_the_follow_up_goes_out(
    live_server, page, acme, bob, detractor_rule, link, customer, smtp_server
) -> None:
    from playwright.sync_api import expect

    follow_up = nps_survey(acme, kind=ResponseChannel.EMAIL, name="Did we solve it?")
    settings_row = services.settings_for(acme.pk)
    settings_row.follow_up_distribution = follow_up
    settings_row.save()
    response = ResponseFactory(
        organization=acme, version=link.survey.versions.get(), customer=customer, distribution=link
    )
    AnswerFactory(response=response, question=response.version.questions.get(key="nps"), number=2)
    response_evaluate(response_id=response.pk)
    case = Case.objects.get()
    services.case_assign(case=case, owner=None, by=None)

    _sign_in(page, live_server, bob)
    page.goto(live_server.url + reverse("web:cases"))
    queue = page.get_by_test_id("case-queue")
    expect(queue.get_by_text("NPS 2 from Mia Wong")).to_be_visible()
    screenshot(page, "cases-queue-en")
    queue.locator(".case-link").first.click()
    page.get_by_test_id("take").click()
    expect(page.get_by_text("The case is yours.")).to_be_visible()
    expect(page.get_by_test_id("owner")).to_contain_text("Bob Brown")
    page.get_by_role("button", name="Apology").click()
    page.get_by_test_id("reply-body").press("End")
    page.get_by_test_id("send-reply").click()
    expect(page.get_by_text("Reply sent to the customer.")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("Waiting on customer")
    screenshot(page, "cases-case-en")

    page.get_by_test_id("root-cause-select").select_option("delivery")
    page.get_by_test_id("corrective-action").fill("Refunded the shipping and spoke to the carrier.")
    page.get_by_test_id("resolve").click()
    expect(page.get_by_text("Case resolved.")).to_be_visible()
    expect(page.get_by_test_id("root-cause")).to_have_text("Delivery")
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED and case.root_cause == "delivery"

    bodies = smtp_server.bodies_to("mia@example.com")
    assert len(bodies) == 2  # the reply, then the follow-up invitation
    assert "We are sorry about your experience" in bodies[0]
    assert "/i/" in bodies[1]
    subjects = [str(message["Subject"]) for message in smtp_server.messages]
    assert any("Did we solve it?" in subject for subject in subjects)


@pytest.mark.parametrize("language", ["en", "zh-hans", "ja"])
def test_screenshots_of_queue_and_case_page(
    live_server, page, acme, bob, policy, customer, language
) -> None:
    from playwright.sync_api import expect

    bob.user.language = language
    bob.user.save()
    case, _ = services.case_open(
        organization=acme,
        subject="Delivery late / 配送が遅い",
        by=bob.membership,
        customer=customer,
    )
    services.case_add_note(case=case, body="@alice please check the refund", by=bob.membership)
    _sign_in_any(page, live_server, bob)
    page.goto(live_server.url + reverse("web:cases"))
    expect(page.get_by_test_id("case-queue")).to_be_visible()
    screenshot(page, f"cases-queue-{language}")
    page.goto(live_server.url + reverse("web:case_detail", args=[case.pk]))
    expect(page.get_by_test_id("history")).to_be_visible()
    screenshot(page, f"cases-case-{language}")


def _sign_in_any(page, live_server, persona) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    page.locator("input[name=username], input[type=email]").first.fill(persona.user.email)
    page.locator("input[type=password]").first.fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(live_server.url + reverse("web:home"))


@pytest.mark.parametrize("language", ["en", "ja"])
def test_screenshot_of_the_settings_page(
    live_server, page, alice, policy, detractor_rule, language
):
    from playwright.sync_api import expect

    alice.user.language = language
    alice.user.save()
    _sign_in_any(page, live_server, alice)
    page.goto(live_server.url + reverse("web:case_settings"))
    expect(page.locator("#sla-title")).to_be_visible()
    screenshot(page, f"cases-settings-{language}")


def test_manager_adds_a_rule_on_negative_sentiment_and_a_signal(
    live_server, page, acme, alice
) -> None:
    from playwright.sync_api import expect

    _sign_in(page, live_server, alice)
    page.goto(live_server.url + reverse("web:case_settings"))
    page.get_by_label("Name", exact=True).first.fill("Unhappy and leaving")
    page.get_by_label("Sentiment at most").fill("negative")
    page.get_by_label("Text raises the signal").select_option("churn_intent")
    page.get_by_role("button", name="Add rule").click()
    expect(page.get_by_text("Rule added.")).to_be_visible()
    expect(page.get_by_text("sentiment_at_most negative")).to_be_visible()
    screenshot(page, "cases-rules-text-en")
