"""The real thing: a worker process killed with SIGKILL mid-task, and another worker finishing
the task once the dead one's lease runs out. Runs `manage.py` against a temporary SQLite file."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import pytest
from django.conf import settings

from clearloop.worker.tests.tasks import sleep_then_mark

WORKER_OPTIONS = [
    "--skip-checks",
    "--no-startup-delay",
    "--interval",
    "0.1",
    "--lease-seconds",
    "2",
    "--heartbeat-seconds",
    "0.5",
]


class Project:
    """`manage.py` in subprocesses, sharing one SQLite database file."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.database = tmp_path / "worker.sqlite3"
        self.env = {key: value for key, value in os.environ.items() if key != "TASKS_BACKEND"} | {
            "DATABASE_URL": f"sqlite:///{self.database}",
            "CLEARLOOP_TESTING": "0",  # the database task backend, as in production
            "CLEARLOOP_VAR_DIR": str(tmp_path / "var"),
            "PYTHONUNBUFFERED": "1",
        }
        self.processes: list[subprocess.Popen[bytes]] = []
        self.log_files: list[BinaryIO] = []

    def manage(self, *args: str) -> str:
        completed = subprocess.run(  # noqa: S603 -- our interpreter, our manage.py
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
        return completed.stdout

    def start_worker(self, worker_id: str) -> subprocess.Popen[bytes]:
        log = (self.tmp_path / f"{worker_id}.log").open("wb")
        self.log_files.append(log)
        process = subprocess.Popen(  # noqa: S603 -- our interpreter, our manage.py
            [sys.executable, "manage.py", "run_worker", *WORKER_OPTIONS, "--worker-id", worker_id],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def task_rows(self) -> list[tuple[str, list[str]]]:
        """(status, worker_ids) of each result of our task; the housekeeping schedule
        enqueues its own task too."""
        rows = self.query(
            "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE task_path = ?",
            sleep_then_mark.module_path,
        )
        return [(str(status), json.loads(str(worker_ids))) for status, worker_ids in rows]

    def query(self, sql: str, *params: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.database, timeout=10) as connection:
            return connection.execute(sql, params).fetchall()

    def logs(self) -> str:
        return "\n".join(path.read_text() for path in sorted(self.tmp_path.glob("*.log")))


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    project = Project(tmp_path)
    yield project
    for process in project.processes:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    for log in project.log_files:
        log.close()


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str, project: Project) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}\n{project.logs()}")
        time.sleep(0.05)


def test_task_of_a_worker_killed_mid_task_is_finished_by_another_worker(
    project: Project, tmp_path: Path
) -> None:
    marker = tmp_path / "done.txt"
    runs = marker.with_suffix(".runs")
    project.manage("migrate", "--skip-checks", "--verbosity", "0")
    project.manage(
        "shell",
        "--command",
        f"from {sleep_then_mark.func.__module__} import sleep_then_mark; "
        f"sleep_then_mark.enqueue(path={str(marker)!r}, seconds=1.5)",
    )

    first = project.start_worker("worker-first")
    wait_for(runs.exists, timeout=20, what="the first run to start", project=project)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert not marker.exists()  # killed mid-task
    assert project.task_rows() == [("RUNNING", ["worker-first"])]

    second = project.start_worker("worker-second")
    wait_for(marker.exists, timeout=20, what="the task to finish", project=project)
    wait_for(
        lambda: [status for status, _workers in project.task_rows()] == ["SUCCESSFUL"],
        timeout=10,
        what="the result to be recorded",
        project=project,
    )
    second.send_signal(signal.SIGTERM)

    assert second.wait(timeout=10) == 0
    assert project.task_rows() == [("SUCCESSFUL", ["worker-first", "worker-second"])]
    assert len(runs.read_text().split()) == 2
    assert marker.read_text() == "done"
    assert project.query("SELECT worker_id FROM worker_workerheartbeat") == []
    assert "task_worker_lost outcome=requeued" in project.logs()
