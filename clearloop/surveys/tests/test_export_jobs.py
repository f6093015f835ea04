"""Background response exports: the build writes what the direct export writes (formulas
neutralized), records its progress as it goes, runs once, fails cleanly, applies the
filters it stored, and old exports are cleaned up."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from clearloop.accounts.roles import Role
from clearloop.accounts.tests.factories import MembershipFactory
from clearloop.core.errors import NotFound, PermissionDenied, ValidationFailed
from clearloop.core.tasks import periodic_schedules
from clearloop.surveys import export_jobs
from clearloop.surveys.export_jobs import (
    BuildOutcome,
    filters_from_json,
    filters_to_json,
    response_export_build,
    response_export_request,
    response_exports_delete_old,
)
from clearloop.surveys.export_tasks import response_export_build_task, response_exports_cleanup
from clearloop.surveys.exporting import csv_lines, export_rows, xlsx_file
from clearloop.surveys.models import ExportStatus, ResponseExport
from clearloop.surveys.results import ResponseFilters
from clearloop.surveys.tests.results_data import respond, results_version
from clearloop.worker.tests.conftest import run_worker_batch

pytestmark = pytest.mark.django_db

ATTACKS = ['=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]


@pytest.fixture
def version(alice):
    return results_version(alice.organization)


def request_export(alice, version, *, format="csv", filters=None, capture=None):
    """Request an export; with `capture` (django_capture_on_commit_callbacks) the task runs
    on the immediate backend once the request commits, as in production on a worker."""
    arguments = {
        "survey": version.survey,
        "format": format,
        "filters": filters or ResponseFilters(),
        "by": alice.membership,
    }
    if capture is None:
        return response_export_request(**arguments)
    with capture(execute=True):
        export = response_export_request(**arguments)
    export.refresh_from_db()
    return export


def csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def xlsx_rows(content: bytes | io.BytesIO) -> list[list]:
    source = io.BytesIO(content) if isinstance(content, bytes) else content
    sheet = load_workbook(source).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def some_responses(version, count: int = 3) -> None:
    for index in range(count):
        respond(
            version,
            {"nps": index % 11, "liked": ["fast"], "comment": f"comment {index}"},
            hidden_fields={"team": "billing" if index % 2 else "sales"},
            language="ja" if index % 2 else "en",
        )


def test_the_built_csv_has_the_same_rows_as_the_direct_export(
    alice, version, django_capture_on_commit_callbacks
):
    some_responses(version, 4)

    export = request_export(alice, version, capture=django_capture_on_commit_callbacks)

    assert export.status == ExportStatus.DONE and export.progress == 100
    assert (export.rows_total, export.rows_done) == (4, 4)
    assert export.finished_at is not None and export.error == ""
    direct = "".join(csv_lines(export_rows(survey=version.survey, filters=ResponseFilters())))
    assert bytes(export.content) == direct.encode("utf-8")


def test_the_built_xlsx_has_the_same_rows_as_the_direct_export(
    alice, version, django_capture_on_commit_callbacks
):
    some_responses(version, 3)

    export = request_export(
        alice, version, format="xlsx", capture=django_capture_on_commit_callbacks
    )

    assert export.filename.endswith(".xlsx") and export.status == ExportStatus.DONE
    direct = xlsx_file(export_rows(survey=version.survey, filters=ResponseFilters()))
    assert xlsx_rows(bytes(export.content)) == xlsx_rows(io.BytesIO(direct.read()))


def test_a_survey_name_that_is_no_valid_sheet_title_still_exports_to_xlsx(
    alice, version, django_capture_on_commit_callbacks
):
    version.survey.name = "Q1/Q2 [pilot]: what? *all*"
    version.survey.save(update_fields=["name"])
    some_responses(version, 1)

    export = request_export(
        alice, version, format="xlsx", capture=django_capture_on_commit_callbacks
    )

    assert export.status == ExportStatus.DONE, export.error
    assert len(xlsx_rows(bytes(export.content))) == 2


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_formulas_typed_by_respondents_are_neutralized(
    alice, version, format, django_capture_on_commit_callbacks
):
    for attack in ATTACKS:
        respond(version, {"comment": attack}, hidden_fields={"ref": "=1+1"})

    export = request_export(
        alice, version, format=format, capture=django_capture_on_commit_callbacks
    )

    content = bytes(export.content)
    rows = csv_rows(content) if format == "csv" else xlsx_rows(content)
    header = rows[0]
    assert [row[header.index("comment")] for row in rows[1:]] == ["'" + a for a in ATTACKS]
    assert {row[header.index("hidden.ref")] for row in rows[1:]} == {"'=1+1"}
    if format == "xlsx":
        sheet = load_workbook(io.BytesIO(content)).active
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_progress_is_written_every_few_rows_while_the_file_is_built(
    alice, version, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(export_jobs, "PROGRESS_EVERY", 2)
    some_responses(version, 5)
    export = request_export(alice, version)
    assert (export.status, export.rows_total, export.rows_done) == (ExportStatus.QUEUED, 5, 0)

    with CaptureQueriesContext(connection) as queries:
        assert response_export_build(export_id=export.pk) == BuildOutcome.BUILT

    table = ResponseExport._meta.db_table
    progress = [
        int(match.group(1))
        for query in queries.captured_queries
        if query["sql"].startswith(f'UPDATE "{table}"')
        and (match := re.search(r'SET "rows_done" = (\d+)', query["sql"]))
    ]
    assert progress == [2, 4, 5]  # every 2 rows, then the total; each its own statement
    export.refresh_from_db()
    assert (export.status, export.rows_done, export.progress) == (ExportStatus.DONE, 5, 100)


def test_the_progress_of_a_running_export_is_a_share_of_the_rows(alice, version):
    some_responses(version, 4)
    export = request_export(alice, version)
    ResponseExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, rows_done=1)
    export.refresh_from_db()
    assert export.progress == 25


def test_a_second_run_of_the_task_does_nothing(alice, version, django_capture_on_commit_callbacks):
    some_responses(version, 2)
    export = request_export(alice, version, capture=django_capture_on_commit_callbacks)
    finished_at, content = export.finished_at, bytes(export.content)
    respond(version, {"nps": 10})  # a new response must not sneak into a rebuilt file

    result = response_export_build_task.enqueue(export_id=export.pk)

    assert result.return_value == BuildOutcome.FINISHED_BEFORE
    export.refresh_from_db()
    assert (export.finished_at, bytes(export.content), export.rows_done) == (
        finished_at,
        content,
        2,
    )


def test_a_running_export_is_left_to_its_run_until_it_goes_stale(alice, version):
    some_responses(version, 2)
    export = request_export(alice, version)
    ResponseExport.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING)

    assert response_export_build(export_id=export.pk) == BuildOutcome.RUNNING_ELSEWHERE

    # Its worker died: no progress for longer than STALE_AFTER, so another run takes over.
    stale = export_jobs.STALE_AFTER + timedelta(seconds=1)
    with time_machine.travel(dt.datetime.now(dt.UTC) + stale, tick=False):
        assert response_export_build(export_id=export.pk) == BuildOutcome.BUILT
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.rows_done == 2


def test_a_failed_build_keeps_no_content_and_says_why(alice, version):
    some_responses(version, 2)
    export = request_export(alice, version)
    ResponseExport.objects.filter(pk=export.pk).update(filters={"date_from": "yesterday"})

    assert response_export_build(export_id=export.pk) == BuildOutcome.FAILED

    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and export.content is None
    assert export.error.startswith("The export's filters are not valid")
    assert export.finished_at is not None
    assert response_export_build(export_id=export.pk) == BuildOutcome.FINISHED_BEFORE


def test_the_filters_are_stored_as_json_and_applied_in_the_build(
    alice, version, django_capture_on_commit_callbacks
):
    respond(version, {"nps": 2}, language="en", hidden_fields={"team": "billing"})
    respond(version, {"nps": 3}, language="en", hidden_fields={"team": "sales"})
    respond(version, {"nps": 10}, language="en", hidden_fields={"team": "billing"})
    respond(version, {"nps": 1}, language="ja", hidden_fields={"team": "billing"})
    filters = ResponseFilters(
        language="en", nps_group="detractor", hidden_key="team", hidden_value="billing"
    )

    export = request_export(
        alice, version, filters=filters, capture=django_capture_on_commit_callbacks
    )

    assert export.filters == {"language": "en", "nps_group": "detractor", "hidden": "team=billing"}
    rows = csv_rows(bytes(export.content))
    assert [row[rows[0].index("nps")] for row in rows[1:]] == ["2"]
    assert export.rows_total == 1


def test_filters_round_trip_through_json():
    filters = ResponseFilters(
        date_from=dt.date(2025, 3, 1),
        date_to=dt.date(2025, 3, 31),
        language="zh-hans",
        channel="email",
        nps_group="promoter",
        hidden_key="order",
        hidden_value="A=1",
    )
    data = filters_to_json(filters)
    assert data["date_from"] == "2025-03-01" and data["hidden"] == "order=A=1"
    assert filters_from_json(data) == filters
    assert filters_to_json(ResponseFilters()) == {}
    assert filters_from_json({}) == ResponseFilters()


def test_only_members_who_may_export_data_can_request_one(alice, bob, charlie, version):
    with pytest.raises(PermissionDenied):
        response_export_request(
            survey=version.survey, format="csv", filters=ResponseFilters(), by=bob.membership
        )
    with pytest.raises(NotFound):
        response_export_request(
            survey=version.survey, format="csv", filters=ResponseFilters(), by=charlie.membership
        )
    analyst = MembershipFactory(organization=alice.organization, role=Role.ANALYST)
    with pytest.raises(ValidationFailed):
        response_export_request(
            survey=version.survey, format="pdf", filters=ResponseFilters(), by=analyst
        )
    assert not ResponseExport.objects.exists()
    export = request_export(alice, version)
    assert export.requested_by == alice.user and export.organization == alice.organization


def test_cleanup_deletes_exports_older_than_seven_days_only(alice, version):
    now = dt.datetime(2025, 3, 10, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(now - timedelta(days=8), tick=False):
        old = request_export(alice, version)
    with time_machine.travel(now - timedelta(days=6), tick=False):
        recent = request_export(alice, version)

    assert response_exports_delete_old(now=now) == 1

    assert list(ResponseExport.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not ResponseExport.objects.filter(pk=old.pk).exists()


def test_the_cleanup_runs_daily():
    [schedule] = [s for s in periodic_schedules() if s.task == response_exports_cleanup]
    assert schedule.every == timedelta(days=1)


@pytest.mark.django_db(transaction=True)
def test_run_worker_builds_a_queued_export(alice, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    version = results_version(alice.organization)
    some_responses(version, 3)
    export = request_export(alice, version)  # no transaction here: enqueued at once
    assert DBTaskResult.objects.filter(task_path__endswith="response_export_build_task").exists()
    assert ResponseExport.objects.get(pk=export.pk).status == ExportStatus.QUEUED

    run_worker_batch()

    export.refresh_from_db()
    assert export.status == ExportStatus.DONE
    assert len(csv_rows(bytes(export.content))) == 4
