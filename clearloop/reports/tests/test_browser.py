"""The analyst's report journey in a real browser: filter the Analytics page, download the
PDF and a table, schedule the report with the page's filters, see it listed. Screenshots
under test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from clearloop.accounts.tests.factories import PASSWORD
from clearloop.analytics import rollups
from clearloop.analytics.tests.data import build_world, populate
from clearloop.conftest import Persona
from clearloop.core.testing import screenshot
from clearloop.reports.models import ScheduledReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_download_and_schedule_the_dashboard(live_server: Any, page: Any, alice: Persona) -> None:
    world = build_world(alice.organization)
    populate(world)
    rollups.rollups_rebuild(organization=world.organization)
    page.goto(live_server.url + reverse("accounts:login"))
    page.locator("#id_username").fill(alice.user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url(live_server.url + reverse("web:home"))

    query = "date_from=2026-03-01&date_to=2026-03-31&by=region"
    page.goto(f"{live_server.url}{reverse('web:analytics')}?{query}")
    downloads = page.get_by_test_id("report-downloads")
    downloads.scroll_into_view_if_needed()
    screenshot(page, "reports-analytics-downloads-en")
    with page.expect_download() as pdf:
        page.get_by_test_id("report-pdf").click()
    assert pdf.value.suggested_filename == "clearloop-report-2026-03-01-2026-03-31.pdf"
    with page.expect_download() as workbook:
        downloads.get_by_role("link", name="XLSX").nth(3).click()  # the breakdown
    assert workbook.value.suggested_filename.startswith("clearloop-breakdown-")

    with page.expect_navigation():
        page.get_by_role("link", name="Schedule this report").click()
    assert page.locator("#id_filters").input_value() == "by=region"
    page.locator("#id_name").fill("Monday regions")
    page.locator("#id_emails").fill("ops@example.com")
    screenshot(page, "reports-schedule-form-en")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert page.get_by_test_id("schedule-row").count() == 1
    assert "Monday regions" in page.get_by_test_id("schedules").inner_text()
    screenshot(page, "reports-schedules-en")
    report = ScheduledReport.objects.get(name="Monday regions")
    assert report.filters == {"by": "region"}
    assert list(report.recipient_members.all()) == [alice.membership]
