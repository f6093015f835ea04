"""The survey's Distribution tab: links with their QR codes, creating one, switching one
off and on, and who may do what."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.urls import reverse

from clearloop.surveys.models import Distribution, ResponseChannel
from clearloop.surveys.services import distribution_create
from clearloop.surveys.tests.results_data import respond, results_version

pytestmark = pytest.mark.django_db

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
QR_URLS = [
    "web:survey_distribution_qr_png",
    "web:survey_distribution_qr_svg",
    "web:survey_distribution_qr_preview",
]


@pytest.fixture
def link(alice) -> Distribution:
    version = results_version(alice.organization, name="Acme CSAT")
    link = distribution_create(
        survey=version.survey, kind=ResponseChannel.LINK, name="Website", by=alice.membership
    )
    respond(version, {"nps": 9}, distribution=link)
    respond(version, {"nps": 3}, distribution=link, completed=False)
    return link


def _page(survey_pk: int) -> str:
    return reverse("web:survey_distributions", kwargs={"pk": survey_pk})


def _url(name: str, distribution: Distribution) -> str:
    return reverse(name, kwargs={"pk": distribution.survey_id, "distribution_pk": distribution.pk})


def _public(distribution: Distribution) -> str:
    return reverse("survey_public:page", args=[distribution.public_token])


def test_page_lists_the_link_with_its_full_url_and_completed_count(alice, link):
    response = alice.client().get(_page(link.survey_id))
    html = response.content.decode()

    assert response.status_code == 200
    assert f'value="{settings.SITE_URL}{_public(link)}" readonly' in html
    assert f'data-copy="url-{link.pk}"' in html
    assert f'src="{_url("web:survey_distribution_qr_preview", link)}"' in html
    assert response.context["rows"][0]["distribution"].completed_count == 1
    assert "1 completed response" in html
    assert " style=" not in html  # the CSP forbids inline styles


def test_survey_tabs_link_to_the_distribution_tab(alice, link):
    html = alice.client().get(reverse("web:survey_results", args=[link.survey_id])).content
    assert f'href="{_page(link.survey_id)}"'.encode() in html


def test_page_queries_do_not_grow_with_distributions(alice, link, django_assert_num_queries):
    # session, user, membership, survey, distributions with their counts, and the
    # organization switcher's memberships in the layout
    client = alice.client()
    client.get(_page(link.survey_id))  # the first request also saves the session
    with django_assert_num_queries(6):
        client.get(_page(link.survey_id))
    for _ in range(4):
        distribution_create(survey=link.survey, kind="qr", by=alice.membership)

    with django_assert_num_queries(6):
        client.get(_page(link.survey_id))


def test_creating_a_qr_distribution_gives_png_and_svg_downloads(alice, link):
    client = alice.client()

    response = client.post(
        reverse("web:survey_distribution_create", args=[link.survey_id]),
        {"kind": "qr", "name": "Counter poster"},
        follow=True,
    )

    created = Distribution.objects.get(survey=link.survey, kind="qr")
    assert created.name == "Counter poster" and created.active
    assert "Distribution created" in response.content.decode()
    png = client.get(_url("web:survey_distribution_qr_png", created))
    assert png["Content-Type"] == "image/png"
    assert png["Content-Disposition"] == f'attachment; filename="survey-{link.survey_id}-qr.png"'
    assert png["X-Content-Type-Options"] == "nosniff"
    assert png.content.startswith(PNG_SIGNATURE)
    svg = client.get(_url("web:survey_distribution_qr_svg", created))
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg["Content-Disposition"] == f'attachment; filename="survey-{link.survey_id}-qr.svg"'
    assert svg["X-Content-Type-Options"] == "nosniff"
    assert ElementTree.fromstring(svg.content).tag.endswith("svg")  # noqa: S314 (ours)


def test_preview_svg_is_inline_under_a_policy_that_allows_no_script(alice, link):
    response = alice.client().get(_url("web:survey_distribution_qr_preview", link))

    assert response["Content-Type"] == "image/svg+xml"
    assert "Content-Disposition" not in response
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_creating_refuses_an_unknown_kind(alice, link):
    response = alice.client().post(
        reverse("web:survey_distribution_create", args=[link.survey_id]),
        {"kind": "carrier-pigeon", "name": "x"},
        follow=True,
    )

    assert Distribution.objects.filter(survey=link.survey).count() == 1
    assert "Choose a kind of distribution" in response.content.decode()


def test_a_new_email_distribution_opens_its_settings_which_are_saved(alice, link):
    client = alice.client()
    created = client.post(
        reverse("web:survey_distribution_create", args=[link.survey_id]),
        {"kind": "email", "name": "After support"},
    )
    email = Distribution.objects.get(survey=link.survey, kind=ResponseChannel.EMAIL)
    assert created["Location"] == _url("web:survey_distribution_settings", email)

    form = client.get(created["Location"]).content.decode()
    assert 'name="reminder_count"' in form and 'name="allowed_origins"' not in form
    saved = client.post(
        created["Location"],
        {
            "name": "After support",
            "contact_frequency_days": "14",
            "reminder_count": "2",
            "reminder_delay_hours": "48",
            "send_delay_minutes": "90",
        },
    )

    assert saved.status_code == 302
    email.refresh_from_db()
    assert (email.contact_frequency_days, email.reminder_count) == (14, 2)
    assert (email.reminder_delay_hours, email.send_delay_minutes) == (48, 90)
    page = client.get(_page(link.survey_id)).content.decode()
    assert "every 14 days" in page
    assert _url("web:survey_invitations", email) in page


def test_a_widget_refuses_a_bad_origin_and_keeps_what_it_had(alice, link):
    widget = distribution_create(
        survey=link.survey, kind=ResponseChannel.WIDGET, name="Shop", by=alice.membership
    )
    url = _url("web:survey_distribution_settings", widget)
    client = alice.client()
    client.post(url, {"name": "Shop", "allowed_origins": "https://shop.example.com\n"})

    refused = client.post(
        url, {"name": "Renamed", "allowed_origins": "https://ok.example.com\nhttp://evil.example"}
    )

    assert refused.status_code == 200
    assert "must use https" in refused.content.decode()
    widget.refresh_from_db()
    assert widget.name == "Shop"
    assert widget.allowed_origins == ["https://shop.example.com"]
    page = client.get(_page(link.survey_id)).content.decode()
    script = reverse("survey_widget:script", args=[widget.public_token])
    assert f"&lt;script src=&quot;{settings.SITE_URL}{script}&quot;" in page or (
        f"{settings.SITE_URL}{script}" in page
    )
    assert "<code>https://shop.example.com</code>" in page


def test_numbers_out_of_range_are_refused(alice, link):
    email = distribution_create(survey=link.survey, kind=ResponseChannel.EMAIL, by=alice.membership)
    response = alice.client().post(
        _url("web:survey_distribution_settings", email),
        {
            "contact_frequency_days": "30",
            "reminder_count": "9",
            "reminder_delay_hours": "0",
            "send_delay_minutes": "0",
        },
    )

    assert response.status_code == 200
    email.refresh_from_db()
    assert (email.reminder_count, email.reminder_delay_hours) == (1, 72)


def test_switching_off_closes_the_public_page_and_on_opens_it(alice, link):
    client = alice.client()
    toggle = _url("web:survey_distribution_set_active", link)
    assert client.get(_public(link)).status_code == 200

    client.post(toggle, {"active": "0"})
    assert client.get(_public(link)).status_code == 404
    link.refresh_from_db()
    assert not link.active

    response = client.post(toggle, {"active": "1"}, follow=True)
    assert "Distribution switched on" in response.content.decode()
    assert client.get(_public(link)).status_code == 200


def test_email_distribution_has_no_qr_code(alice, link):
    email = distribution_create(survey=link.survey, kind="email", by=alice.membership)

    for name in QR_URLS:
        assert alice.client().get(_url(name, email)).status_code == 404


def test_qr_of_another_surveys_distribution_is_not_found_under_this_one(alice, link):
    other = results_version(alice.organization, name="Other").survey

    url = reverse(
        "web:survey_distribution_qr_png", kwargs={"pk": other.pk, "distribution_pk": link.pk}
    )
    assert alice.client().get(url).status_code == 404


def test_another_organization_gets_404_everywhere_and_changes_nothing(charlie, link):
    client = charlie.client()
    before = list(Distribution.objects.values_list("pk", "active").order_by("pk"))

    assert client.get(_page(link.survey_id)).status_code == 404
    for name in QR_URLS:
        assert client.get(_url(name, link)).status_code == 404
    create = reverse("web:survey_distribution_create", args=[link.survey_id])
    assert client.post(create, {"kind": "qr", "name": "x"}).status_code == 404
    toggle = _url("web:survey_distribution_set_active", link)
    assert client.post(toggle, {"active": "0"}).status_code == 404
    settings_url = _url("web:survey_distribution_settings", link)
    assert client.get(settings_url).status_code == 404
    assert client.post(settings_url, {"name": "mine"}).status_code == 404

    assert list(Distribution.objects.values_list("pk", "active").order_by("pk")) == before


def test_an_agent_sees_the_page_read_only_and_may_not_write(bob, link):
    client = bob.client()

    page = client.get(_page(link.survey_id))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Switch off" not in html and "New distribution" not in html
    assert client.get(_url("web:survey_distribution_qr_png", link)).status_code == 200
    create = reverse("web:survey_distribution_create", args=[link.survey_id])
    assert client.post(create, {"kind": "qr"}).status_code == 403
    toggle = _url("web:survey_distribution_set_active", link)
    assert client.post(toggle, {"active": "0"}).status_code == 403
    settings_url = _url("web:survey_distribution_settings", link)
    assert client.post(settings_url, {"name": "mine"}).status_code == 403

    link.refresh_from_db()
    assert link.active
    assert Distribution.objects.filter(survey=link.survey).count() == 1


@pytest.mark.parametrize(
    "name", ["web:survey_distribution_create", "web:survey_distribution_set_active"]
)
def test_writes_accept_only_post(alice, link, name):
    kwargs = {"pk": link.survey_id}
    if name.endswith("set_active"):
        kwargs["distribution_pk"] = link.pk
    assert alice.client().get(reverse(name, kwargs=kwargs)).status_code == 405
