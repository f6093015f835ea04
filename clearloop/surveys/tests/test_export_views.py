"""The Exports page of a survey: request an export, watch its progress fragment (polled by
htmx while the job is unfinished), download it as an attachment; roles and tenancy."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from clearloop.accounts.roles import Role
from clearloop.accounts.tests.factories import MembershipFactory
from clearloop.surveys.export_jobs import CONTENT_TYPES
from clearloop.surveys.models import ExportFormat, ExportStatus, ResponseExport
from clearloop.surveys.tests.results_data import respond, results_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(alice):
    version = results_version(alice.organization)
    respond(version, {"nps": 2, "comment": "=cmd|' /C calc'!A0"}, language="en")
    respond(version, {"nps": 10, "comment": "great"}, language="ja")
    return version


@pytest.fixture
def survey(version):
    return version.survey


def urls(survey, export=None) -> dict[str, str]:
    found = {
        "page": reverse("web:survey_exports", args=[survey.pk]),
        "request": reverse("web:survey_export_request", args=[survey.pk]),
    }
    if export is not None:
        arguments = [survey.pk, export.pk]
        found["status"] = reverse("web:survey_export_status", args=arguments)
        found["download"] = reverse("web:survey_export_download", args=arguments)
    return found


def post_export(client, survey, data, capture, *, run: bool = True):
    """POST the request form; with `run` the task runs (immediate backend) on commit."""
    with capture(execute=run):  # the callbacks run as the block exits, before returning
        return client.post(urls(survey)["request"], data)


def test_alice_requests_an_export_sees_it_done_and_downloads_it(
    alice, survey, django_capture_on_commit_callbacks
):
    client = alice.client()
    page = client.get(urls(survey)["page"], {"nps_group": "detractor"})
    assert page.status_code == 200
    assert b'<input type="hidden" name="nps_group" value="detractor">' in page.content

    response = post_export(
        client,
        survey,
        {"format": "csv", "nps_group": "detractor"},
        django_capture_on_commit_callbacks,
    )

    assert response.status_code == 302
    assert response["Location"] == urls(survey)["page"] + "?nps_group=detractor"
    export = ResponseExport.objects.get()
    assert (export.status, export.filters, export.requested_by) == (
        ExportStatus.DONE,
        {"nps_group": "detractor"},
        alice.user,
    )
    listing = client.get(response["Location"]).content.decode()
    assert "Export requested." in listing and "NPS group: Detractors (0-6)" in listing
    status = client.get(urls(survey, export)["status"]).content.decode()
    assert urls(survey, export)["download"] in status and "hx-trigger" not in status

    download = client.get(urls(survey, export)["download"])

    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download["Content-Disposition"] == f'attachment; filename="{export.filename}"'
    assert download["X-Content-Type-Options"] == "nosniff"
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8")[1:])))
    assert len(rows) == 2  # the header and the one detractor
    assert rows[1][rows[0].index("comment")] == "'=cmd|' /C calc'!A0"


def test_an_xlsx_export_downloads_as_a_workbook(alice, survey, django_capture_on_commit_callbacks):
    client = alice.client()
    post_export(client, survey, {"format": "xlsx"}, django_capture_on_commit_callbacks)
    export = ResponseExport.objects.get()

    download = client.get(urls(survey, export)["download"])

    assert download["Content-Type"] == CONTENT_TYPES[ExportFormat.XLSX]
    assert download["Content-Disposition"].startswith("attachment; ")
    assert download["X-Content-Type-Options"] == "nosniff"
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert sheet.max_row == 3


def test_an_unfinished_export_shows_a_progress_bar_polled_every_second(
    alice, survey, django_capture_on_commit_callbacks
):
    client = alice.client()
    post_export(client, survey, {"format": "csv"}, django_capture_on_commit_callbacks, run=False)
    export = ResponseExport.objects.get()
    assert export.status == ExportStatus.QUEUED

    page = client.get(urls(survey)["page"]).content.decode()
    assert '<div aria-live="polite">' in page
    assert f'<label class="small" for="export-progress-{export.pk}">' in page
    assert "Waiting for a worker" in page

    ResponseExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, rows_done=1)
    fragment = client.get(urls(survey, export)["status"], headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert f'hx-get="{urls(survey, export)["status"]}"' in html
    assert 'hx-trigger="every 1s"' in html and 'hx-swap="outerHTML"' in html
    assert f'<progress id="export-progress-{export.pk}" max="100" value="50">' in html
    assert "1 of 2 responses written (50%)" in html
    assert urls(survey, export)["download"] not in html


def test_a_download_before_the_export_is_done_sends_no_file(
    alice, survey, django_capture_on_commit_callbacks
):
    client = alice.client()
    post_export(client, survey, {"format": "csv"}, django_capture_on_commit_callbacks, run=False)
    export = ResponseExport.objects.get()

    response = client.get(urls(survey, export)["download"])

    assert response.status_code == 302 and "Content-Disposition" not in response
    assert "not ready" in client.get(response["Location"]).content.decode()


def test_a_failed_export_shows_its_error_and_stops_polling(alice, survey):
    export = ResponseExport.objects.create(
        organization=alice.organization,
        survey=survey,
        format="csv",
        status=ExportStatus.FAILED,
        error="The export's filters are not valid: bad date",
    )

    html = alice.client().get(urls(survey, export)["status"]).content.decode()

    assert "filters are not valid" in html and "hx-trigger" not in html
    assert "<progress" not in html


def test_a_wrong_format_or_filter_is_refused_with_a_message(
    alice, survey, django_capture_on_commit_callbacks
):
    client = alice.client()
    for data in ({"format": "pdf"}, {"format": "csv", "date_from": "yesterday"}):
        response = post_export(client, survey, data, django_capture_on_commit_callbacks)
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "Choose the format csv or xlsx." in page or "Correct the filters" in page
    assert not ResponseExport.objects.exists()


def test_the_exports_page_has_no_inline_script_or_style(alice, survey):
    page = alice.client().get(urls(survey)["page"]).content.decode()
    assert " style=" not in page and "<style" not in page
    assert "<script>" not in page


def test_members_without_export_data_get_403_everywhere(alice, bob, survey):
    export = ResponseExport.objects.create(
        organization=alice.organization, survey=survey, format="csv", status=ExportStatus.DONE
    )
    viewer = MembershipFactory(organization=alice.organization, role=Role.VIEWER)
    for user in (viewer.user, bob.user):
        client = Client()
        client.force_login(user)
        for name, url in urls(survey, export).items():
            response = client.post(url, {"format": "csv"}) if name == "request" else client.get(url)
            assert response.status_code == 403, (user, name)
    assert ResponseExport.objects.count() == 1


def test_another_organization_gets_404_on_every_url(
    alice, charlie, survey, django_capture_on_commit_callbacks
):
    post_export(alice.client(), survey, {"format": "csv"}, django_capture_on_commit_callbacks)
    export = ResponseExport.objects.get()
    theirs = results_version(charlie.organization).survey
    client = charlie.client()

    for name, url in urls(survey, export).items():
        response = client.post(url, {"format": "csv"}) if name == "request" else client.get(url)
        assert response.status_code == 404, name
    # Alice's export id under charlie's own survey is no way in either.
    for name in ("status", "download"):
        assert client.get(urls(theirs, export)[name]).status_code == 404
    assert ResponseExport.objects.count() == 1
