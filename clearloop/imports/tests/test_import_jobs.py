# ruff: noqa: RUF001  (Chinese and Japanese text keeps its full-width commas)
"""Import jobs end to end through the services the pages and the worker call: idempotent
re-imports, stop versus skip, a database failure in the middle, resuming, remembered
mappings, and files in the encodings our users have."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from clearloop.core.errors import PermissionDenied, ValidationFailed
from clearloop.customers.models import Customer, Order
from clearloop.feedback.models import FeedbackItem
from clearloop.imports import services
from clearloop.imports.models import ImportJob, ImportStatus
from clearloop.imports.tests.helpers import (
    FEEDBACK_HEADER,
    FEEDBACK_MAPPING,
    csv_bytes,
    feedback_rows,
    mapped,
    run,
    uploaded,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


def counts(job: ImportJob) -> tuple[int, int, int, int]:
    return (job.rows_created, job.rows_updated, job.rows_unchanged, job.rows_skipped)


def test_reimporting_the_same_file_creates_nothing_and_counts_every_row_unchanged(alice):
    content = csv_bytes([FEEDBACK_HEADER, *feedback_rows(30)])
    first = run(mapped(uploaded(alice.membership, content), alice.membership), alice.membership)
    assert first.status == ImportStatus.DONE and counts(first) == (30, 0, 0, 0)
    second = run(mapped(uploaded(alice.membership, content), alice.membership), alice.membership)
    assert second.status == ImportStatus.DONE and counts(second) == (0, 0, 30, 0)
    assert FeedbackItem.objects.filter(organization=alice.organization).count() == 30
    assert Customer.objects.filter(organization=alice.organization).count() == 7


def test_stop_on_error_imports_nothing_and_lists_each_bad_row(alice):
    rows = feedback_rows(5)
    rows[1][4] = "9"  # row 3: stars
    rows[3][3] = "soon"  # row 5: date
    job = mapped(uploaded(alice.membership, csv_bytes([FEEDBACK_HEADER, *rows])), alice.membership)
    assert (job.rows_total, job.rows_valid, job.errors_total) == (5, 3, 2)
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "rating"), (5, "occurred_at")]
    assert "from 1 to 5" in job.errors[0]["reason"]
    with pytest.raises(ValidationFailed, match="bad rows"):
        services.import_job_start(job=job, by=alice.membership)
    # Even a job queued behind the page's back imports nothing.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)
    assert services.import_job_run(job_id=job.pk) == services.RunOutcome.FAILED
    assert not FeedbackItem.objects.exists()
    assert ImportJob.objects.get(pk=job.pk).failure.startswith("Nothing was imported")


def test_skip_imports_exactly_the_good_rows_and_counts_the_bad(alice):
    rows = feedback_rows(6)
    rows[2][2] = ""  # row 4: no text
    rows[4][1] = "carrier pigeon"  # row 6: unknown source
    job = mapped(
        uploaded(alice.membership, csv_bytes([FEEDBACK_HEADER, *rows])),
        alice.membership,
        on_error="skip",
    )
    job = run(job, alice.membership)
    assert job.status == ImportStatus.DONE and counts(job) == (4, 0, 0, 2)
    stored = set(FeedbackItem.objects.values_list("external_id", flat=True))
    assert stored == {"r-1", "r-2", "r-4", "r-6"}


def _fail_inserts_of_text(text: str) -> None:
    """A real database error for one row, raised by the database itself."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION import_test_refuse() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.text = '{text}' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; "
                "END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER import_test_refuse BEFORE INSERT ON feedback_feedbackitem "
                "FOR EACH ROW EXECUTE FUNCTION import_test_refuse()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER import_test_refuse BEFORE INSERT ON feedback_feedbackitem "
                f"WHEN NEW.text = '{text}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )


def _allow_all_inserts() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER import_test_refuse"
            + (" ON feedback_feedbackitem" if connection.vendor == "postgresql" else "")
        )


def test_a_database_error_in_the_third_chunk_leaves_whole_chunks_and_a_retry_finishes(
    alice, monkeypatch
):
    monkeypatch.setattr(services, "CHUNK_SIZE", 10)
    rows = feedback_rows(45)
    rows[24][2] = "refused by the database"  # in the third chunk (rows 21-30)
    job = mapped(uploaded(alice.membership, csv_bytes([FEEDBACK_HEADER, *rows])), alice.membership)
    _fail_inserts_of_text("refused by the database")

    job = run(job, alice.membership)

    assert job.status == ImportStatus.FAILED and job.can_retry
    assert job.rows_done == 20 and job.rows_created == 20
    assert "after 20 rows were committed" in job.failure
    assert FeedbackItem.objects.filter(organization=alice.organization).count() == 20

    _allow_all_inserts()
    job = run(job, alice.membership)
    assert job.status == ImportStatus.DONE and counts(job) == (45, 0, 0, 0)
    assert FeedbackItem.objects.filter(organization=alice.organization).count() == 45


