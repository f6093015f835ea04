"""Tasks used only by the worker tests. They live in a module (not in a test function) so a
real worker, even in another process, can import them by path."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from pathlib import Path

from django.contrib.auth.models import Group

from clearloop.core.tasks import durable_task

CALLS: Counter[str] = Counter()
"""How often each task body ran in this process, by key."""


@durable_task(max_attempts=3, backoff_seconds=10)
def always_fails(key: str) -> None:
    CALLS[key] += 1
    raise RuntimeError(f"{key} fails on purpose")


@durable_task(max_attempts=5, backoff_seconds=1)
def fails_until(key: str, failures: int) -> str:
    CALLS[key] += 1
    if CALLS[key] <= failures:
        raise RuntimeError(f"{key} failure {CALLS[key]} of {failures}")
    return "done"


@durable_task()
def grant_marker(marker: str) -> bool:
    """The idempotency pattern: the effect is keyed under a unique constraint, so a second
    delivery of the same task finds it done and changes nothing."""
    CALLS[marker] += 1
    _group, created = Group.objects.get_or_create(name=marker)
    return created


@durable_task()
def tick() -> None:
    CALLS["tick"] += 1


@durable_task()
def stop_own_worker(signals: int) -> None:
    """Sends SIGTERM to its own worker `signals` times, as an operator would."""
    CALLS["stop_own_worker"] += 1
    for _ in range(signals):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.2)  # the handler runs here


@durable_task(max_attempts=2, backoff_seconds=1)
def sleep_then_mark(path: str, seconds: float) -> None:
    """Logs each run's pid to `<path>.runs`, sleeps, then writes `path` (same bytes each run)."""
    marker = Path(path)
    with marker.with_suffix(".runs").open("a") as runs:
        runs.write(f"{os.getpid()}\n")
    time.sleep(seconds)
    marker.write_text("done")
