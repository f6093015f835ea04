"""Builders of the files and records the import tests feed in."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from clearloop.accounts.models import Membership
from clearloop.imports import services
from clearloop.imports.models import ImportJob
from clearloop.imports.services import MappingInput

FEEDBACK_HEADER = ["Review id", "Channel", "Comment", "Date", "Stars", "Customer"]


def csv_bytes(rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def feedback_rows(count: int, *, start: int = 1) -> list[list[Any]]:
    return [
        [
            f"r-{n}",
            "review",
            f"Review number {n}",
            f"2025-03-{1 + n % 28:02d} 10:00",
            1 + n % 5,
            f"c-{n % 7}",
        ]
        for n in range(start, start + count)
    ]


FEEDBACK_MAPPING = {
    "external_id": "Review id",
    "source": "Channel",
    "text": "Comment",
    "occurred_at": "Date",
    "rating": "Stars",
    "customer_external_id": "Customer",
}


def uploaded(
    membership: Membership,
    content: bytes,
    *,
    kind: str = "feedback",
    source_name: str = "Shop reviews",
    filename: str = "reviews.csv",
) -> ImportJob:
    return services.import_job_upload(
        organization=membership.organization,
        kind=kind,
        source_name=source_name,
        filename=filename,
        content=content,
        by=membership,
    )


def mapped(
    job: ImportJob,
    membership: Membership,
    columns: dict[str, str] | None = None,
    *,
    on_error: str = "stop",
    defaults: dict[str, str] | None = None,
) -> ImportJob:
    mapping = MappingInput(
        columns=columns or FEEDBACK_MAPPING, defaults=defaults or {}, on_error=on_error
    )
    return services.import_job_map(job=job, mapping=mapping, by=membership)


def run(job: ImportJob, membership: Membership) -> ImportJob:
    """Start the job and run it here, as the worker would."""
    services.import_job_start(job=job, by=membership)
    services.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job
