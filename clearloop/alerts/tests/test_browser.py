"""Alice adds a listening-spike alert rule in a real browser; screenshot of the form in
test-artifacts/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clearloop.accounts.tests.factories import PASSWORD
from clearloop.alerts.models import AlertRule
from clearloop.core.testing import screenshot
from clearloop.feedback.models import ListeningRule, Tag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_manager_adds_a_listening_spike_rule(live_server, page, acme, alice) -> None:
    from playwright.sync_api import expect

    tag = Tag.objects.create(organization=acme, name="refund")
    listening = ListeningRule.objects.create(
        organization=acme, name="Refund talk", keywords=["refund", "退款"], tag=tag
    )
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Email").fill(alice.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + reverse("web:home"))
    page.goto(live_server.url + reverse("web:alert_rule_new"))
    page.get_by_label("Name").fill("Refund spike")
    page.get_by_label("Kind").select_option("listening_spike")
    page.get_by_label("Listening rule").select_option(str(listening.pk))
    screenshot(page, "alerts-rule-listening-spike-en")
    page.get_by_role("button", name="Save rule").click()
    expect(page.get_by_text("Alert rule saved.")).to_be_visible()
    expect(page.get_by_role("cell", name="Refund talk")).to_be_visible()
    assert AlertRule.objects.get().listening_rule == listening
