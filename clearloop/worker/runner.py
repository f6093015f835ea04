"""The Clearloop worker: django-tasks-db's claim-and-run loop plus a lease, reaping and schedules.

`ClearloopWorker` reuses `Worker` from django-tasks-db unchanged for claiming and running
tasks, and adds around it:

- a heartbeat row written before the first claim and then every few seconds by a background
  thread (the `Pulse`), so the lease holds even while a long task runs;
- on each pulse (and once at start-up) any worker re-queues RUNNING tasks of dead workers and
  enqueues due periodic tasks; every such write is race-safe (see `services`);
- a structured log line per task with path, id, attempt and duration;
- on a forced stop (a second SIGTERM/SIGINT) the interrupted task goes back to READY instead
  of being recorded as failed.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from types import FrameType
from typing import Any

from django.db import DatabaseError, OperationalError, close_old_connections, connections
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from clearloop.core.tasks import ATTEMPT_KWARG
from clearloop.worker import services

logger = logging.getLogger("clearloop.worker")


class Pulse(threading.Thread):
    """Calls `beat` every `interval` seconds until stopped, surviving any error in it."""

    def __init__(self, *, beat: Callable[[], None], interval: float) -> None:
        super().__init__(name="clearloop-worker-pulse", daemon=True)
        self._beat = beat
        self._interval = interval
        self._stopped = threading.Event()
        # Held for the whole of a beat: once `stop` holds it, no beat can start or still be
        # running, so the worker's sign-off cannot be undone by a late heartbeat.
        self._beating = threading.Lock()

    def run(self) -> None:
        try:
            while not self._stopped.wait(self._interval):
                self._beat_once()
        finally:
            # This thread has its own database connections; leaving them open would keep
            # PostgreSQL sessions around after the worker stops.
            connections.close_all()

    def _beat_once(self) -> None:
        with self._beating:
            if self._stopped.is_set():
                return
            self._beat_guarded()

    def _beat_guarded(self) -> None:
        try:
            close_old_connections()
            self._beat()
        except Exception:
            # A locked SQLite file or a dropped connection must not stop the heartbeat for good.
            logger.exception("worker_pulse_failed")

    def stop(self) -> None:
        self._stopped.set()
        with self._beating:  # waits for a beat in progress to finish
            pass
        if self.is_alive():
            self.join(timeout=max(self._interval, 5.0))


class ClearloopWorker(Worker):
    def __init__(
        self,
        *,
        lease: timedelta,
        heartbeat_interval: timedelta,
        max_lost_runs: int,
        **worker_options: Any,
    ) -> None:
        super().__init__(**worker_options)
        self.lease = lease
        self.heartbeat_interval = heartbeat_interval
        self.max_lost_runs = max_lost_runs
        self.forced_stop = False
        self.identity = services.WorkerIdentity(
            worker_id=self.worker_id,
            hostname=socket.gethostname(),
            pid=os.getpid(),
            queues=tuple(self.queue_names),
            started_at=timezone.now(),
        )

    def run(self) -> None:
        self._log_lifecycle("worker_started")
        services.heartbeat_record(identity=self.identity)
        try:
            self.maintain()
        except OperationalError:
            # A busy SQLite file at start-up is no reason to crash; the pulse tries again.
            logger.exception("worker_maintenance_failed worker_id=%s", self.worker_id)
        pulse = Pulse(beat=self.beat, interval=self.heartbeat_interval.total_seconds())
        pulse.start()
        try:
            super().run()
        finally:
            pulse.stop()
            self._sign_off()

    def _sign_off(self) -> None:
        try:
            services.heartbeat_delete(worker_id=self.worker_id)
        except DatabaseError:
            # Harmless: the heartbeat goes stale and another worker deletes it.
            logger.exception("worker_sign_off_failed worker_id=%s", self.worker_id)
        self._log_lifecycle("worker_stopped")

    def beat(self) -> None:
        services.heartbeat_record(identity=self.identity)
        self.maintain()

    def maintain(self) -> None:
        """Recover tasks of dead workers and enqueue due periodic tasks."""
        services.worker_leases_expire(lease=self.lease, max_lost_runs=self.max_lost_runs)
        services.periodic_tasks_enqueue_due()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        started = time.monotonic()
        super().run_task(db_task_result)
        duration_ms = (time.monotonic() - started) * 1000
        if self.forced_stop:
            self._release_interrupted(db_task_result)
        logger.info(
            "task_finished path=%s id=%s attempt=%s run=%d status=%s duration_ms=%.0f worker_id=%s",
            db_task_result.task_path,
            db_task_result.id,
            _attempt_of(db_task_result),
            len(db_task_result.worker_ids),
            db_task_result.status,
            duration_ms,
            self.worker_id,
        )

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        # The base class turns a second signal into SystemExit inside the running task.
        if not self.running and self.running_task:
            self.forced_stop = True
        super().shutdown(signum, frame)

    def _release_interrupted(self, db_task_result: DBTaskResult) -> None:
        # The task did not fail, it was cut short: let another run do it again.
        DBTaskResult.objects.filter(id=db_task_result.id, status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY,
            started_at=None,
            finished_at=None,
            exception_class_path="",
            traceback="",
        )
        db_task_result.status = TaskResultStatus.READY

    def _log_lifecycle(self, event: str) -> None:
        logger.info(
            "%s worker_id=%s hostname=%s pid=%d queues=%s lease_s=%.0f heartbeat_s=%.1f",
            event,
            self.worker_id,
            self.identity.hostname,
            self.identity.pid,
            ",".join(self.queue_names),
            self.lease.total_seconds(),
            self.heartbeat_interval.total_seconds(),
        )


def _attempt_of(db_task_result: DBTaskResult) -> Any:
    kwargs = db_task_result.args_kwargs.get("kwargs") or {}
    return kwargs.get(ATTEMPT_KWARG, 1)
