"""Writes of the worker layer: heartbeats, recovering tasks of dead workers, periodic slots,
pruning old results.

Every write here may race with the same write in another worker process, on SQLite or
PostgreSQL, so each is a single conditional UPDATE or an INSERT guarded by a unique
constraint: whoever loses the race changes nothing, and no lock is held across a query.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from clearloop.core.tasks import PeriodicSchedule, periodic_schedules
from clearloop.worker.errors import WorkerLostError
from clearloop.worker.models import PeriodicRun, WorkerHeartbeat
from clearloop.worker.selectors import orphaned_task_results

logger = logging.getLogger("clearloop.worker")

WORKER_LOST_PATH = f"{WorkerLostError.__module__}.{WorkerLostError.__qualname__}"


class Recovery(models.TextChoices):
    REQUEUED = "requeued", _("Re-queued")
    FAILED = "failed", _("Failed: lost its worker too many times")
    SKIPPED = "skipped", _("Skipped: another worker got there first")


@dataclass(frozen=True)
class WorkerIdentity:
    worker_id: str
    hostname: str
    pid: int
    queues: tuple[str, ...]
    started_at: datetime


# --- Heartbeats -----------------------------------------------------------------------


def heartbeat_record(*, identity: WorkerIdentity, now: datetime | None = None) -> None:
    """Renew this worker's lease (creating its heartbeat on the first beat)."""
    now = now or timezone.now()
    renewed = WorkerHeartbeat.objects.filter(worker_id=identity.worker_id).update(last_seen_at=now)
    if renewed:
        return
    # First beat, or another worker deleted ours as stale after a long stall: (re)create it.
    WorkerHeartbeat.objects.update_or_create(
        worker_id=identity.worker_id,
        defaults={
            "hostname": identity.hostname[:255],
            "pid": identity.pid,
            "queues": list(identity.queues),
            "started_at": identity.started_at,
            "last_seen_at": now,
        },
    )


def heartbeat_delete(*, worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def stale_heartbeats_delete(*, lease: timedelta, now: datetime) -> int:
    deleted, _by_model = WorkerHeartbeat.objects.filter(last_seen_at__lt=now - lease).delete()
    return deleted


# --- Tasks of dead workers ------------------------------------------------------------


def worker_leases_expire(
    *, lease: timedelta, max_lost_runs: int, now: datetime | None = None
) -> Counter[Recovery]:
    """Put the RUNNING tasks of dead workers back in the queue, then forget dead workers."""
    now = now or timezone.now()
    outcomes: Counter[Recovery] = Counter()
    for task_result in orphaned_task_results(lease=lease, now=now):
        outcome = orphaned_task_result_recover(
            task_result=task_result, max_lost_runs=max_lost_runs, now=now
        )
        _log_recovery(task_result, outcome)
        outcomes[outcome] += 1
    stale_heartbeats_delete(lease=lease, now=now)
    return outcomes


def orphaned_task_result_recover(
    *, task_result: DBTaskResult, max_lost_runs: int, now: datetime
) -> Recovery:
    """Re-queue (or, after `max_lost_runs` lost runs, fail) one task whose worker died.

    The UPDATE only matches the row as it was read: if another worker recovered and
    re-claimed it meanwhile, its status or started_at differ and nothing is changed."""
    unchanged = DBTaskResult.objects.filter(
        id=task_result.id, status=TaskResultStatus.RUNNING, started_at=task_result.started_at
    )
    if len(task_result.worker_ids) >= max_lost_runs:
        updated = unchanged.update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=WORKER_LOST_PATH,
            traceback=_worker_lost_message(task_result),
        )
        return Recovery.FAILED if updated else Recovery.SKIPPED
    updated = unchanged.update(status=TaskResultStatus.READY, started_at=None)
    return Recovery.REQUEUED if updated else Recovery.SKIPPED


def _worker_lost_message(task_result: DBTaskResult) -> str:
    return (
        f"{WORKER_LOST_PATH}: {len(task_result.worker_ids)} runs ended with their worker "
        f"gone silent (workers {', '.join(task_result.worker_ids)}); not re-queued again.\n"
    )


def _log_recovery(task_result: DBTaskResult, outcome: Recovery) -> None:
    level = logging.ERROR if outcome == Recovery.FAILED else logging.WARNING
    logger.log(
        level,
        "task_worker_lost outcome=%s path=%s id=%s lost_worker=%s runs=%d",
        outcome.value,
        task_result.task_path,
        task_result.id,
        task_result.worker_ids[-1] if task_result.worker_ids else "-",
        len(task_result.worker_ids),
    )


# --- Periodic schedules ---------------------------------------------------------------


def periodic_tasks_enqueue_due(*, now: datetime | None = None) -> list[PeriodicRun]:
    """Enqueue every registered periodic task not yet enqueued for its current slot."""
    now = now or timezone.now()
    runs = []
    for schedule in periodic_schedules():
        slot_start = schedule.slot_start(now)
        # Cheap check first: most ticks find the slot taken and need no write.
        if PeriodicRun.objects.filter(name=schedule.name, slot_start=slot_start).exists():
            continue
        run = periodic_run_claim(schedule=schedule, slot_start=slot_start, now=now)
        if run is not None:
            runs.append(run)
    return runs


def periodic_run_claim(
    *, schedule: PeriodicSchedule, slot_start: datetime, now: datetime
) -> PeriodicRun | None:
    """Enqueue `schedule`'s task for the slot, unless another worker already did (None).

    The run row and, on the database backend, the task row commit together. On a broker
    backend the enqueue happens before the commit, so a failed commit means the task may run
    again next tick: at least once, never zero times."""
    try:
        with transaction.atomic():
            run = PeriodicRun.objects.create(
                name=schedule.name, slot_start=slot_start, enqueued_at=now
            )
            run.task_result_id = schedule.task.enqueue().id
            run.save(update_fields=["task_result_id"])
    except IntegrityError:
        return None
    logger.info(
        "periodic_enqueued name=%s slot_start=%s id=%s",
        schedule.name,
        slot_start.isoformat(),
        run.task_result_id,
    )
    return run


# --- Housekeeping ---------------------------------------------------------------------


@dataclass(frozen=True)
class PruneReport:
    task_results: int
    periodic_runs: int


def task_results_prune(*, older_than: datetime) -> PruneReport:
    """Delete finished task results and periodic runs recorded before `older_than`.

    The latest run of each schedule is kept even when old: it is what stops a schedule whose
    period exceeds the retention from being enqueued twice in one slot."""
    results, _by_model = DBTaskResult.objects.finished().filter(finished_at__lt=older_than).delete()
    latest_runs = PeriodicRun.objects.values("name").annotate(latest_id=Max("id"))
    runs, _by_model = (
        PeriodicRun.objects.filter(enqueued_at__lt=older_than)
        .exclude(id__in=latest_runs.values("latest_id"))
        .delete()
    )
    return PruneReport(task_results=results, periodic_runs=runs)
