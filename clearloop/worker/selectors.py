"""Reads for the worker layer: which running tasks have lost their worker."""

from __future__ import annotations

from datetime import datetime, timedelta

from django_tasks_db.models import DBTaskResult

from clearloop.worker.models import WorkerHeartbeat


def orphaned_task_results(*, lease: timedelta, now: datetime) -> list[DBTaskResult]:
    """RUNNING results whose worker is presumed dead.

    A worker is presumed dead when its heartbeat is older than `lease`, or when it has no
    heartbeat at all (deleted as stale, or it died before its first beat) and the task started
    more than `lease` ago. There are about as many RUNNING rows as busy workers, so they are
    filtered here rather than by reading the last element of a JSON list in SQL, which SQLite
    and PostgreSQL spell differently."""
    cutoff = now - lease
    running = list(
        DBTaskResult.objects.running().only("id", "status", "task_path", "worker_ids", "started_at")
    )
    last_workers = {row.worker_ids[-1] for row in running if row.worker_ids}
    last_seen = dict(
        WorkerHeartbeat.objects.filter(worker_id__in=last_workers).values_list(
            "worker_id", "last_seen_at"
        )
    )
    return [row for row in running if _is_orphaned(row, last_seen=last_seen, cutoff=cutoff)]


def _is_orphaned(row: DBTaskResult, *, last_seen: dict[str, datetime], cutoff: datetime) -> bool:
    seen = last_seen.get(row.worker_ids[-1]) if row.worker_ids else None
    if seen is not None:
        return seen < cutoff
    return row.started_at is None or row.started_at < cutoff
