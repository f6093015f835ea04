"""Alice in a real browser: she opens the customers at risk, keeps only the high ones,
opens the riskiest customer and reads why; then she opens the personas and the customers
of one of them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from clearloop.customers.tests.factories import CustomerFactory, InteractionFactory, OrderFactory
from clearloop.customers.tests.history import answered, nps_survey
from clearloop.customers.tests.test_browser import _shot, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DAY = dt.timedelta(days=1)


def _population(organization) -> None:
    now = timezone.now()
    survey = nps_survey(organization)
    for index in range(12):
        loyal = CustomerFactory(organization=organization, name=f"Loyal {index:02d}")
        for month in range(5):
            OrderFactory(customer=loyal, ordered_at=now - (4 + 30 * month) * DAY)
        InteractionFactory(customer=loyal, started_at=now - 2 * DAY)
        answered(survey, loyal, 10, now - 9 * DAY)
        lapsed = CustomerFactory(organization=organization, name=f"Lapsed {index:02d}")
        OrderFactory(customer=lapsed, ordered_at=now - (300 + index) * DAY)
        answered(survey, lapsed, 2, now - 15 * DAY)


def test_alice_finds_the_customers_at_risk_and_reads_the_personas(live_server, page, alice):
    from playwright.sync_api import expect

    _population(alice.organization)
    _sign_in(page, live_server, alice)
    page.goto(live_server.url + reverse("web:customers_at_risk"))
    page.get_by_label("Risk", exact=True).select_option("high")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_test_id("risk-count")).to_have_text("12 customers")
    _shot(page, "churn-at-risk")
    page.get_by_test_id("risk-row").first.get_by_role("link").click()
    expect(page.get_by_test_id("churn-band")).to_have_text("High risk")
    expect(page.get_by_test_id("churn-reasons")).to_contain_text("Latest NPS answer is 2")
    _shot(page, "churn-profile")
    page.goto(live_server.url + reverse("web:personas"))
    expect(page.get_by_test_id("persona")).to_have_count(2)
    expect(page.get_by_test_id("persona-description").first).to_contain_text("mostly")
    _shot(page, "personas")
    page.get_by_test_id("persona-link").first.click()
    expect(page.get_by_test_id("persona-count")).to_have_text("12 customers")
