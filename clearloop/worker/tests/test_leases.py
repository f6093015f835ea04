"""Killed workers: a RUNNING task whose worker stopped heartbeating goes back to the queue,
and a task run twice because of it does no harm."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from clearloop.worker.errors import WorkerLostError
from clearloop.worker.models import WorkerHeartbeat
from clearloop.worker.services import (
    Recovery,
    orphaned_task_result_recover,
    worker_leases_expire,
)
from clearloop.worker.tests.conftest import run_worker_batch
from clearloop.worker.tests.tasks import CALLS, grant_marker

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)


def claimed_task(marker: str, *, by: str) -> DBTaskResult:
    row = DBTaskResult.objects.get(id=grant_marker.enqueue(marker).id)
    row.claim(by)
    return row


def heartbeat(worker_id: str, *, last_seen_at: datetime) -> WorkerHeartbeat:
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname="host-a",
        pid=4242,
        queues=["default"],
        started_at=last_seen_at,
        last_seen_at=last_seen_at,
    )


@pytest.mark.django_db
def test_only_tasks_of_silent_workers_are_requeued(db_backend: None) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        alive = claimed_task("alive", by="worker-alive")
        dead = claimed_task("dead", by="worker-dead")
        vanished = claimed_task("vanished", by="worker-without-heartbeat")
        heartbeat("worker-alive", last_seen_at=T0)
        heartbeat("worker-dead", last_seen_at=T0)
        clock.move_to(T0 + LEASE + timedelta(seconds=1))
        WorkerHeartbeat.objects.filter(worker_id="worker-alive").update(
            last_seen_at=T0 + LEASE  # renewed in time
        )

        outcomes = worker_leases_expire(lease=LEASE, max_lost_runs=5)

    assert outcomes == {Recovery.REQUEUED: 2}
    for row in (alive, dead, vanished):
        row.refresh_from_db()
    assert alive.status == TaskResultStatus.RUNNING
    assert (dead.status, dead.started_at) == (TaskResultStatus.READY, None)
    assert (vanished.status, vanished.started_at) == (TaskResultStatus.READY, None)
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["worker-alive"]


@pytest.mark.django_db
def test_task_started_recently_by_a_worker_without_heartbeat_is_left_running(
    db_backend: None,
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        row = claimed_task("just-started", by="worker-starting-up")
        clock.shift(LEASE / 2)

        assert worker_leases_expire(lease=LEASE, max_lost_runs=5) == {}

    row.refresh_from_db()
    assert row.status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_recovery_from_a_stale_read_changes_nothing_once_another_worker_reclaimed_it(
    db_backend: None,
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        stale_read = claimed_task("raced", by="worker-dead")
        clock.shift(LEASE * 2)
        assert (
            orphaned_task_result_recover(
                task_result=stale_read, max_lost_runs=5, now=T0 + LEASE * 2
            )
            == Recovery.REQUEUED
        )
        DBTaskResult.objects.get(id=stale_read.id).claim("worker-new")
        clock.shift(timedelta(seconds=1))

        second = orphaned_task_result_recover(
            task_result=stale_read, max_lost_runs=5, now=T0 + LEASE * 2
        )

    assert second == Recovery.SKIPPED
    current = DBTaskResult.objects.get(id=stale_read.id)
    assert (current.status, current.worker_ids) == (
        TaskResultStatus.RUNNING,
        ["worker-dead", "worker-new"],
    )


@pytest.mark.django_db
def test_task_that_keeps_losing_its_worker_fails_instead_of_killing_more(
    db_backend: None,
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        row = claimed_task("poison", by="worker-1")
        DBTaskResult.objects.filter(id=row.id).update(worker_ids=["worker-1", "worker-2"])
        clock.shift(LEASE * 2)

        assert worker_leases_expire(lease=LEASE, max_lost_runs=2) == {Recovery.FAILED: 1}

    result = grant_marker.get_result(str(row.id))
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class is WorkerLostError


@pytest.mark.django_db(transaction=True)
def test_task_whose_worker_died_is_requeued_and_run_to_success_by_a_batch_worker(
    db_backend: None,
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        row = claimed_task("orphan", by="worker-killed")
        heartbeat("worker-killed", last_seen_at=T0)
        clock.shift(LEASE + timedelta(seconds=5))  # kill -9: no more heartbeats

        run_worker_batch()

    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert row.worker_ids[0] == "worker-killed"
    assert len(row.worker_ids) == 2
    assert Group.objects.filter(name="orphan").count() == 1
    assert not WorkerHeartbeat.objects.exists()  # the dead one reaped, the batch one signed off


@pytest.mark.django_db(transaction=True)
def test_task_delivered_twice_after_its_worker_died_has_its_effect_once(
    db_backend: None,
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        result = grant_marker.enqueue("welcome-pack")
        run_worker_batch()
        # The worker did the work but died before recording success (at-least-once delivery):
        DBTaskResult.objects.filter(id=result.id).update(
            status=TaskResultStatus.RUNNING,
            started_at=T0,
            finished_at=None,
            worker_ids=["worker-killed"],
        )
        clock.shift(LEASE * 2)

        run_worker_batch()

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value is False  # the second run found the effect already there
    assert CALLS["welcome-pack"] == 2
    assert Group.objects.filter(name="welcome-pack").count() == 1
