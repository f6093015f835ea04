"""The website widget: its script, the embedded pages' framing rules, the flow without
cookies, the origin the page talks back to, and the staff snippet."""

from __future__ import annotations

import secrets

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from clearloop.core.middleware import CONTENT_SECURITY_POLICY, web_origin
from clearloop.surveys.models import Distribution, Response, ResponseChannel
from clearloop.surveys.public.views import COOKIE_NAME
from clearloop.surveys.responding import sign_hidden_fields
from clearloop.surveys.tests.conftest import build_survey

pytestmark = pytest.mark.django_db

SHOP = "https://shop.example.com"
APP = "https://app.example.com:8443"


def _distribution(survey_distribution, *, kind=ResponseChannel.WIDGET, origins=(), active=True):
    return Distribution.objects.create(
        organization=survey_distribution.organization,
        survey=survey_distribution.survey,
        kind=kind,
        public_token=secrets.token_urlsafe(32),
        allowed_origins=list(origins),
        active=active,
    )


@pytest.fixture
def link(acme) -> Distribution:
    return build_survey(acme)


@pytest.fixture
def widget(link) -> Distribution:
    return _distribution(link, origins=[SHOP, APP])


def _script(distribution) -> str:
    return reverse("survey_widget:script", args=[distribution.public_token])


def _embed(distribution, **query) -> str:
    url = reverse("survey_public:embed", args=[distribution.public_token])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(d for d in policy.split("; ") if d.startswith("frame-ancestors"))


def _hidden_input(html: str, name: str) -> str:
    marker = f'name="{name}" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


# --- The script -------------------------------------------------------------------------------


def test_widget_script_is_cacheable_javascript_with_the_survey_words(widget):
    response = Client().get(_script(widget))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript; charset=utf-8"
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    source = response.content.decode()
    assert '"title": "Delivery survey"' in source
    assert '"languages": ["en", "ja"]' in source and '"open": "Give feedback"' in source
    assert "/* config */ {}" not in source  # the config was baked in


@pytest.mark.parametrize(
    "make",
    [
        lambda link: _distribution(link, active=False, origins=[SHOP]),
        lambda link: _distribution(link, kind=ResponseChannel.LINK, origins=[SHOP]),
        lambda link: Distribution(public_token="no-such-token"),
    ],
    ids=["inactive-widget", "link-distribution", "unknown-token"],
)
def test_widget_script_is_the_links_404_for_anything_but_an_open_widget(link, make):
    response = Client().get(_script(make(link)))
    assert response.status_code == 404
    assert "This survey link is not valid or the survey has ended." in response.content.decode()


def test_widget_script_is_rate_limited_like_the_links(link, settings):
    settings.CLEARLOOP_SURVEY_MISSES_PER_MINUTE = 2
    client = Client()
    for _ in range(2):
        assert client.get("/w/guess.js").status_code == 404
    assert client.get(_script(_distribution(link, origins=[SHOP]))).status_code == 429


# --- Framing ------------------------------------------------------------------------------------


def test_embed_page_may_be_framed_by_exactly_the_allowed_origins(widget):
    response = Client().get(_embed(widget))
    assert response.status_code == 200
    assert _frame_ancestors(response) == f"frame-ancestors {SHOP} {APP}"
    assert "X-Frame-Options" not in response
    policy = response["Content-Security-Policy"]
    assert policy.replace(_frame_ancestors(response), "") == CONTENT_SECURITY_POLICY.replace(
        "frame-ancestors 'none'", ""
    )


@pytest.mark.parametrize(
    ("kind", "origins"),
    [(ResponseChannel.LINK, [SHOP]), (ResponseChannel.WIDGET, [])],
    ids=["link-distribution", "widget-without-origins"],
)
def test_embed_page_cannot_be_framed_without_allowed_origins(link, kind, origins):
    distribution = _distribution(link, kind=kind, origins=origins)
    response = Client().get(_embed(distribution))
    assert _frame_ancestors(response) == "frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_malformed_allowed_origins_never_reach_the_header(link):
    origins = [f"{SHOP}/", "https://x.example; script-src *", "*", "javascript:alert(1)", "x"]
    response = Client().get(_embed(_distribution(link, origins=origins)))
    assert _frame_ancestors(response) == f"frame-ancestors {SHOP}"


