"""`manage.py run_worker`: run background tasks from the database queue.

Start as many as needed, on any machine pointed at the same database:

    python manage.py run_worker                       # queue "default", forever
    python manage.py run_worker --queues default,bulk --interval 1
    python manage.py run_worker --batch               # run what is due, then exit

It takes every option of django-tasks-db's `db_worker` (--max-tasks, --worker-id, --backend,
--exclude-queues, ...) plus the lease options below. SIGTERM or SIGINT finishes the current
task and exits; a second one stops at once and puts the task back in the queue.
"""

from __future__ import annotations

import argparse
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django.utils.module_loading import autodiscover_modules
from django_tasks_db.management.commands import db_worker

from clearloop.worker import conf
from clearloop.worker.runner import ClearloopWorker


def positive_seconds(value: str) -> float:
    seconds = db_worker.valid_interval(value)
    if seconds <= 0:
        raise argparse.ArgumentTypeError("Must be greater than zero")
    return seconds


class Command(db_worker.Command):
    help = "Run a Clearloop background worker (retries, leases, periodic schedules)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--queues",
            dest="queue_name",
            default=argparse.SUPPRESS,
            help="Same as --queue-name: comma-separated queues, or '*' for all.",
        )
        parser.add_argument(
            "--lease-seconds",
            type=positive_seconds,
            default=None,
            help="A worker silent this long is presumed dead "
            "(default: CLEARLOOP_WORKER_LEASE_SECONDS or 60).",
        )
        parser.add_argument(
            "--heartbeat-seconds",
            type=positive_seconds,
            default=None,
            help="How often to beat, reap and schedule "
            "(default: CLEARLOOP_WORKER_HEARTBEAT_SECONDS or 5).",
        )
        # Reloading restarts the worker mid-task on every saved file, so only on request.
        parser.set_defaults(reload=False)
        for action in parser._actions:
            if action.dest == "reload":
                action.help = "Reload the worker on code changes (default: off)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        autodiscover_modules("tasks")  # registers every app's periodic schedules
        worker = ClearloopWorker(**self._worker_options(options))
        if options["reload"] and not options["batch"]:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
            return
        with _signal_handlers_restored():
            worker.configure_signals()
            worker.run()

    def _worker_options(self, options: dict[str, Any]) -> dict[str, Any]:
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queues='*'")
        lease = _seconds(options["lease_seconds"]) or conf.worker_lease()
        heartbeat = _seconds(options["heartbeat_seconds"]) or conf.heartbeat_interval()
        if heartbeat * 2 > lease:
            raise CommandError(
                "The heartbeat must be at most half the lease, or live workers "
                "would look dead between two beats."
            )
        return {
            "queue_names": queue_names,
            "excluded_queue_names": excluded,
            "interval": options["interval"],
            "batch": options["batch"],
            "backend_name": options["backend_name"],
            "startup_delay": options["startup_delay"],
            "max_tasks": options["max_tasks"],
            "worker_id": options["worker_id"],
            "lease": lease,
            "heartbeat_interval": heartbeat,
            "max_lost_runs": conf.max_lost_runs(),
        }


def _seconds(value: float | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=value)


@contextmanager
def _signal_handlers_restored() -> Iterator[None]:
    # Run in-process (tests, call_command), the worker must not leave its handlers behind.
    signals = [signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGQUIT", None)]
    previous = {sig: signal.getsignal(sig) for sig in signals if sig is not None}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            if handler is not None:  # None: installed outside Python; nothing to restore
                signal.signal(sig, handler)
