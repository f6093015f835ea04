"""Writes of the importer and the bulk API: upload, map, start, run; and `bulk_upsert`.

An import goes uploaded → checked (mapped and validated; the page shows the first rows
with their problems and the counts) → queued → running → done or failed.

`import_job_run` (the worker) reads the file again, validates every row, and:

- with `on_error=stop` and any bad row, writes nothing and fails with the list;
- otherwise writes the good rows in chunks of `CHUNK_SIZE`. Each chunk is one transaction
  that also adds its counts to the job, so `rows_done` is always exactly what is
  committed: a crash, a killed worker or a database error leaves whole chunks only, never
  half a row, and the job says how many rows are in. Running it again (the Retry button,
  or the worker re-running a task whose lease expired) continues after `rows_done`;
  the writers are idempotent, so a chunk written twice changes nothing.

A chunk that hits a unique constraint (another writer inserted the same external id
between our read and our insert) is rolled back and planned again once.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clearloop.accounts.models import Membership, Organization
from clearloop.accounts.roles import Capability
from clearloop.core.errors import ClearloopError, NotFound, PermissionDenied, ValidationFailed
from clearloop.core.tasks import enqueue_on_commit
from clearloop.customers.bulk import CustomerWriter, InteractionWriter, OrderWriter
from clearloop.feedback.bulk import FeedbackWriter
from clearloop.imports import parsing
from clearloop.imports.models import (
    MAX_FILE_BYTES,
    ImportFile,
    ImportFormat,
    ImportJob,
    ImportKind,
    ImportMapping,
    ImportStatus,
    OnError,
)
from clearloop.imports.rows import BulkWriter, CleanRow, Counts, RowError, Validated, gc_paused

logger = logging.getLogger("clearloop.imports")

CAPABILITY = Capability.MANAGE_CUSTOMERS
CHUNK_SIZE = 2000
ERRORS_KEPT = 1000
API_MAX_RECORDS = 5000
STALE_AFTER = dt.timedelta(minutes=5)
"""A running job with no committed chunk for this long lost its worker; far above the time
one chunk takes, and above the worker lease."""

WRITERS: dict[str, type[CustomerWriter | OrderWriter | InteractionWriter | FeedbackWriter]] = {
    ImportKind.CUSTOMERS: CustomerWriter,
    ImportKind.ORDERS: OrderWriter,
    ImportKind.INTERACTIONS: InteractionWriter,
    ImportKind.FEEDBACK: FeedbackWriter,
}


class RunOutcome(enum.StrEnum):
    DONE = "done"
    FAILED = "failed"
    FINISHED_BEFORE = "finished_before"
    RUNNING_ELSEWHERE = "running_elsewhere"


def writer_for(kind: str, organization: Organization) -> BulkWriter:
    if kind not in WRITERS:
        raise ValidationFailed(
            _("Choose what to import: %(kinds)s.") % {"kinds": ", ".join(ImportKind.values)},
            fields={"kind": "invalid"},
        )
    return WRITERS[kind](organization)


def require_manager(by: Membership, organization_id: int) -> None:
    if by.organization_id != organization_id:
        raise NotFound(_("No such import."))
    if not by.allows(CAPABILITY):
        raise PermissionDenied(_("Your role does not allow importing data."))


# --- Upload and mapping -----------------------------------------------------------------


def import_job_upload(
    *,
    organization: Organization,
    kind: str,
    source_name: str,
    filename: str,
    content: bytes,
    by: Membership,
) -> ImportJob:
    """Keep an uploaded file as a new import, with its columns read and a mapping guessed
    (the one remembered for this source, else by column names)."""
    require_manager(by, organization.pk)
    writer = writer_for(kind, organization)
    source_name = source_name.strip()[:120] or _("Upload")
    format, encoding = _format_of(filename, content)
    table = parsing.read_table(content, format, encoding)
    remembered = import_mapping_remembered(
        organization=organization, kind=kind, source_name=source_name
    )
    job = ImportJob.objects.create(
        organization=organization,
        kind=kind,
        source_name=source_name,
        filename=filename[-255:],
        format=format,
        encoding=encoding,
        headers=table.headers,
        mapping=remembered or guess_mapping(writer, table.headers),
        requested_by=by.user if by.user_id else None,
    )
    ImportFile.objects.create(job=job, content=content)
    logger.info("import_uploaded id=%s kind=%s bytes=%d", job.pk, kind, len(content))
    return job


def _format_of(filename: str, content: bytes) -> tuple[str, str]:
    if not content:
        raise ValidationFailed(_("The file is empty."), fields={"file": "empty"})
    if len(content) > MAX_FILE_BYTES:
        raise ValidationFailed(
            _("The file is larger than %(max)d MB; split it and import the parts.")
            % {"max": MAX_FILE_BYTES // (1024 * 1024)},
            fields={"file": "too_large"},
        )
    if content.startswith(b"PK\x03\x04"):
        return ImportFormat.XLSX, ""
    if filename.lower().endswith((".xlsx", ".xls", ".xlsm")):
        raise ValidationFailed(
            _("This is not an XLSX workbook. Save it as XLSX or CSV and upload it again."),
            fields={"file": "format"},
        )
    return ImportFormat.CSV, parsing.detect_encoding(content)


def _normalized(name: str) -> str:
    return re.sub(r"[\s_\-()]+", "", name.lower())


def guess_mapping(writer: BulkWriter, headers: Sequence[str]) -> dict[str, Any]:
    """Target fields matched to columns named like the field or its label."""
    by_name = {_normalized(header): header for header in headers}
    columns = {}
    for spec in writer.specs:
        header = by_name.get(_normalized(spec.name)) or by_name.get(_normalized(spec.label))
        if header:
            columns[spec.name] = header
    return {"columns": columns, "defaults": {}}


def import_mapping_remembered(
    *, organization: Organization, kind: str, source_name: str
) -> dict[str, Any] | None:
    found = (
        ImportMapping.objects.for_organization(organization)
        .filter(kind=kind, source_name=source_name)
        .values_list("mapping", flat=True)
        .first()
    )
    return dict(found) if found else None


@dataclass
class MappingInput:
    columns: dict[str, str]
    defaults: dict[str, str] = field(default_factory=dict)
    on_error: str = OnError.STOP


def import_job_map(*, job: ImportJob, mapping: MappingInput, by: Membership) -> ImportJob:
    """Set the job's mapping (remembered for its source), validate the whole file with it
    and record the counts and the first problems. Allowed until the import starts."""
    require_manager(by, job.organization_id)
    if job.status not in (ImportStatus.UPLOADED, ImportStatus.VALIDATED):
        raise ValidationFailed(_("This import has started; its mapping can no longer change."))
    writer = writer_for(job.kind, job.organization)
    stored = _checked_mapping(writer, job.headers, mapping)
    validated = validate_job_file(job, writer, stored)
    with transaction.atomic():
        job.mapping, job.on_error = stored, _on_error(mapping.on_error)
        _record_validation(job, validated)
        job.status = ImportStatus.VALIDATED
        job.save()
        ImportMapping.objects.update_or_create(
            organization_id=job.organization_id,
            kind=job.kind,
            source_name=job.source_name,
            defaults={"mapping": stored},
        )
    return job


def _on_error(value: str) -> str:
    if value not in OnError.values:
        raise ValidationFailed(
            _("Choose stop or skip for bad rows."), fields={"on_error": "invalid"}
        )
    return value


def _checked_mapping(
    writer: BulkWriter, headers: Sequence[str], mapping: MappingInput
) -> dict[str, Any]:
    known = {spec.name: spec for spec in writer.specs}
    columns = {name: column for name, column in mapping.columns.items() if column}
    defaults = {name: value for name, value in mapping.defaults.items() if value}
    problems = {
        name: _("No such column in the file.")
        for name, column in columns.items()
        if name not in known or column not in headers
    }
    for spec in writer.specs:
        if spec.required and spec.name not in columns and spec.name not in defaults:
            problems[spec.name] = _("Choose the column that holds %(field)s.") % {
                "field": spec.label
            }
    if problems:
        raise ValidationFailed(
            _("Complete the mapping: every required field needs a column."), fields=problems
        )
    return {"columns": columns, "defaults": defaults}


def job_content(job: ImportJob) -> bytes:
    """The job's file (read once per call: it can be megabytes)."""
    content = ImportFile.objects.filter(job_id=job.pk).values_list("content", flat=True).get()
    return bytes(content)


