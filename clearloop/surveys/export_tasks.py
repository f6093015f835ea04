"""Background work of response exports: building one export, and the daily cleanup.

Imported at start-up by `SurveysConfig.ready()`, so `manage.py run_worker` registers the
daily schedule (it only auto-discovers modules named `tasks`). Both delegate to
`clearloop.surveys.export_jobs`, whose functions are safe to run twice."""

from __future__ import annotations

from datetime import timedelta

from clearloop.core.tasks import durable_task, periodic
from clearloop.surveys import export_jobs


class ExportRunningElsewhere(Exception):
    """Another run holds the export; raised so the task is retried later (with backoff),
    which builds it if that run's worker died (see `export_jobs.STALE_AFTER`)."""


@durable_task(max_attempts=6, backoff_seconds=60)
def response_export_build_task(export_id: int) -> str:
    outcome = export_jobs.response_export_build(export_id=export_id)
    if outcome == export_jobs.BuildOutcome.RUNNING_ELSEWHERE:
        raise ExportRunningElsewhere(f"Export {export_id} is being built by another run.")
    return outcome.value


@periodic(every=timedelta(days=1))
@durable_task(max_attempts=3, backoff_seconds=300)
def response_exports_cleanup() -> int:
    return export_jobs.response_exports_delete_old()