def test_a_job_whose_worker_died_is_resumed_after_its_committed_rows(alice, monkeypatch):
    monkeypatch.setattr(services, "CHUNK_SIZE", 10)
    content = csv_bytes([FEEDBACK_HEADER, *feedback_rows(25)])
    job = mapped(uploaded(alice.membership, content), alice.membership)
    services.import_job_start(job=job, by=alice.membership)
    # What a worker that died after one chunk leaves: running, 10 rows in, no recent progress.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    assert services.import_job_run(job_id=job.pk) == services.RunOutcome.RUNNING_ELSEWHERE
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    assert services.import_job_run(job_id=job.pk) == services.RunOutcome.DONE
    job.refresh_from_db()
    assert job.rows_done == 25 and FeedbackItem.objects.count() == 25
    assert services.import_job_run(job_id=job.pk) == services.RunOutcome.FINISHED_BEFORE


def test_the_mapping_is_remembered_for_the_next_file_from_the_same_source(alice):
    header = ["Id", "Kanal", "Inhalt", "Datum"]
    columns = {"external_id": "Id", "source": "Kanal", "text": "Inhalt", "occurred_at": "Datum"}
    content = csv_bytes([header, ["1", "chat", "Hallo", "2025-01-01"]])
    mapped(uploaded(alice.membership, content, source_name="Chat tool"), alice.membership, columns)
    again = uploaded(alice.membership, content, source_name="Chat tool")
    other = uploaded(alice.membership, content, source_name="Another tool")
    assert again.mapping == {"columns": columns, "defaults": {}}
    assert other.mapping["columns"] == {}  # nothing named like our fields


def test_columns_named_like_the_fields_are_mapped_without_asking(alice):
    content = csv_bytes(
        [["external_id", "Text", "Occurred at", "rating"], ["1", "Hi", "2025-01-01", "5"]]
    )
    job = uploaded(alice.membership, content)
    assert job.mapping["columns"] == {
        "external_id": "external_id",
        "text": "Text",
        "occurred_at": "Occurred at",
        "rating": "rating",
    }


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("gb18030", "物流很快，包装也很好"),
        ("shift_jis", "配達がとても速くて、梱包も丁寧でした"),
        ("utf-8-sig", "Très bien"),
    ],
)
def test_files_in_the_encodings_our_users_export_import_their_text_intact(alice, encoding, text):
    header = ["编号", "内容", "日期"] if encoding == "gb18030" else ["番号", "内容", "日付"]
    content = csv_bytes([header, ["a-1", text, "2025/03/01 10:00"]], encoding)
    job = uploaded(alice.membership, content)
    assert job.encoding == encoding
    columns = {"external_id": header[0], "text": header[1], "occurred_at": header[2]}
    job = run(mapped(job, alice.membership, columns, defaults={"source": "chat"}), alice.membership)
    item = FeedbackItem.objects.get(organization=alice.organization)
    assert (item.text, item.source, job.rows_created) == (text, "chat", 1)


def test_an_xlsx_file_of_orders_imports(alice):
    content = xlsx_bytes(
        [
            ["Order", "Email", "Item", "Total", "Cur", "Date"],
            ["o-1", "ann@example.com", "Lamp", 19.9, "eur", dt.datetime(2025, 3, 1, 9, 0)],
        ]
    )
    job = uploaded(alice.membership, content, kind="orders", filename="orders.xlsx")
    columns = {
        "external_id": "Order",
        "customer_email": "Email",
        "product": "Item",
        "amount": "Total",
        "currency": "Cur",
        "ordered_at": "Date",
    }
    job = run(mapped(job, alice.membership, columns), alice.membership)
    order = Order.objects.get(organization=alice.organization)
    assert (order.product, str(order.amount), order.currency, order.customer.email) == (
        "Lamp",
        "19.90",
        "EUR",
        "ann@example.com",
    )


def test_a_required_field_left_unmapped_is_refused(alice):
    job = uploaded(alice.membership, csv_bytes([FEEDBACK_HEADER, *feedback_rows(1)]))
    columns = {k: v for k, v in FEEDBACK_MAPPING.items() if k != "text"}
    with pytest.raises(ValidationFailed) as refused:
        mapped(job, alice.membership, columns)
    assert set(refused.value.fields) == {"text"}


def test_an_agent_may_not_import(bob):
    with pytest.raises(PermissionDenied):
        uploaded(bob.membership, csv_bytes([FEEDBACK_HEADER, *feedback_rows(1)]))


def test_a_file_over_the_size_limit_is_refused(alice, monkeypatch):
    monkeypatch.setattr(services, "MAX_FILE_BYTES", 100)
    with pytest.raises(ValidationFailed, match="larger than"):
        uploaded(alice.membership, csv_bytes([FEEDBACK_HEADER, *feedback_rows(10)]))
