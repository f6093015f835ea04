"""The exports API: request (202), poll, list (paginated), download (409 until done) — with
the real task run on commit; roles (403) and tenancy (404 on every route)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from clearloop.accounts.roles import Role
from clearloop.accounts.tests.test_api import api, assert_problem
from clearloop.surveys.export_jobs import CONTENT_TYPES
from clearloop.surveys.models import ExportFormat, ExportStatus, ResponseExport
from clearloop.surveys.tests.results_data import respond, results_version

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def survey(alice):
    version = results_version(alice.organization)
    respond(version, {"nps": 1, "comment": "@SUM(1+1)"}, language="en")
    respond(version, {"nps": 9}, language="ja", hidden_fields={"team": "billing"})
    return version.survey


@pytest.fixture
def client(alice):
    return api(alice.api_token())


def exports_url(survey, export_id=None, *, download=False) -> str:
    url = f"/api/v1/surveys/{survey.pk}/exports/"
    if export_id is not None:
        url += f"{export_id}/" + ("download" if download else "")
    return url


def post(client, survey, body, capture, *, run: bool = True):
    with capture(execute=run):
        return client.post(exports_url(survey), body, content_type=JSON)


def test_a_requested_export_is_accepted_then_done_with_a_download_url(
    client, alice, survey, django_capture_on_commit_callbacks
):
    response = post(
        client,
        survey,
        {"format": "csv", "filters": {"language": "en"}},
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 202, response.content
    accepted = response.json()
    assert accepted["status"] == "queued" and accepted["filters"] == {"language": "en"}
    assert accepted["rows_total"] == 1 and accepted["download_url"] is None
    assert accepted["requested_by"] == alice.user.email
    job = client.get(exports_url(survey, accepted["id"])).json()
    assert (job["status"], job["progress"], job["rows_done"]) == ("done", 100, 1)
    assert job["download_url"] == "http://testserver" + exports_url(
        survey, accepted["id"], download=True
    )

    download = client.get(job["download_url"], headers={"Accept": "text/csv"})

    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"] == f'attachment; filename="{job["filename"]}"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert int(job["size"]) == len(download.content)
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8")[1:])))
    assert rows[1][rows[0].index("comment")] == "'@SUM(1+1)"


def test_an_xlsx_export_downloads_as_a_workbook(client, survey, django_capture_on_commit_callbacks):
    accepted = post(client, survey, {"format": "xlsx"}, django_capture_on_commit_callbacks).json()

    download = client.get(exports_url(survey, accepted["id"], download=True))

    assert download["Content-Type"] == CONTENT_TYPES[ExportFormat.XLSX]
    assert load_workbook(io.BytesIO(download.content)).active.max_row == 3


def test_the_download_is_a_409_problem_until_the_export_is_done(
    client, survey, django_capture_on_commit_callbacks
):
    accepted = post(
        client, survey, {"format": "csv"}, django_capture_on_commit_callbacks, run=False
    ).json()

    body = assert_problem(client.get(exports_url(survey, accepted["id"], download=True)), 409)
    assert "queued" in body["detail"].lower()

    ResponseExport.objects.filter(pk=accepted["id"]).update(
        status=ExportStatus.FAILED, error="The export's filters are not valid."
    )
    body = assert_problem(client.get(exports_url(survey, accepted["id"], download=True)), 409)
    assert "failed" in body["detail"] and "filters are not valid" in body["detail"]
    assert client.get(exports_url(survey, accepted["id"])).json()["error"]


def test_the_list_is_newest_first_and_paginated(client, survey, django_capture_on_commit_callbacks):
    ids = [
        post(client, survey, {"format": fmt}, django_capture_on_commit_callbacks).json()["id"]
        for fmt in ("csv", "xlsx", "csv")
    ]

    first = client.get(exports_url(survey), {"page_size": 2}).json()
    second = client.get(first["next"]).json()

    assert [e["id"] for e in first["results"] + second["results"]] == ids[::-1]
    assert second["next"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"format": "pdf"}, "format"),
        ({}, "format"),
        ({"format": "csv", "filters": {"date_from": "soon"}}, "filters.date_from"),
        ({"format": "csv", "filters": {"hidden": "no equals sign"}}, "filters.hidden"),
        ({"format": "csv", "filters": {"colour": "red"}}, "filters.colour"),
        ({"format": "csv", "filters": ["language"]}, "filters"),
    ],
)
def test_a_wrong_request_is_a_400_problem_and_queues_nothing(
    client, survey, body, field, django_capture_on_commit_callbacks
):
    problem = assert_problem(post(client, survey, body, django_capture_on_commit_callbacks), 400)
    assert field in problem["errors"]
    assert not ResponseExport.objects.exists()


def test_a_token_without_export_data_gets_403(alice, survey, django_capture_on_commit_callbacks):
    viewer = api(alice.api_token(Role.VIEWER))
    assert_problem(post(viewer, survey, {"format": "csv"}, django_capture_on_commit_callbacks), 403)
    assert_problem(viewer.get(exports_url(survey)), 403)
    assert not ResponseExport.objects.exists()


def test_every_route_is_404_for_another_organization(
    client, charlie, survey, django_capture_on_commit_callbacks
):
    accepted = post(client, survey, {"format": "csv"}, django_capture_on_commit_callbacks).json()
    theirs = results_version(charlie.organization).survey
    other = api(charlie.api_token())

    assert_problem(other.get(exports_url(survey)), 404)
    assert_problem(post(other, survey, {"format": "csv"}, django_capture_on_commit_callbacks), 404)
    for download in (False, True):
        assert_problem(other.get(exports_url(survey, accepted["id"], download=download)), 404)
        # Alice's export id under charlie's own survey reaches nothing either.
        assert_problem(other.get(exports_url(theirs, accepted["id"], download=download)), 404)
    assert other.get(exports_url(theirs)).json()["results"] == []
    assert ResponseExport.objects.count() == 1


def test_the_list_runs_in_a_fixed_number_of_queries(
    client, survey, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for _ in range(3):
        post(client, survey, {"format": "csv"}, django_capture_on_commit_callbacks)
    with django_assert_max_num_queries(8):
        assert len(client.get(exports_url(survey)).json()["results"]) == 3
