"""Alice in a real browser: she opens a customer from the list, reads the timeline and
loads more of it, finds the duplicate on the duplicates page, merges it, and builds a
segment whose live count follows her rules."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.urls import reverse

from clearloop.accounts.tests.factories import PASSWORD
from clearloop.core.testing import screenshot
from clearloop.customers.models import CustomAttribute, Customer
from clearloop.customers.tests.factories import OrderFactory
from clearloop.customers.tests.history import T0, full_history, nps_survey, related_counts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    screenshot(page, name)
    if os.environ.get("CLEARLOOP_SHOTS"):
        page.screenshot(path=f"{os.environ['CLEARLOOP_SHOTS']}/{name}.png", full_page=True)


def _wait_for_htmx(page, selector: str) -> None:
    """Until htmx has wired up the element a swap just added (as a person would)."""
    # Polled from here: wait_for_function evaluates strings in the page, which our CSP forbids.
    script = f"() => !!(document.querySelector('{selector}') || {{}})['htmx-internal-data']"
    for _ in range(50):
        if page.evaluate(script):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"htmx never processed {selector}")


def _sign_in(page, live_server, persona) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Email").fill(persona.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + reverse("web:home"))


def test_alice_opens_a_customer_reads_the_timeline_and_merges_a_duplicate(live_server, page, alice):
    from playwright.sync_api import expect

    organization = alice.organization
    CustomAttribute.objects.create(
        organization=organization, key="tier", label="Loyalty tier", type="choice",
        choices=["silver", "gold"],
    )  # fmt: skip
    survey = nps_survey(organization)
    keep = full_history(organization, survey, email="mei.lin@example.cn", external_id="LH-1001",
                        name="Mei Lin", attributes={"tier": "gold"})  # fmt: skip
    for day in range(24):
        OrderFactory(
            customer=keep, ordered_at=T0 - dt.timedelta(days=day + 1), product=f"Cushion {day}"
        )
    duplicate = full_history(organization, survey, email="MEI.LIN@example.cn", external_id="",
                             name="Mei L.", phone="", attributes={})  # fmt: skip
    expected = {
        k: related_counts(keep)[k] + related_counts(duplicate)[k] for k in related_counts(keep)
    }
    _sign_in(page, live_server, alice)

    page.goto(live_server.url + reverse("web:customers"))
    page.get_by_label("Search").fill("Mei Lin")
    expect(page.get_by_test_id("customer-count")).to_have_text("1 customer")
    _shot(page, "customers-list")
    page.get_by_role("link", name="Mei Lin").click()

    timeline = page.get_by_test_id("timeline")
    expect(page.get_by_test_id("customer-name")).to_contain_text("Mei Lin")
    expect(page.get_by_test_id("nps-group")).to_have_text("Detractor")
    expect(timeline.locator(".timeline-entry")).to_have_count(20)
    expect(timeline.locator(".timeline-entry").first).to_contain_text("Invitation sent")
    _shot(page, "customer-detail")
    page.get_by_test_id("timeline-more").click()
    expect(timeline.locator(".timeline-entry")).to_have_count(30)

    page.get_by_role("link", name="Customers", exact=True).first.click()
    page.get_by_role("link", name="Duplicates").click()
    expect(page.get_by_test_id("duplicate-group")).to_have_count(1)
    _shot(page, "customer-duplicates")
    page.get_by_test_id("merge-link").click()
    _shot(page, "customer-merge")
    page.get_by_test_id("merge-submit").click()

    expect(page.get_by_text("Merged:")).to_be_visible()
    assert not Customer.objects.filter(pk=duplicate.pk).exists()
    assert related_counts(keep) == expected


def test_alice_builds_a_segment_with_a_live_count(live_server, page, alice):
    from playwright.sync_api import expect

    for number, region in enumerate(("Asia", "Asia", "Europe")):
        full_history(
            alice.organization, region=region, email=f"r{number}@x.org", external_id=f"R-{number}"
        )
    _sign_in(page, live_server, alice)
    page.goto(live_server.url + reverse("web:segment_new"))
    page.get_by_label("Name").fill("Asian detractors")
    page.get_by_test_id("add-rule").click()
    _wait_for_htmx(page, "#r0-kind")
    row = page.get_by_test_id("rule-row").first
    row.get_by_label("Field").select_option("region")
    row.get_by_label("Value").fill("asia")
    expect(page.get_by_test_id("segment-count")).to_contain_text("2 customers match")
    page.get_by_test_id("add-rule").click()
    _wait_for_htmx(page, "#r1-kind")
    second = page.get_by_test_id("rule-row").nth(1)
    second.get_by_label("Rule", exact=True).select_option("nps")
    expect(second.get_by_label("Group")).to_be_visible()
    second.get_by_label("Group").select_option("promoter")
    expect(page.get_by_test_id("segment-count")).to_contain_text("0 customers match")
    _shot(page, "segment-builder")
    second.get_by_role("button", name="Remove rule").click()
    expect(page.get_by_test_id("segment-count")).to_contain_text("2 customers match")
    page.get_by_test_id("save-segment").click()
    expect(page.get_by_test_id("customer-count")).to_contain_text("2 customers")
    _shot(page, "customers-in-segment")