def job_records(job: ImportJob, mapping: Mapping[str, Any]) -> Iterable[tuple[int, dict[str, str]]]:
    table = parsing.read_table(job_content(job), job.format, job.encoding)
    defaults = mapping.get("defaults", {})
    records = parsing.records(table, mapping.get("columns", {}))
    if not defaults:
        yield from records
        return
    for row, values in records:
        for name, value in defaults.items():
            if not values.get(name, "").strip():
                values[name] = value
        yield row, values


def validate_job_file(job: ImportJob, writer: BulkWriter, mapping: Mapping[str, Any]) -> Validated:
    return writer.validate(job_records(job, mapping), strict=False)


def _record_validation(job: ImportJob, validated: Validated) -> None:
    job.rows_valid = len(validated.rows)
    job.rows_total = job.rows_valid + validated.bad_rows
    job.errors = [error.as_dict() for error in validated.errors[:ERRORS_KEPT]]
    job.errors_total = len(validated.errors)


# --- Start and run ----------------------------------------------------------------------


def import_job_start(*, job: ImportJob, by: Membership) -> ImportJob:
    """Queue a checked import (or retry a failed one, continuing after what is in)."""
    require_manager(by, job.organization_id)
    if job.status not in (ImportStatus.VALIDATED, ImportStatus.FAILED):
        raise ValidationFailed(
            _("This import cannot be started now: %(status)s.")
            % {"status": job.get_status_display()}
        )
    if job.on_error == OnError.STOP and job.errors_total:
        raise ValidationFailed(
            _("The file has bad rows. Fix them and upload it again, or choose to skip bad rows."),
            fields={"on_error": "bad_rows"},
        )
    from clearloop.imports.tasks import import_job_run_task  # the tasks module imports this one

    with transaction.atomic():
        updated = ImportJob.objects.filter(
            pk=job.pk, status__in=[ImportStatus.VALIDATED, ImportStatus.FAILED]
        ).update(status=ImportStatus.QUEUED, failure="", updated_at=timezone.now())
        if updated:
            enqueue_on_commit(import_job_run_task, job_id=job.pk)
    job.refresh_from_db()
    return job


