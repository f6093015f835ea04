"""The worker's settings, each with its default, read in one place.

CLEARLOOP_WORKER_LEASE_SECONDS        60  a worker silent this long is presumed dead
CLEARLOOP_WORKER_HEARTBEAT_SECONDS     5  how often a worker beats (and reaps, schedules)
CLEARLOOP_WORKER_MAX_LOST_RUNS         5  runs lost with their worker before a task FAILS
CLEARLOOP_TASK_RESULT_RETENTION_DAYS  14  finished results older than this are pruned
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def worker_lease() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "CLEARLOOP_WORKER_LEASE_SECONDS", 60)))


def heartbeat_interval() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "CLEARLOOP_WORKER_HEARTBEAT_SECONDS", 5)))


def max_lost_runs() -> int:
    return int(getattr(settings, "CLEARLOOP_WORKER_MAX_LOST_RUNS", 5))


def task_result_retention() -> timedelta:
    return timedelta(days=float(getattr(settings, "CLEARLOOP_TASK_RESULT_RETENTION_DAYS", 14)))
