"""Background work of imports: running one import job (safe to run twice: a second run
finds the job claimed or finished, and a resumed run continues after the committed rows)."""

from __future__ import annotations

from clearloop.core.tasks import durable_task
from clearloop.imports import services


class ImportRunningElsewhere(Exception):
    """Another run holds the job; raised so the task is tried again later, which resumes
    the import if that run's worker died (see `services.STALE_AFTER`)."""


@durable_task(max_attempts=6, backoff_seconds=60)
def import_job_run_task(job_id: int) -> str:
    outcome = services.import_job_run(job_id=job_id)
    if outcome == services.RunOutcome.RUNNING_ELSEWHERE:
        raise ImportRunningElsewhere(f"Import {job_id} is being run by another worker.")
    return outcome.value