def import_job_run(*, job_id: int) -> RunOutcome:
    """Import the file of job `job_id` (see the module docstring)."""
    if not _claim(job_id):
        return _why_not_claimed(job_id)
    job = ImportJob.objects.select_related("organization").get(pk=job_id)
    try:
        with gc_paused():
            return _run(job)
    except Exception as error:
        _fail(job_id, error)
        return RunOutcome.FAILED


def _claim(job_id: int) -> bool:
    now = timezone.now()
    claimable = Q(status=ImportStatus.QUEUED) | Q(
        status=ImportStatus.RUNNING, updated_at__lt=now - STALE_AFTER
    )
    claimed = ImportJob.objects.filter(claimable, pk=job_id).update(
        status=ImportStatus.RUNNING, updated_at=now, started_at=now
    )
    return claimed == 1


def _why_not_claimed(job_id: int) -> RunOutcome:
    status = ImportJob.objects.filter(pk=job_id).values_list("status", flat=True).first()
    if status == ImportStatus.RUNNING:
        return RunOutcome.RUNNING_ELSEWHERE
    return RunOutcome.FINISHED_BEFORE


def _run(job: ImportJob) -> RunOutcome:
    writer = writer_for(job.kind, job.organization)
    validated = validate_job_file(job, writer, job.mapping)
    ImportJob.objects.filter(pk=job.pk).update(
        rows_valid=len(validated.rows),
        rows_total=len(validated.rows) + validated.bad_rows,
        errors=[error.as_dict() for error in validated.errors[:ERRORS_KEPT]],
        errors_total=len(validated.errors),
        rows_skipped=validated.bad_rows if job.on_error == OnError.SKIP else 0,
    )
    if validated.errors and job.on_error == OnError.STOP:
        _finish(job.pk, ImportStatus.FAILED, _("Nothing was imported: the file has bad rows."))
        return RunOutcome.FAILED
    for start in range(job.rows_done, len(validated.rows), CHUNK_SIZE):
        _write_chunk(job.pk, writer, validated.rows[start : start + CHUNK_SIZE])
    _finish(job.pk, ImportStatus.DONE, "")
    return RunOutcome.DONE


