"""`manage.py run_worker` end to end in this process: queues, housekeeping, logs, shutdown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from clearloop.core.tasks import register_periodic
from clearloop.worker.models import PeriodicRun, WorkerHeartbeat
from clearloop.worker.tasks import prune_task_results
from clearloop.worker.tests.conftest import run_worker_batch
from clearloop.worker.tests.tasks import CALLS, grant_marker, stop_own_worker

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.django_db(transaction=True)
def test_batch_worker_runs_its_queues_and_the_housekeeping_schedule(
    db_backend: None, caplog: pytest.LogCaptureFixture
) -> None:
    register_periodic(prune_task_results, every=timedelta(hours=1))
    with time_machine.travel(T0 - timedelta(days=30), tick=False):
        ancient = grant_marker.enqueue("ancient")
        run_worker_batch()
    with time_machine.travel(T0, tick=False):
        recent = grant_marker.enqueue("recent")
        bulk = grant_marker.using(queue_name="bulk").enqueue("bulk")

        run_worker_batch("--queues", "default")

    for result in (recent, bulk):
        result.refresh()
    assert recent.status == TaskResultStatus.SUCCESSFUL
    assert bulk.status == TaskResultStatus.READY  # not a queue this worker serves
    assert not DBTaskResult.objects.filter(id=ancient.id).exists()  # pruned, 30 > 14 days
    prune_run = PeriodicRun.objects.get(slot_start=T0)
    assert prune_task_results.get_result(prune_run.task_result_id).return_value == {
        # "ancient" and the month-old prune's own result; the month-old slot record
        "task_results": 2,
        "periodic_runs": 1,
    }
    assert not WorkerHeartbeat.objects.exists()
    assert (
        f"task_finished path={grant_marker.module_path} id={recent.id} attempt=1 run=1 "
        "status=SUCCESSFUL duration_ms="
    ) in caplog.text


@pytest.mark.django_db(transaction=True)
def test_sigterm_during_a_task_finishes_it_and_stops_before_the_next(db_backend: None) -> None:
    first = stop_own_worker.enqueue(signals=1)
    second = grant_marker.enqueue("after-shutdown")

    call_command("run_worker", "--no-startup-delay", "--interval", "0", "--max-tasks", "2")

    first.refresh()
    second.refresh()
    assert first.status == TaskResultStatus.SUCCESSFUL
    assert second.status == TaskResultStatus.READY
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_second_sigterm_stops_at_once_and_puts_the_task_back_in_the_queue(
    db_backend: None,
) -> None:
    interrupted = stop_own_worker.enqueue(signals=2)

    call_command("run_worker", "--no-startup-delay", "--interval", "0", "--max-tasks", "1")

    row = DBTaskResult.objects.get(id=interrupted.id)
    assert (row.status, row.started_at, row.traceback) == (TaskResultStatus.READY, None, "")
    assert CALLS["stop_own_worker"] == 1


def test_heartbeat_longer_than_half_the_lease_is_refused(db_backend: None) -> None:
    with pytest.raises(CommandError, match="half the lease"):
        call_command("run_worker", "--batch", "--lease-seconds", "10", "--heartbeat-seconds", "6")
