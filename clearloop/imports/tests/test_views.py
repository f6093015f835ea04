"""The import pages: the flow through upload, mapping, preview and result; escaping of
imported text; the bad-rows download; roles; and another organization's 404."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clearloop.feedback.models import FeedbackItem
from clearloop.imports.models import ImportJob, ImportStatus
from clearloop.imports.tests.helpers import (
    FEEDBACK_HEADER,
    csv_bytes,
    feedback_rows,
    mapped,
    run,
    uploaded,
)

pytestmark = pytest.mark.django_db


def _mapping_post(**extra: str) -> dict[str, str]:
    return {
        "column_external_id": "Review id",
        "column_source": "Channel",
        "column_text": "Comment",
        "column_occurred_at": "Date",
        "column_rating": "Stars",
        "column_customer_external_id": "Customer",
        "on_error": "skip",
        **extra,
    }


def test_upload_map_preview_and_start_import_the_good_rows(
    alice, django_capture_on_commit_callbacks
):
    client = alice.client()
    rows = feedback_rows(3)
    rows[1][4] = "11"
    upload = SimpleUploadedFile("reviews.csv", csv_bytes([FEEDBACK_HEADER, *rows]), "text/csv")
    response = client.post(
        reverse("web:imports_new"), {"kind": "feedback", "source_name": "Shop", "file": upload}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "web:import_map", args=[job.pk]
    )

    assert client.get(reverse("web:import_map", args=[job.pk])).status_code == 200
    response = client.post(reverse("web:import_map", args=[job.pk]), _mapping_post())
    assert response.status_code == 302
    page = client.get(reverse("web:import_detail", args=[job.pk])).content.decode()
    assert "2 good rows of 3" in page and "Stars → rating" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("web:import_start", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and (job.rows_created, job.rows_skipped) == (2, 1)
    page = client.get(reverse("web:import_detail", args=[job.pk])).content.decode()
    assert 'data-testid="count-created">2<' in page and "Download the bad rows" in page


def test_script_in_a_cell_is_shown_as_text_on_the_preview_page(alice):
    rows = feedback_rows(1)
    rows[0][2] = '<script>alert("x")</script>'
    job = mapped(uploaded(alice.membership, csv_bytes([FEEDBACK_HEADER, *rows])), alice.membership)
    page = alice.client().get(reverse("web:import_detail", args=[job.pk])).content.decode()
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_the_bad_rows_download_neutralizes_formulas_and_keeps_the_cells(alice):
    rows = feedback_rows(2)
    rows[0][4] = '=HYPERLINK("http://evil.test")'
    job = mapped(
        uploaded(alice.membership, csv_bytes([FEEDBACK_HEADER, *rows])),
        alice.membership,
        on_error="skip",
    )
    response = alice.client().get(reverse("web:import_bad_rows", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0] == ["row", "column", "problem", *FEEDBACK_HEADER]
    assert table[1][:2] == ["2", "Stars → rating"]
    assert table[1][3 + 4] == '\'=HYPERLINK("http://evil.test")'


def test_the_progress_fragment_polls_while_running_and_refreshes_when_done(alice):
    job = mapped(
        uploaded(alice.membership, csv_bytes([FEEDBACK_HEADER, *feedback_rows(2)])),
        alice.membership,
    )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, rows_done=1)
    client = alice.client()
    url = reverse("web:import_status", args=[job.pk])
    running = client.get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in running.content.decode() and "HX-Refresh" not in running
    assert "1 of 2 rows committed (50%)" in running.content.decode()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE)
    assert client.get(url, headers={"HX-Request": "true"})["HX-Refresh"] == "true"


def test_a_failed_import_says_how_many_rows_are_in_and_offers_a_retry(alice):
    job = mapped(
        uploaded(alice.membership, csv_bytes([FEEDBACK_HEADER, *feedback_rows(2)])),
        alice.membership,
    )
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED,
        rows_done=1,
        rows_created=1,
        failure="The import stopped (OperationalError) after 1 rows were committed.",
    )
    page = alice.client().get(reverse("web:import_detail", args=[job.pk])).content.decode()
    assert "after 1 rows were committed" in page and 'data-testid="retry-import"' in page


def test_the_list_shows_the_organizations_imports(alice):
    job = run(
        mapped(
            uploaded(alice.membership, csv_bytes([FEEDBACK_HEADER, *feedback_rows(2)])),
            alice.membership,
        ),
        alice.membership,
    )
    page = alice.client().get(reverse("web:imports")).content.decode()
    assert f'data-testid="import-{job.pk}"' in page and "Shop reviews" in page


def test_an_upload_that_is_not_a_table_is_refused_with_a_message(alice):
    upload = SimpleUploadedFile("x.xlsx", b"not a workbook", "application/octet-stream")
    response = alice.client().post(
        reverse("web:imports_new"), {"kind": "orders", "source_name": "S", "file": upload}
    )
    assert response.status_code == 400 and "not an XLSX workbook" in response.content.decode()
    assert not ImportJob.objects.exists()


def _job_urls(job: ImportJob) -> list[tuple[str, str]]:
    pk = [job.pk]
    return [
        ("get", reverse("web:import_detail", args=pk)),
        ("get", reverse("web:import_map", args=pk)),
        ("post", reverse("web:import_map", args=pk)),
        ("post", reverse("web:import_start", args=pk)),
        ("get", reverse("web:import_status", args=pk)),
        ("get", reverse("web:import_bad_rows", args=pk)),
    ]


def test_another_organizations_import_is_not_found_on_every_page(alice, charlie):
    job = mapped(
        uploaded(alice.membership, csv_bytes([FEEDBACK_HEADER, *feedback_rows(1)])),
        alice.membership,
    )
    client = charlie.client()
    for method, url in _job_urls(job):
        assert getattr(client, method)(url).status_code == 404, url
    assert f"import-{job.pk}" not in client.get(reverse("web:imports")).content.decode()
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.VALIDATED
    assert not FeedbackItem.objects.exists()


def test_an_agent_is_refused_every_import_page(alice, bob):
    job = mapped(
        uploaded(alice.membership, csv_bytes([FEEDBACK_HEADER, *feedback_rows(1)])),
        alice.membership,
    )
    client = bob.client()
    urls = [("get", reverse("web:imports")), ("get", reverse("web:imports_new")), *_job_urls(job)]
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 403, url