def _write_chunk(job_id: int, writer: BulkWriter, chunk: Sequence[CleanRow]) -> None:
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                _commit_without_waiting_for_disk()
                result = writer.write_chunk(chunk)
                _add_counts(job_id, len(chunk), result.counts)
            return
        except IntegrityError:
            if attempt == 2:
                raise
            logger.warning(
                "import_chunk_conflict job=%s rows=%d: planning again", job_id, len(chunk)
            )


def _commit_without_waiting_for_disk() -> None:
    """On PostgreSQL, this transaction's commit does not wait for its WAL to reach the
    disk (``synchronous_commit = off``, this transaction only). A crash of the database
    server may then lose the last chunks committed, never part of one: the chunk and the
    job's counters are in the same transaction, so the job says exactly what is in, and
    Retry continues from there. An import can afford that; the bulk API, whose answer
    says what was written, keeps the usual durable commit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _add_counts(job_id: int, rows: int, counts: Counts) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        rows_done=F("rows_done") + rows,
        rows_created=F("rows_created") + counts.created,
        rows_updated=F("rows_updated") + counts.updated,
        rows_unchanged=F("rows_unchanged") + counts.unchanged,
        updated_at=timezone.now(),
    )


def _finish(job_id: int, status: str, failure: str) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        status=status, failure=failure, finished_at=timezone.now(), updated_at=timezone.now()
    )


def _fail(job_id: int, error: Exception) -> None:
    if isinstance(error, ClearloopError):
        reason = error.message
    else:
        logger.exception("import_failed id=%s", job_id)
        reason = type(error).__name__
    done = ImportJob.objects.filter(pk=job_id).values_list("rows_done", flat=True).first() or 0
    _finish(
        job_id,
        ImportStatus.FAILED,
        _(
            "The import stopped (%(reason)s) after %(done)d rows were committed; no row was "
            "half written. Retry to continue: rows already imported are recognised and not "
            "imported twice."
        )
        % {"reason": reason, "done": done},
    )


# --- Bulk API ---------------------------------------------------------------------------


@dataclass
class BulkOutcome:
    counts: Counts
    errors: list[RowError]


def bulk_upsert(
    *,
    organization: Organization,
    kind: str,
    records: Sequence[Any],
    skip_bad: bool,
    by: Membership,
) -> BulkOutcome:
    """Validate every record, then write them all in one transaction; with errors, write
    nothing (raise) unless `skip_bad`, which writes the good ones and reports the bad."""
    require_manager(by, organization.pk)
    with gc_paused():
        return _bulk_upsert(writer_for(kind, organization), records, skip_bad=skip_bad)


def _bulk_upsert(writer: BulkWriter, records: Sequence[Any], *, skip_bad: bool) -> BulkOutcome:
    objects = [(index, record) for index, record in enumerate(records) if isinstance(record, dict)]
    validated = writer.validate(objects, strict=True)
    not_objects = [
        RowError(index, "", _("Each record must be a JSON object."))
        for index, record in enumerate(records)
        if not isinstance(record, dict)
    ]
    validated.errors = sorted([*validated.errors, *not_objects], key=lambda error: error.row)
    if validated.errors and not skip_bad:
        raise ValidationFailed(
            _("%(count)d records are not valid; nothing was written.")
            % {"count": validated.bad_rows},
            fields={"records": [_api_error(error) for error in validated.errors]},
        )
    counts = Counts(skipped=validated.bad_rows)
    for attempt in (1, 2):
        try:
            counts = _write_all(writer, validated.rows, validated.bad_rows)
            break
        except IntegrityError:
            if attempt == 2:
                raise
    return BulkOutcome(counts=counts, errors=validated.errors)


@transaction.atomic
def _write_all(writer: BulkWriter, rows: Sequence[CleanRow], skipped: int) -> Counts:
    counts = Counts(skipped=skipped)
    for start in range(0, len(rows), CHUNK_SIZE):
        counts.add(writer.write_chunk(rows[start : start + CHUNK_SIZE]).counts)
    return counts


def _api_error(error: RowError) -> dict[str, Any]:
    return {"index": error.row, "field": error.column, "reason": error.reason}
