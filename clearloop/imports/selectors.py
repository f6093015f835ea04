"""Reads of imports: the recent jobs, one job, the preview of its first rows, and the bad
rows as CSV lines. Every function is scoped to one organization."""

from __future__ import annotations

import csv
import io
import itertools
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from clearloop.accounts.models import Organization
from clearloop.core.errors import NotFound
from clearloop.imports import parsing
from clearloop.imports.models import ImportJob
from clearloop.imports.rows import RowError
from clearloop.imports.services import job_content, job_records, validate_job_file, writer_for
from clearloop.surveys.exporting import neutralize

PREVIEW_ROWS = 20
RECENT_LIMIT = 20


def import_jobs_of(*, organization: Organization | int) -> QuerySet[ImportJob]:
    """The organization's imports, newest first, without their files."""
    return (
        ImportJob.objects.for_organization(organization)
        .select_related("requested_by")
        .order_by("-created_at", "-pk")
    )


def import_jobs_recent(*, organization: Organization, limit: int = RECENT_LIMIT) -> list[ImportJob]:
    return list(import_jobs_of(organization=organization)[:limit])


def import_job_detail(*, organization: Organization | int, pk: Any) -> ImportJob:
    """One import; `NotFound` for a missing id and another organization's alike."""
    job = (
        ImportJob.objects.for_organization(organization)
        .select_related("organization")
        .filter(pk=pk)
        .first()
        if str(pk).isdigit()
        else None
    )
    if job is None:
        raise NotFound(_("No import with id %(id)s.") % {"id": pk})
    return job


@dataclass
class PreviewRow:
    row: int
    cells: list[str]
    errors: list[RowError]


def import_preview(*, job: ImportJob, limit: int = PREVIEW_ROWS) -> list[PreviewRow]:
    """The first rows as the mapping reads them (in the order of the writer's fields),
    each with its problems."""
    writer = writer_for(job.kind, job.organization)
    fields = [spec.name for spec in writer.specs if spec.name in preview_fields(job)]
    records = list(itertools.islice(job_records(job, job.mapping), limit))
    validated = writer.validate(records, strict=False)
    errors_of: dict[int, list[RowError]] = {}
    for error in validated.errors:
        labelled = RowError(error.row, column_label(job, error.column), error.reason)
        errors_of.setdefault(error.row, []).append(labelled)
    return [
        PreviewRow(row, [values.get(name, "") for name in fields], errors_of.get(row, []))
        for row, values in records
    ]


def column_label(job: ImportJob, field: str) -> str:
    """How a problem names its column: the file's column mapped to the field, if any."""
    column = (job.mapping or {}).get("columns", {}).get(field)
    return f"{column} → {field}" if column and column != field else field


def import_errors(*, job: ImportJob) -> list[dict[str, Any]]:
    """The problems kept on the job, each naming the file's column."""
    return [{**error, "column": column_label(job, error["column"])} for error in job.errors or []]


def preview_fields(job: ImportJob) -> list[str]:
    mapping = job.mapping or {}
    return [*mapping.get("columns", {}), *mapping.get("defaults", {})]


def bad_rows_csv(*, job: ImportJob) -> str:
    """Every bad row with its problem and its cells as in the file, formulas made inert:
    a file to fix and import again."""
    writer = writer_for(job.kind, job.organization)
    validated = validate_job_file(job, writer, job.mapping)
    cells_of = _cells_of_rows(job, {error.row for error in validated.errors})
    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow([_("row"), _("column"), _("problem"), *map(neutralize, job.headers)])
    for error in validated.errors:
        cells = cells_of.get(error.row, [])
        out.writerow(
            [
                error.row,
                neutralize(column_label(job, error.column)),
                neutralize(error.reason),
                *map(neutralize, cells),
            ]
        )
    return buffer.getvalue()


def _cells_of_rows(job: ImportJob, wanted: set[int]) -> dict[int, list[str]]:
    table = parsing.read_table(job_content(job), job.format, job.encoding)
    return {row: cells for row, cells in table.rows if row in wanted}
