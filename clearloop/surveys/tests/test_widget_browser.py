# ruff: noqa: RUF001  (Japanese questions end with a full-width question mark, on purpose)
"""The website widget in a real browser, across two origins: a customer's page on
http://localhost:<port> (with its own strict CSP) embeds the survey served by the live
server on http://127.0.0.1:<port>, another site."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from clearloop.core.testing import screenshot
from clearloop.surveys.models import Distribution, Response, ResponseChannel
from clearloop.surveys.responding import sign_hidden_fields
from clearloop.surveys.tests.conftest import THANK_YOU, build_survey

QUESTION_JA = "友人や同僚に当社を勧める可能性はどのくらいありますか？"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass
class HostSite:
    """A customer's website: one page holding nothing but the widget's script tag."""

    server: ThreadingHTTPServer
    html: str = ""
    policy: str = ""

    @property
    def origin(self) -> str:
        return f"http://localhost:{self.server.server_address[1]}"

    def serve(self, *, script_url: str, our_origin: str, attributes: str = "") -> str:
        self.policy = f"default-src 'self'; script-src 'self' {our_origin}; frame-src {our_origin}"
        self.html = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>Example Shop</title></head><body><h1>Example Shop</h1>"
            "<p>Fresh coffee beans, roasted every Monday.</p>"
            f'<script src="{script_url}" async{attributes}></script></body></html>'
        )
        return self.origin + "/"


@pytest.fixture
def host_site() -> Iterator[HostSite]:
    site = HostSite(server=ThreadingHTTPServer(("127.0.0.1", 0), _HostPage))
    site.server.site = site
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()


class _HostPage(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        site: HostSite = self.server.site
        body = site.html.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Security-Policy", site.policy)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the test output quiet


def _widget(organization, *origins: str) -> Distribution:
    link = build_survey(organization)
    return Distribution.objects.create(
        organization=organization,
        survey=link.survey,
        kind=ResponseChannel.WIDGET,
        public_token=secrets.token_urlsafe(32),
        allowed_origins=list(origins),
    )


def _open_host(browser, live_server, host_site, distribution, viewport, attributes=""):
    context = browser.new_context(locale="en-US", viewport=viewport)
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    script_url = live_server.url + reverse("survey_widget:script", args=[distribution.public_token])
    page.goto(
        host_site.serve(script_url=script_url, our_origin=live_server.url, attributes=attributes)
    )
    return context, page, violations


def test_a_visitor_answers_the_widget_on_a_customers_page(live_server, browser, host_site, acme):
    from playwright.sync_api import expect

    distribution = _widget(acme, host_site.origin)
    context, page, violations = _open_host(
        browser, live_server, host_site, distribution, {"width": 1280, "height": 800}
    )
    launcher = page.get_by_role("button", name="Give feedback")
    dialog = page.get_by_role("dialog", name="Delivery survey")
    survey = page.frame_locator("iframe[title='Delivery survey']")

    launcher.click()
    expect(dialog).to_be_visible()
    nps = survey.get_by_role("group", name="How likely are you to recommend us to a friend?")
    expect(nps.get_by_role("radio")).to_have_count(11)
    screenshot(page, "widget-host-open-desktop")
    page.keyboard.press("Escape")  # focus is on the close button, in the host page
    expect(dialog).to_be_hidden()
    expect(launcher).to_be_focused()

    launcher.click()
    nps.get_by_text("10", exact=True).click()
    page.keyboard.press("Escape")  # focus is inside the frame: it tells the host page
    expect(dialog).to_be_hidden()
    expect(launcher).to_be_focused()

    launcher.click()  # the same frame comes back, the answer still chosen
    expect(nps.get_by_role("radio", name="10")).to_be_checked()
    survey.get_by_role("button", name="Next").click()
    survey.get_by_role("group", name="What did you like?").get_by_text("Fast delivery").click()
    survey.get_by_role("button", name="Submit").click()
    expect(survey.get_by_test_id("thank-you")).to_have_text(THANK_YOU["en"])
    screenshot(page, "widget-host-thanks-desktop")
    expect(dialog).to_be_hidden(timeout=8000)  # it closes itself a moment later

    response = Response.objects.get()
    assert response.is_complete and response.channel == ResponseChannel.WIDGET
    assert response.distribution_id == distribution.pk
    assert violations == []  # the widget lives within the host page's strict CSP
    context.close()


def test_the_widget_fits_a_phone(live_server, browser, host_site, acme):
    from playwright.sync_api import expect

    distribution = _widget(acme, host_site.origin)
    context, page, _ = _open_host(
        browser, live_server, host_site, distribution, {"width": 390, "height": 844}
    )
    page.get_by_role("button", name="Give feedback").click()
    survey = page.frame_locator("iframe[title='Delivery survey']")
    expect(survey.get_by_role("radio")).to_have_count(11)
    box = page.get_by_role("dialog").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844
    screenshot(page, "widget-host-open-phone")
    context.close()


def test_a_site_not_in_the_allowed_origins_cannot_frame_the_survey(
    live_server, browser, host_site, acme
):
    from playwright.sync_api import expect

    distribution = _widget(acme, "https://shop.example.com")
    context, page, _ = _open_host(
        browser, live_server, host_site, distribution, {"width": 1280, "height": 800}
    )
    with page.expect_console_message(lambda message: "frame-ancestors" in message.text):
        page.get_by_role("button", name="Give feedback").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    frame = page.locator("iframe").element_handle().content_frame()
    frame.wait_for_load_state()
    assert frame.url.startswith("chrome-error://")  # the browser's own error page instead
    assert frame.locator("form").count() == 0
    assert not Response.objects.exists()
    context.close()


def test_an_inline_widget_shows_the_survey_in_place_in_the_asked_language(
    live_server, browser, host_site, acme
):
    from playwright.sync_api import expect

    distribution = _widget(acme, host_site.origin)
    fields = sign_hidden_fields(distribution, {"order": "A-17"})
    attributes = (
        ' data-clearloop-position="inline" data-clearloop-language="ja"'
        f' data-clearloop-fields="{fields}"'
    )
    context, page, violations = _open_host(
        browser, live_server, host_site, distribution, {"width": 1024, "height": 900}, attributes
    )
    expect(page.get_by_role("button", name="Give feedback")).to_have_count(0)
    survey = page.frame_locator("iframe[title='Delivery survey']")
    nps = survey.get_by_role("group", name=QUESTION_JA)
    nps.get_by_text("3", exact=True).click()
    survey.locator("button[type=submit]").click()
    expect(survey.get_by_role("group", name="何が問題でしたか？")).to_be_visible()
    screenshot(page, "widget-host-inline-ja")
    response = Response.objects.get()
    assert response.language == "ja" and response.hidden_fields == {"order": "A-17"}
    assert violations == []
    context.close()
