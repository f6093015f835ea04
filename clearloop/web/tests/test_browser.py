"""The main journey in a real browser: sign in, switch to Japanese, see the navigation."""

import pytest
from django.urls import reverse

from clearloop.accounts.tests.factories import PASSWORD
from clearloop.core.testing import screenshot
from clearloop.web.tests.conftest import NAVIGATION

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _nav_labels(page) -> list[str]:
    return [label.strip() for label in page.locator("#sidebar a").all_inner_texts()]


def test_sign_in_switch_to_japanese_and_see_the_navigation(live_server, page, alice):
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Email").fill(alice.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + reverse("web:home"))
    assert _nav_labels(page) == NAVIGATION["en"]

    with page.expect_navigation():
        page.get_by_test_id("language-switcher").select_option("ja")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert _nav_labels(page) == NAVIGATION["ja"]
    screenshot(page, "dashboard-ja")

    # The choice is kept on the account: a new session starts in Japanese too.
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Email").fill(alice.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button").last.click()
    page.wait_for_url(live_server.url + reverse("web:home"))
    assert _nav_labels(page) == NAVIGATION["ja"]


def test_chinese_navigation_and_mobile_menu(live_server, browser, alice):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + reverse("accounts:login"))
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.locator("#id_username").fill(alice.user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url(live_server.url + reverse("web:home"))
    assert not page.locator("#sidebar").is_visible()
    page.locator("[data-nav-toggle]").click()
    assert page.locator("#sidebar").is_visible()
    assert _nav_labels(page) == NAVIGATION["zh-hans"]
    screenshot(page, "dashboard-zh-mobile")
    context.close()


def test_customer_search_updates_the_results_as_you_type(live_server, page, alice):
    from playwright.sync_api import expect

    from clearloop.customers.tests.factories import CustomerFactory

    for name in ["Zhang Wei", "Sato Yui", "Emma Stone"]:
        CustomerFactory(organization=alice.organization, name=name)
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Email").fill(alice.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + reverse("web:home"))
    page.goto(live_server.url + reverse("web:customers"))
    assert page.get_by_test_id("customer-count").inner_text() == "3 customers"
    page.get_by_label("Search").first.fill("sato")
    expect(page.get_by_test_id("customer-count")).to_have_text("1 customer")
    assert "q=sato" in page.url  # the search is in the address, so it can be shared
    assert page.locator("tbody tr").all_inner_texts()[0].startswith("Sato Yui")