def test_the_public_link_keeps_the_strict_policy_even_for_a_widget(link, widget):
    client = Client()
    for url in (
        reverse("survey_public:page", args=[widget.public_token]),
        reverse("survey_public:page", args=[link.public_token]),
        reverse("survey_public:thanks", args=[widget.public_token]),
    ):
        response = client.get(url)
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
        assert response["X-Frame-Options"] == "DENY"


def test_unknown_embed_token_is_the_links_404_and_unframeable():
    response = Client().get("/s/no-such-token/embed/")
    assert response.status_code == 404
    assert _frame_ancestors(response) == "frame-ancestors 'none'"


# --- Talking to the host page -----------------------------------------------------------------


def test_the_page_talks_back_only_to_an_allowed_origin(widget):
    html = Client().get(_embed(widget, origin=SHOP)).content.decode()
    assert f'class="embed" data-clearloop-parent="{SHOP}"' in html
    assert "surveys/widget.js" in html and "data-clearloop-frame" in html


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "", f"{SHOP}.evil.example"])
def test_the_page_refuses_a_postmessage_target_that_is_not_allowed(widget, origin):
    html = Client().get(_embed(widget, origin=origin)).content.decode()
    assert 'data-clearloop-parent=""' in html


def test_a_link_distribution_has_no_postmessage_target(link):
    distribution = _distribution(link, kind=ResponseChannel.LINK, origins=[SHOP])
    html = Client().get(_embed(distribution, origin=SHOP)).content.decode()
    assert 'data-clearloop-parent=""' in html


# --- The flow inside the frame ----------------------------------------------------------------


def test_a_respondent_answers_in_the_frame_without_any_cookie(widget):
    client = Client()
    html = client.get(_embed(widget, origin=SHOP)).content.decode()
    submission_id = _hidden_input(html, "submission_id")
    action = html.split('<form method="post" action="')[1].split('"')[0].replace("&amp;", "&")
    assert f"sid={submission_id}" in action and "origin=" in action

    page_two = client.post(action, {"submission_id": submission_id, "page": 1, "q-nps": "3"})
    assert page_two.status_code == 302 and f"sid={submission_id}" in page_two["Location"]
    client.cookies.clear()  # a browser that blocks third-party cookies
    html = client.get(page_two["Location"]).content.decode()
    assert "What went wrong?" in html and _hidden_input(html, "submission_id") == submission_id

    done = client.post(
        page_two["Location"],
        {"submission_id": submission_id, "page": 2, "q-detractor_reason": "late"},
    )
    assert done["Location"].startswith(
        reverse("survey_public:embed_thanks", args=[widget.public_token])
    )
    client.cookies.clear()
    thanks = client.get(done["Location"])
    assert _frame_ancestors(thanks) == f"frame-ancestors {SHOP} {APP}"
    html = thanks.content.decode()
    assert "data-clearloop-completed" in html and f'data-clearloop-parent="{SHOP}"' in html
    assert "Thanks for helping us improve." in html
    response = Response.objects.get()
    assert response.is_complete and response.channel == ResponseChannel.WIDGET
    assert response.distribution == widget


def test_reopening_a_completed_frame_shows_the_thank_you(widget):
    client = Client()
    html = client.get(_embed(widget)).content.decode()
    submission_id = _hidden_input(html, "submission_id")
    client.post(_embed(widget), {"submission_id": submission_id, "page": 1, "q-nps": "10"})
    client.post(
        _embed(widget), {"submission_id": submission_id, "page": 2, "q-promoter_reason": "fast"}
    )
    again = client.get(_embed(widget, sid=submission_id))
    assert again.status_code == 302 and "/embed/thanks/" in again["Location"]


