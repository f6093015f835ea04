"""Background work of goals: the daily reminder of overdue tasks (idempotent: each task's
owner is told once)."""

from __future__ import annotations

from datetime import timedelta

from clearloop.core.tasks import durable_task, periodic
from clearloop.goals import services


@periodic(every=timedelta(hours=1))
@durable_task(max_attempts=3, backoff_seconds=60)
def overdue_tasks_notify() -> None:
    services.overdue_tasks_notify()
