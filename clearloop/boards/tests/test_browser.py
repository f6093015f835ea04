"""A manager builds a dashboard in a real browser on the demo organization: from the
Analytics page to a new shared dashboard, adds a breakdown tile, and drills down from one
of its bars to the responses behind it. Screenshot in test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from clearloop.analytics.rollups import rollups_rebuild
from clearloop.boards.models import Dashboard
from clearloop.core.testing import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db: None) -> Any:
    from clearloop.demo.services import demo_seed

    organization = demo_seed(customers=120, responses=600)
    rollups_rebuild(organization=organization)
    return organization


def test_manager_builds_a_shared_dashboard_and_drills_down(
    live_server: Any, page: Any, demo: Any
) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    page.locator("#id_username").fill("manager@demo.clearloop.test")
    page.locator("#id_password").fill(settings.CLEARLOOP_DEMO_PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url(live_server.url + reverse("web:home"))

    page.goto(live_server.url + reverse("web:analytics"))
    page.get_by_test_id("dashboards-link").click()
    page.get_by_test_id("dashboard-new").click()
    page.locator("#id_name").fill("Phone and email service")
    page.locator("#id_visibility").select_option("organization")
    page.locator("#id_window_days").select_option("180")
    with page.expect_navigation():
        page.get_by_role("button", name="Create dashboard").click()
    page.get_by_test_id("tile-nps").wait_for()

    form = page.get_by_test_id("tile-form")
    form.locator("#id_kind").select_option("breakdown")
    form.locator("#id_metric").select_option("nps")
    form.locator("#id_dimension").select_option("channel")
    with page.expect_navigation():
        form.get_by_role("button", name="Add tile").click()
    chart = page.get_by_test_id("breakdown-chart")
    page.locator("[data-testid=breakdown-chart][data-ready=true]").wait_for()
    page.locator("[data-testid=trend-chart][data-ready=true]").wait_for()
    screenshot(page, "dashboard-built-en")
    assert Dashboard.objects.get(name="Phone and email service").tiles.count() == 5

    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    x, y = page.evaluate(
        """(element) => {
            const chart = echarts.getInstanceByDom(element);
            const values = chart.getOption().series[0].data.map((d) => Number(d.value) || 0);
            const index = values.indexOf(Math.max(...values));
            return chart.convertToPixel({seriesIndex: 0}, [values[index] / 2, index]);
        }""",
        chart.element_handle(),
    )
    with page.expect_navigation():
        page.mouse.click(box["x"] + x, box["y"] + y)
    assert "channel=" in page.url
    assert page.locator("[data-testid=drilldown-responses] tbody tr").count() > 0
