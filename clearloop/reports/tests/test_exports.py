"""Table downloads: the same figures as the Analytics page, as CSV, XLSX and JSON, with
the page's filters; formulas typed by respondents made inert; attachments only; other
organizations' ids 404; roles without the export capability refused."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from clearloop.analytics import rollups
from clearloop.analytics import selectors as analytics
from clearloop.analytics.tests.data import World
from clearloop.conftest import Persona
from clearloop.customers.tests.factories import CustomerFactory
from clearloop.reports.selectors import TABLES
from clearloop.reports.tests.conftest import ALL_TIME


def _export(table: str, file_format: str) -> str:
    return reverse("web:analytics_export", args=[table, file_format])


def _csv(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads UTF-8 (CJK) only with the mark
    return list(csv.reader(io.StringIO(text[1:])))


def test_breakdown_csv_holds_the_figures_the_page_shows(world: World, analyst: Persona) -> None:
    response = analyst.client().get(_export("breakdown", "csv"), {**ALL_TIME, "by": "channel"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "clearloop-breakdown-2026-01-01-2026-12-31.csv" in response["Content-Disposition"]
    header, *rows = _csv(response.content)
    assert header[:4] == ["Segment key", "Channel", "Value", "Lower end (95%)"]
    breakdown = analytics.metric_breakdown(
        organization=world.organization,
        metric="nps",
        filters=analytics.parse_filters(ALL_TIME),
        dimension="channel",
    )
    assert [row[0] for row in rows] == [line.value for line in breakdown.rows]
    for row, line in zip(rows, breakdown.rows, strict=True):
        assert float(row[2]) == round(line.estimate.value, 2)
        assert int(row[5]) == line.estimate.n


def test_every_table_downloads_as_csv_and_xlsx(world: World, analyst: Persona) -> None:
    client = analyst.client()
    for table in TABLES:
        for file_format in ("csv", "xlsx"):
            response = client.get(_export(table, file_format), ALL_TIME)
            assert response.status_code == 200, (table, file_format)
            assert response["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(io.BytesIO(client.get(_export("trend", "xlsx"), ALL_TIME).content))
    sheet = workbook.worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[0] == "Period starting"
    points = analytics.metric_trend(
        organization=world.organization, metric="nps", filters=analytics.parse_filters(ALL_TIME)
    )
    assert [row[0] for row in rows] == [point.period.isoformat() for point in points]
    assert [row[4] for row in rows] == [point.estimate.n for point in points]
    assert isinstance(rows[0][1], int | float)  # numbers stay numbers


def test_filters_of_the_page_narrow_the_export(world: World, analyst: Persona) -> None:
    client = analyst.client()
    everything = _csv(client.get(_export("headline", "csv"), ALL_TIME).content)
    email = _csv(client.get(_export("headline", "csv"), {**ALL_TIME, "channel": "email"}).content)
    assert everything[1][0] == email[1][0] == "nps"
    assert int(email[1][5]) < int(everything[1][5])
    csat = _csv(client.get(_export("headline", "csv"), {**ALL_TIME, "metric": "csat"}).content)
    assert csat[1][0] == "csat"


def test_formulas_typed_into_data_are_neutralised(world: World, analyst: Persona) -> None:
    customer = CustomerFactory(organization=world.organization, region='=HYPERLINK("x","y")')
    world.customers.append(customer)
    world.respond(nps=3, customer=len(world.customers) - 1)
    rollups.rollups_rebuild(organization=world.organization)
    client = analyst.client()
    params = {**ALL_TIME, "by": "region"}
    rows = _csv(client.get(_export("breakdown", "csv"), params).content)
    labels = [row[1] for row in rows]
    assert '\'=HYPERLINK("x","y")' in labels
    assert not any(label.startswith("=") for label in labels)
    workbook = load_workbook(io.BytesIO(client.get(_export("breakdown", "xlsx"), params).content))
    cells = [cell for row in workbook.worksheets[0].iter_rows(values_only=True) for cell in row]
    assert '\'=HYPERLINK("x","y")' in cells
    assert not any(isinstance(cell, str) and cell.startswith("=") for cell in cells)


def test_viewer_without_export_capability_is_refused(
    world: World, alice: Persona, viewer: Persona
) -> None:
    assert viewer.client().get(_export("breakdown", "csv"), ALL_TIME).status_code == 403
    api = Client(HTTP_AUTHORIZATION=f"Bearer {alice.api_token(role='viewer')}")
    url = reverse("api:analytics-export", args=["breakdown", "csv"])
    assert api.get(url, ALL_TIME).status_code == 403


def test_another_organizations_survey_is_404(world: World, charlie: Persona) -> None:
    params = {**ALL_TIME, "survey": world.survey.pk}
    assert charlie.client().get(_export("breakdown", "csv"), params).status_code == 404
    api = Client(HTTP_AUTHORIZATION=f"Bearer {charlie.api_token()}")
    url = reverse("api:analytics-export", args=["breakdown", "json"])
    assert api.get(url, params).status_code == 404
    # charlie's own export holds none of Acme's answers
    own = api.get(url, ALL_TIME).json()
    assert own["rows"] == []


@pytest.mark.parametrize(
    ("table", "file_format", "params", "status"),
    [
        ("karma", "csv", {}, 404),
        ("breakdown", "docx", {}, 404),
        ("breakdown", "csv", {"by": "zodiac"}, 400),
        ("breakdown", "csv", {"date_from": "tomorrow"}, 400),
        ("trend", "xlsx", {"period": "era"}, 400),
    ],
)
def test_bad_table_format_or_filters_are_4xx(
    world: World,
    alice: Persona,
    analyst: Persona,
    table: str,
    file_format: str,
    params: dict,
    status: int,
) -> None:
    response = analyst.client().get(_export(table, file_format), params)
    assert response.status_code == status
    api = Client(HTTP_AUTHORIZATION=f"Bearer {alice.api_token(role='analyst')}")
    url = reverse("api:analytics-export", args=[table, file_format])
    assert api.get(url, params).status_code == status


def test_api_gives_the_same_figures_as_json_and_files(world: World, alice: Persona) -> None:
    api = Client(HTTP_AUTHORIZATION=f"Bearer {alice.api_token(role='analyst')}")
    body = api.get(reverse("api:analytics-export", args=["headline", "json"]), ALL_TIME).json()
    assert body["table"] == "headline"
    nps = body["rows"][0]
    figure = analytics.metric_figure(
        organization=world.organization, metric="nps", filters=analytics.parse_filters(ALL_TIME)
    )
    assert nps["metric"] == "nps" and nps["n"] == figure.estimate.n
    assert nps["value"] == round(figure.estimate.value, 2)
    assert nps["low"] == round(figure.estimate.low, 2)
    response = api.get(reverse("api:analytics-export", args=["drivers", "xlsx"]), ALL_TIME)
    assert response.status_code == 200
    as_csv = api.get(
        reverse("api:analytics-export", args=["trend", "csv"]), ALL_TIME, HTTP_ACCEPT="text/csv"
    )
    assert as_csv.status_code == 200 and as_csv["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")


def test_analytics_page_links_the_downloads_for_those_who_may_export(
    world: World, analyst: Persona, viewer: Persona
) -> None:
    page = analyst.client().get(reverse("web:analytics"), {**ALL_TIME, "by": "region"})
    html = page.content.decode()
    assert 'data-testid="report-downloads"' in html
    assert _export("breakdown", "xlsx") + "?date_from=2026-01-01" in html
    assert "by=region" in html
    assert reverse("web:analytics_report_pdf") + "?date_from=2026-01-01" in html
    other = viewer.client().get(reverse("web:analytics"), ALL_TIME).content.decode()
    assert 'data-testid="report-downloads"' not in other
