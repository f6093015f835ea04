"""Raw-response exports built in the background: request, build, read, clean up.

`response_export_request` records a `ResponseExport` (queued, with the number of rows to
write) and enqueues `export_tasks.response_export_build_task` once the transaction commits.
The worker calls `response_export_build`, which:

- claims the job with one conditional UPDATE (queued → running), so a second run of the
  task, or a second worker, finds nothing to do; a job whose worker died (running, with no
  progress for `STALE_AFTER`) can be claimed again, so nothing stays "running" forever;
- writes the file with `clearloop.surveys.exporting` (the same rows, columns and formula
  neutralizing as the download built in the request), and every `PROGRESS_EVERY` rows
  records `rows_done` in its own short UPDATE, committed at once so that the page polling
  the job from another connection sees it move;
- stores the file only at the end, in the same UPDATE that marks the job done; a failure
  marks it failed with a readable error and no content.

Filters are those of the results and responses pages (`ResponseFilters`, parsed from the
page's query by its filter form); a job keeps them as JSON with the form's field names, so
an API client can send back what it reads.

Exports are short-lived: `response_exports_delete_old` (daily) deletes those older than
`KEEP_FOR`.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from collections.abc import Mapping
from typing import IO, Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce, Length
from django.utils import timezone
from django.utils.translation import gettext as _

from clearloop.accounts.models import Membership
from clearloop.accounts.roles import Capability
from clearloop.core.errors import ClearloopError, NotFound, ValidationFailed
from clearloop.core.tasks import enqueue_on_commit
from clearloop.surveys.exporting import csv_file, export_rows, with_progress, xlsx_file
from clearloop.surveys.models import ExportFormat, ExportStatus, ResponseExport, Survey
from clearloop.surveys.results import ResponseFilters, completed_responses
from clearloop.surveys.services import require_capability

logger = logging.getLogger("clearloop.surveys.exports")

PROGRESS_EVERY = 500
"""Rows between two progress updates: a few UPDATEs a second on a large export."""

STALE_AFTER = dt.timedelta(minutes=5)
"""A running job with no progress for this long lost its worker and may be claimed again.
Far above the time between two progress updates, and above the worker lease (60 s), so a
live build is never taken over."""

KEEP_FOR = dt.timedelta(days=7)
RECENT_LIMIT = 20

CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class BuildOutcome(enum.StrEnum):
    BUILT = "built"
    FAILED = "failed"
    FINISHED_BEFORE = "finished_before"  # done or failed already: a repeated run
    RUNNING_ELSEWHERE = "running_elsewhere"  # another live run holds it


# --- Filters as JSON ------------------------------------------------------------------


def filters_to_json(filters: ResponseFilters) -> dict[str, str]:
    """The filters as the results page's query: its field names, empty ones left out."""
    data = {
        "date_from": filters.date_from.isoformat() if filters.date_from else "",
        "date_to": filters.date_to.isoformat() if filters.date_to else "",
        "language": filters.language,
        "channel": filters.channel,
        "nps_group": filters.nps_group,
        "hidden": f"{filters.hidden_key}={filters.hidden_value}" if filters.hidden_key else "",
    }
    return {key: value for key, value in data.items() if value}


def filters_from_json(data: Mapping[str, Any]) -> ResponseFilters:
    """The filters a job stored with `filters_to_json` (already validated then)."""
    try:
        hidden_key, _equals, hidden_value = str(data.get("hidden", "")).partition("=")
        return ResponseFilters(
            date_from=_date(data.get("date_from")),
            date_to=_date(data.get("date_to")),
            language=str(data.get("language", "")),
            channel=str(data.get("channel", "")),
            nps_group=str(data.get("nps_group", "")),
            hidden_key=hidden_key,
            hidden_value=hidden_value,
        )
    except (TypeError, ValueError) as error:
        raise ValidationFailed(_("The export's filters are not valid: %s") % error) from error


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


# --- Request --------------------------------------------------------------------------


def response_export_request(
    *, survey: Survey, format: str, filters: ResponseFilters, by: Membership
) -> ResponseExport:
    """Queue an export of `survey`'s completed responses matching `filters`."""
    require_capability(by, Capability.EXPORT_DATA, survey.organization_id)
    if format not in ExportFormat.values:
        raise ValidationFailed(
            _("Choose the format csv or xlsx."), fields={"format": _("Choose csv or xlsx.")}
        )
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    with transaction.atomic():
        export = ResponseExport.objects.create(
            organization_id=survey.organization_id,
            survey=survey,
            requested_by=by.user if by.user_id else None,
            format=format,
            filters=filters_to_json(filters),
            rows_total=completed_responses(survey=survey, filters=filters).count(),
            filename=f"survey-{survey.pk}-responses-{stamp}.{format}",
        )
        # Imported here: the tasks module imports this one.
        from clearloop.surveys.export_tasks import response_export_build_task

        enqueue_on_commit(response_export_build_task, export_id=export.pk)
    logger.info(
        "export_requested id=%s survey=%s format=%s rows_total=%d",
        export.pk,
        survey.pk,
        format,
        export.rows_total,
    )
    return export


