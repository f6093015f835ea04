"""Alice exports a survey's responses to Excel in a real browser: she sees the progress bar
while the job waits for the worker, then the download link, and the file opens."""

from __future__ import annotations

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from clearloop.accounts.tests.factories import PASSWORD
from clearloop.core.testing import screenshot
from clearloop.surveys.models import ExportStatus, ResponseExport
from clearloop.surveys.tests.results_data import respond, results_version
from clearloop.worker.tests.conftest import run_worker_batch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, persona) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Email").fill(persona.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + reverse("web:home"))


def test_alice_exports_to_excel_watches_the_progress_and_downloads_the_file(
    live_server, page, alice, settings, tmp_path
):
    from playwright.sync_api import expect

    # The database queue, as in production: the job waits until a worker runs it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    version = results_version(alice.organization, name="Delivery survey")
    for score, comment in [(9, "Fast and friendly"), (3, '=HYPERLINK("x")'), (7, "配達が速い")]:
        respond(version, {"nps": score, "comment": comment})
    _sign_in(page, live_server, alice)
    page.goto(live_server.url + reverse("web:survey_exports", args=[version.survey.pk]))
    expect(page.get_by_role("heading", name="No exports yet")).to_be_visible()

    page.get_by_role("button", name="Export XLSX").click()

    progress = page.get_by_role("progressbar", name="Progress")
    expect(progress).to_be_visible()
    expect(page.get_by_text("Waiting for a worker…")).to_be_visible()
    screenshot(page, "survey-exports-queued")
    export = ResponseExport.objects.get()
    assert export.status == ExportStatus.QUEUED and export.rows_total == 3

    run_worker_batch()  # `manage.py run_worker --batch`, in this process

    link = page.get_by_role("link", name="Download XLSX")
    expect(link).to_be_visible(timeout=10_000)  # the fragment polls every second
    expect(progress).to_have_count(0)
    screenshot(page, "survey-exports-done")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == export.filename
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = load_workbook(path).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    comments = [row[rows[0].index("comment")] for row in rows[1:]]
    assert comments == ["Fast and friendly", '\'=HYPERLINK("x")', "配達が速い"]