def test_signed_hidden_fields_travel_through_the_frame(widget):
    signed = sign_hidden_fields(widget, {"order": "A-17"})
    client = Client()
    html = client.get(_embed(widget, h=signed)).content.decode()
    data = {"submission_id": _hidden_input(html, "submission_id"), "page": 1, "q-nps": "9"}
    client.post(_embed(widget), {**data, "h": _hidden_input(html, "h")})
    assert Response.objects.get().hidden_fields == {"order": "A-17"}


def test_altered_hidden_fields_are_refused_in_the_frame(widget):
    response = Client().get(_embed(widget, h=sign_hidden_fields(widget, {"a": "1"}) + "x"))
    assert response.status_code == 400
    assert _frame_ancestors(response) == f"frame-ancestors {SHOP} {APP}"


def test_a_post_sent_from_another_site_is_refused(widget):
    client = Client()
    html = client.get(_embed(widget)).content.decode()
    data = {"submission_id": _hidden_input(html, "submission_id"), "page": 1, "q-nps": "9"}
    refused = client.post(_embed(widget), data, HTTP_ORIGIN="https://evil.example")
    assert refused.status_code == 403 and not Response.objects.exists()
    accepted = client.post(_embed(widget), data, HTTP_ORIGIN="http://testserver")
    assert accepted.status_code == 302 and Response.objects.exists()


def test_embed_posts_are_rate_limited(widget, settings):
    settings.CLEARLOOP_SURVEY_POSTS_PER_MINUTE = 1
    client = Client()
    html = client.get(_embed(widget)).content.decode()
    data = {"submission_id": _hidden_input(html, "submission_id"), "page": 1, "q-nps": "9"}
    assert client.post(_embed(widget), data).status_code == 302
    assert client.post(_embed(widget), data).status_code == 429


def test_over_https_the_frame_also_keeps_a_cross_site_cookie(widget):
    response = Client().get(_embed(widget), secure=True)
    cookie = response.cookies[COOKIE_NAME]
    assert cookie["samesite"] == "None" and cookie["secure"] and cookie["httponly"]


def test_over_plain_http_the_frame_sets_no_cookie_at_all(widget):
    assert not Client().get(_embed(widget)).cookies


# --- Origins and the staff snippet ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://Shop.Example.com/", "https://shop.example.com"),
        ("http://localhost:8000", "http://localhost:8000"),
        ("http://[::1]:8000", "http://[::1]:8000"),
        ("https://shop.example.com/path", None),
        ("https://*.example.com", None),
        ("ftp://shop.example.com", None),
        ("https://user@shop.example.com", None),
        ("https://a.example 'unsafe-inline'", None),
        (None, None),
    ],
)
def test_web_origin_accepts_only_plain_origins(value, expected):
    assert web_origin(value) == expected


def _snippet(distribution, **context) -> str:
    request = RequestFactory().get("/", HTTP_HOST="feedback.example.org", secure=True)
    return render_to_string(
        "surveys/staff/_widget_snippet.html",
        {"distribution": distribution, "public_url": "", **context},
        request=request,
    )


def test_the_staff_snippet_is_one_escaped_script_tag_and_lists_the_origins(widget, settings):
    settings.ALLOWED_HOSTS = ["feedback.example.org"]
    html = _snippet(widget)
    tag = (
        f'&lt;script src="https://feedback.example.org/w/{widget.public_token}.js" async&gt;'
        "&lt;/script&gt;"
    )
    assert f'<pre><code id="widget-snippet-{widget.pk}">{tag}</code></pre>' in html
    assert f'data-copy="widget-snippet-{widget.pk}"' in html
    assert f"<code>{SHOP}</code>" in html and "No website may show" not in html


def test_the_staff_snippet_prefers_the_site_url_and_warns_without_origins(link):
    distribution = _distribution(link, origins=[])
    html = _snippet(distribution, widget_script_url="https://cl.example/w/t.js")
    assert '&lt;script src="https://cl.example/w/t.js" async&gt;' in html
    assert "No website may show this widget yet" in html
