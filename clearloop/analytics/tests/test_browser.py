"""The analyst's journey in a real browser, on the demo organization: open the dashboard,
filter the Analytics page by a customer segment, click a bar of the chart and land on the
responses behind it. Screenshots in English, Chinese and Japanese (test-artifacts/)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from clearloop.analytics.rollups import rollups_rebuild
from clearloop.core.testing import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db: None) -> Any:
    from clearloop.demo.services import demo_seed

    organization = demo_seed(customers=200, responses=900)
    rollups_rebuild(organization=organization)
    return organization


def _sign_in(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    page.locator("#id_username").fill("owner@demo.clearloop.test")
    page.locator("#id_password").fill(settings.CLEARLOOP_DEMO_PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url(live_server.url + reverse("web:home"))


def test_dashboard_filter_by_segment_and_drill_down_from_a_chart(
    live_server: Any, page: Any, demo: Any
) -> None:
    _sign_in(page, live_server)
    page.locator("[data-testid=home-trend-chart][data-ready=true]").wait_for()
    assert page.get_by_test_id("tile-nps").locator(".value").inner_text().strip() not in ("", "—")
    screenshot(page, "analytics-home-en")

    page.locator("#sidebar").get_by_role("link", name="Analytics").click()
    segment = page.locator("#id_segment")
    choice = segment.locator("option").nth(1).get_attribute("value")
    segment.select_option(choice)
    page.locator("#id_by").select_option("channel")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply").click()
    assert f"segment={choice}" in page.url
    page.locator("[data-testid=breakdown-chart][data-ready=true]").wait_for()
    screenshot(page, "analytics-page-en")

    # Click the middle of the largest bar of the breakdown chart (a canvas): ECharts tells
    # where it is drawn.
    chart = page.get_by_test_id("breakdown-chart")
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
    assert reverse("web:analytics_responses") in page.url or "/responses/" in page.url
    assert f"segment={choice}" in page.url or "channel=" in page.url
    rows = page.locator("[data-testid=drilldown-responses] tbody tr")
    assert rows.count() > 0
    screenshot(page, "analytics-drilldown-en")


@pytest.mark.parametrize(("language", "locale"), [("zh-hans", "zh-CN"), ("ja", "ja-JP")])
def test_analytics_reads_in_chinese_and_japanese(
    live_server: Any, browser: Any, demo: Any, language: str, locale: str
) -> None:
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _sign_in(page, live_server)
    with page.expect_navigation():
        page.get_by_test_id("language-switcher").select_option(language)
    page.goto(live_server.url + reverse("web:analytics"))
    page.locator("[data-testid=trend-chart][data-ready=true]").wait_for()
    assert page.locator("html").get_attribute("lang") == (
        "zh-Hans" if language == "zh-hans" else "ja"
    )
    screenshot(page, f"analytics-page-{language}")
    context.close()


def test_service_levels_csi_and_the_settings_page(live_server: Any, page: Any, demo: Any) -> None:
    """The SLA and CSI tiles show on the Analytics page; a manager lowers the minimum n on
    the settings page and the page says the new threshold."""
    _sign_in(page, live_server)
    page.goto(live_server.url + reverse("web:analytics"))
    page.locator("[data-testid=trend-chart][data-ready=true]").wait_for()
    for key in ("sla_first_response", "sla_resolution", "csi"):
        assert "n =" in page.get_by_test_id(f"tile-{key}").inner_text()
    page.get_by_test_id("sla-compliance").scroll_into_view_if_needed()
    screenshot(page, "analytics-sla-csi-en")

    with page.expect_navigation():
        page.get_by_test_id("analytics-settings-link").click()
    page.locator("#id_minimum_n").fill("5")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert page.locator("#id_minimum_n").input_value() == "5"
    screenshot(page, "analytics-settings-en")
    page.goto(live_server.url + reverse("web:analytics"))
    assert "Figures on fewer than 5 answers are greyed out." in page.content()
