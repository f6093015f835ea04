"""The dashboard as a PDF: what a reader sees (text extracted with pypdf) in English,
Chinese and Japanese, thin figures marked, filters honoured, nothing fetched, and the same
access rules as the exports."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.test import Client
from django.urls import reverse

from clearloop.accounts.models import Organization
from clearloop.analytics import rollups
from clearloop.analytics.tests.data import World
from clearloop.conftest import Persona
from clearloop.customers.tests.factories import CustomerFactory
from clearloop.reports import pdf, selectors
from clearloop.reports.tests.conftest import ALL_TIME, member


def _text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def chinese_region(world: World) -> None:
    world.customers.append(CustomerFactory(organization=world.organization, region="华东"))
    for score in (9, 10, 3):
        world.respond(nps=score, customer=len(world.customers) - 1)
    rollups.rollups_rebuild(organization=world.organization)


def test_english_report_has_title_period_figures_and_tables(
    world: World, analyst: Persona, chinese_region: None
) -> None:
    response = analyst.client().get(
        reverse("web:analytics_report_pdf"), {**ALL_TIME, "by": "region"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = _text(response.content)
    for expected in (
        "Clearloop dashboard report",
        "Acme Support",
        "Headline figures",
        "NPS",
        "95% CI",
        "n = ",
        "NPS trend",
        "NPS by region",
        "Key drivers",
        "Response-rate funnel",
        "华东",  # a segment named in Chinese prints in an English report too
    ):
        assert expected in text, expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", ("关键驱动因素", "回收率", "首次联系解决率")),
        ("ja", ("キードライバー", "回答率")),
    ],
)
def test_report_is_in_the_readers_language(
    world: World, acme: Organization, language: str, expected: tuple[str, ...]
) -> None:
    reader = member(acme, f"{language}@acme.test", "analyst", language=language)
    response = reader.client().get(reverse("web:analytics_report_pdf"), ALL_TIME)
    assert response.status_code == 200
    text = _text(response.content)
    for phrase in expected:
        assert phrase in text, phrase


def test_figures_under_the_minimum_are_marked(world: World, analyst: Persona) -> None:
    params = {**ALL_TIME, "channel": "email", "language": "ja"}  # a handful of answers
    text = _text(analyst.client().get(reverse("web:analytics_report_pdf"), params).content)
    assert "fewer than 30 answers: read with care" in text
    assert "Channel: Email" in text and "Language: " in text


def test_report_embeds_no_link_or_file_reference(world: World) -> None:
    query = selectors.report_query(organization=world.organization, params=ALL_TIME)
    content = pdf.dashboard_pdf(organization=world.organization, query=query, language="ja")
    for marker in (b"/URI", b"file://", b"http://", b"https://", b"/Launch", b"/JavaScript"):
        assert marker not in content


def test_escapes_markup_typed_into_data(world: World, analyst: Persona) -> None:
    world.customers.append(
        CustomerFactory(organization=world.organization, region='<a href="x">&amp;</a>')
    )
    world.respond(nps=5, customer=len(world.customers) - 1)
    rollups.rollups_rebuild(organization=world.organization)
    params = {**ALL_TIME, "by": "region"}
    response = analyst.client().get(reverse("web:analytics_report_pdf"), params)
    assert response.status_code == 200
    text = _text(response.content).replace("\n", " ")  # narrow columns wrap lines
    assert '<a href="x">&amp;</a>' in text


def test_pdf_access_rules(world: World, alice: Persona, viewer: Persona, charlie: Persona) -> None:
    url = reverse("web:analytics_report_pdf")
    assert viewer.client().get(url, ALL_TIME).status_code == 403
    assert charlie.client().get(url, {"survey": world.survey.pk}).status_code == 404
    assert alice.client().get(url, {"period": "era"}).status_code == 400
    api_url = reverse("api:analytics-report")
    refused = Client(HTTP_AUTHORIZATION=f"Bearer {alice.api_token(role='viewer')}")
    assert refused.get(api_url, ALL_TIME).status_code == 403
    other = Client(HTTP_AUTHORIZATION=f"Bearer {charlie.api_token()}")
    assert other.get(api_url, {"survey": world.survey.pk}).status_code == 404


def test_api_report_in_the_language_asked(world: World, alice: Persona) -> None:
    api = Client(HTTP_AUTHORIZATION=f"Bearer {alice.api_token(role='analyst')}")
    response = api.get(reverse("api:analytics-report"), {**ALL_TIME, "language": "ja"})
    assert response.status_code == 200
    assert "キードライバー" in _text(response.content)
    assert api.get(reverse("api:analytics-report"), {"language": "xx"}).status_code == 400


def test_each_cjk_character_goes_to_a_font_that_has_it() -> None:
    assert pdf.cjk_runs("华东", "ja") == [("STSong-Light", "华东")]  # simplified only
    assert pdf.cjk_runs("満足度", "ja") == [("HeiseiKakuGo-W5", "満足度")]
    assert pdf.cjk_runs("满意度", "zh-hans") == [("STSong-Light", "满意度")]
    assert pdf.cjk_runs("ネット", "en") == [("HeiseiKakuGo-W5", "ネット")]
    mixed = pdf.cjk_runs("华东の満足度", "ja")
    assert mixed[0] == ("STSong-Light", "华东") and mixed[-1][0] == "HeiseiKakuGo-W5"


def test_chinese_names_print_in_a_japanese_report(
    world: World, acme: Organization, chinese_region: None
) -> None:
    reader = member(acme, "ja@acme.test", "analyst", language="ja")
    params = {**ALL_TIME, "by": "region"}
    text = _text(reader.client().get(reverse("web:analytics_report_pdf"), params).content)
    assert "华东" in text and "地域" in text
