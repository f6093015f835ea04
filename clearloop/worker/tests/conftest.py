"""Fixtures for the worker tests: the database task backend, an empty periodic registry, a
batch worker run in-process."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils.module_loading import autodiscover_modules

from clearloop.core import tasks as core_tasks
from clearloop.worker.tests.tasks import CALLS


@pytest.fixture
def db_backend(settings: Any) -> None:
    """Run these tests on django-tasks-db (the suite defaults to the immediate backend)."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "bulk"]}
    }


@pytest.fixture(autouse=True)
def _empty_periodic_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    # The real schedules would add their own task rows to every worker run. Import every
    # app's tasks first (as `run_worker` does), so that a first import during a test
    # cannot register them into the emptied registry.
    autodiscover_modules("tasks")
    monkeypatch.setattr(core_tasks, "_periodic_schedules", {})


@pytest.fixture(autouse=True)
def _fresh_calls() -> Iterator[None]:
    CALLS.clear()
    yield
    CALLS.clear()


def run_worker_batch(*args: str) -> str:
    """Run `run_worker --batch` in this process and return what it printed."""
    out = StringIO()
    call_command(
        "run_worker",
        "--batch",
        "--no-startup-delay",
        "--interval",
        "0",
        "--heartbeat-seconds",
        "30",
        *args,
        stdout=out,
        stderr=out,
    )
    return out.getvalue()