# --- Build ----------------------------------------------------------------------------


def response_export_build(*, export_id: int) -> BuildOutcome:
    """Build the file of export `export_id`, unless another run did or does (see module)."""
    if not _claim(export_id):
        return _why_not_claimed(export_id)
    export = ResponseExport.objects.select_related("survey").get(pk=export_id)
    try:
        output = _write(export)
    except Exception as error:
        _fail(export, error)
        return BuildOutcome.FAILED
    with output:
        content = output.read()
    _finish(export, content)
    return BuildOutcome.BUILT


def _claim(export_id: int) -> bool:
    now = timezone.now()
    claimable = Q(status=ExportStatus.QUEUED) | Q(
        status=ExportStatus.RUNNING, updated_at__lt=now - STALE_AFTER
    )
    claimed = ResponseExport.objects.filter(claimable, pk=export_id).update(
        status=ExportStatus.RUNNING, rows_done=0, error="", updated_at=now
    )
    return claimed == 1


def _why_not_claimed(export_id: int) -> BuildOutcome:
    status = ResponseExport.objects.filter(pk=export_id).values_list("status", flat=True).first()
    if status == ExportStatus.RUNNING:
        return BuildOutcome.RUNNING_ELSEWHERE
    return BuildOutcome.FINISHED_BEFORE  # done, failed, or deleted by the cleanup


def _write(export: ResponseExport) -> IO[bytes]:
    filters = filters_from_json(export.filters or {})

    def report(rows_done: int) -> None:
        _record_progress(export.pk, rows_done)

    rows = with_progress(
        export_rows(survey=export.survey, filters=filters), every=PROGRESS_EVERY, report=report
    )
    if export.format == ExportFormat.XLSX:
        return xlsx_file(rows)  # the default sheet title: a survey name may not be valid
    return csv_file(rows)


def _record_progress(export_id: int, rows_done: int) -> None:
    # Outside any transaction this commits at once; only a running job moves.
    ResponseExport.objects.filter(pk=export_id, status=ExportStatus.RUNNING).update(
        rows_done=rows_done, updated_at=timezone.now()
    )


def _finish(export: ResponseExport, content: bytes) -> None:
    ResponseExport.objects.filter(pk=export.pk, status=ExportStatus.RUNNING).update(
        status=ExportStatus.DONE,
        content=content,
        rows_total=F("rows_done"),  # what was written, if responses came in meanwhile
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    logger.info("export_built id=%s bytes=%d", export.pk, len(content))


def _fail(export: ResponseExport, error: Exception) -> None:
    if isinstance(error, ClearloopError):
        message = error.message
    else:
        logger.exception("export_failed id=%s", export.pk)
        message = _(
            "The export could not be built (%(error)s). Request it again; if it fails "
            "again, tell your administrator."
        ) % {"error": type(error).__name__}
    ResponseExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.FAILED,
        content=None,
        error=message,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


# --- Reads ----------------------------------------------------------------------------


def response_exports_of(*, survey: Survey) -> QuerySet[ResponseExport]:
    """The survey's exports, newest first, without their files; `size` in bytes."""
    return (
        ResponseExport.objects.for_organization(survey.organization_id)
        .filter(survey=survey)
        .select_related("requested_by")
        .defer("content")
        .annotate(size=Coalesce(Length("content"), 0))
        .order_by("-created_at", "-pk")
    )


def response_exports_recent(*, survey: Survey, limit: int = RECENT_LIMIT) -> list[ResponseExport]:
    return list(response_exports_of(survey=survey)[:limit])


def response_export_detail(*, survey: Survey, pk: Any) -> ResponseExport:
    """One export of `survey` (without its file); `NotFound` for a missing id and for
    another survey's or organization's export alike."""
    export = response_exports_of(survey=survey).filter(pk=pk).first() if str(pk).isdigit() else None
    if export is None:
        raise NotFound(_("No export with id %(id)s.") % {"id": pk})
    return export


def response_export_file(*, export: ResponseExport) -> bytes:
    """The file of a finished export (loaded only when downloaded)."""
    content = (
        ResponseExport.objects.filter(pk=export.pk, status=ExportStatus.DONE)
        .values_list("content", flat=True)
        .first()
    )
    if content is None:
        raise NotFound(_("This export has no file: it is not finished, or it failed."))
    return bytes(content)


# --- Cleanup --------------------------------------------------------------------------


def response_exports_delete_old(*, now: dt.datetime | None = None) -> int:
    """Delete every organization's exports older than `KEEP_FOR`; how many went.

    Maintenance across tenants on purpose: it reads nothing and runs for all of them."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    deleted, _by_model = ResponseExport.objects.filter(created_at__lt=cutoff).delete()
    logger.info("exports_deleted count=%d cutoff=%s", deleted, cutoff.isoformat())
    return deleted
