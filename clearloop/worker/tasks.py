"""Housekeeping tasks of the worker layer itself."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from clearloop.core.tasks import durable_task, periodic
from clearloop.worker import conf, services


@periodic(every=timedelta(hours=1))
@durable_task(max_attempts=3, backoff_seconds=60)
def prune_task_results() -> dict[str, int]:
    """Delete finished task results older than CLEARLOOP_TASK_RESULT_RETENTION_DAYS.

    Hourly, so that each run deletes an hour's worth of rows rather than a day's."""
    report = services.task_results_prune(older_than=timezone.now() - conf.task_result_retention())
    return {"task_results": report.task_results, "periodic_runs": report.periodic_runs}
