"""Retries with backoff: `durable_task` re-enqueues a failing task with growing delays and
gives up after `max_attempts`, on the database backend and on the immediate one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
import time_machine
from django.db import transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from clearloop.core.tasks import ATTEMPT_KWARG, RetryPolicy, durable_task, enqueue_on_commit
from clearloop.worker.tests.conftest import run_worker_batch
from clearloop.worker.tests.tasks import CALLS, always_fails, fails_until, grant_marker

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def attempt_rows(key: str) -> list[DBTaskResult]:
    rows = DBTaskResult.objects.filter(task_path=always_fails.module_path)
    rows_for_key = [row for row in rows if row.args_kwargs["args"] == [key]]
    return sorted(rows_for_key, key=lambda row: row.args_kwargs["kwargs"].get(ATTEMPT_KWARG, 1))


def test_retry_delay_doubles_with_jitter_below_nominal_and_is_capped() -> None:
    policy = RetryPolicy(max_attempts=10, backoff_seconds=10, max_backoff_seconds=60)

    assert policy.delay_after(1, jitter=0) == timedelta(seconds=10)
    assert policy.delay_after(2, jitter=0) == timedelta(seconds=20)
    assert policy.delay_after(3, jitter=0) == timedelta(seconds=40)
    assert policy.delay_after(4, jitter=0) == timedelta(seconds=60)
    assert policy.delay_after(9, jitter=0) == timedelta(seconds=60)
    assert policy.delay_after(2, jitter=0.999) > timedelta(seconds=16)  # 20 s minus < 20%
    assert policy.delay_after(1, jitter=0.999) < policy.delay_after(2, jitter=0)


def test_durable_task_is_a_standard_task_with_the_users_name_and_options() -> None:
    assert always_fails.name == "always_fails"
    assert always_fails.module_path == "clearloop.worker.tests.tasks.always_fails"
    assert always_fails.takes_context  # how it learns its own queue, priority and result id
    assert always_fails.using(priority=5).priority == 5


def test_reserved_attempt_argument_and_coroutines_are_refused() -> None:
    def clashes(clearloop_attempt: int) -> None: ...

    async def coroutine() -> None: ...

    with pytest.raises(TypeError, match="reserved"):
        durable_task()(clashes)
    with pytest.raises(TypeError, match="plain functions"):
        durable_task()(coroutine)


@pytest.mark.django_db(transaction=True)
def test_failing_task_is_retried_with_growing_delays_and_stops_after_max_attempts(
    db_backend: None, caplog: pytest.LogCaptureFixture
) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        always_fails.enqueue("report")
        for _attempt in range(3):
            run_worker_batch()
            waiting = DBTaskResult.objects.ready().exists()
            upcoming = DBTaskResult.objects.filter(status=TaskResultStatus.READY).first()
            assert not waiting  # the retry is not due yet
            if upcoming is not None:
                clock.move_to(upcoming.run_after)

    rows = attempt_rows("report")
    assert [row.args_kwargs["kwargs"].get(ATTEMPT_KWARG, 1) for row in rows] == [1, 2, 3]
    assert [row.status for row in rows] == [TaskResultStatus.FAILED] * 3
    assert CALLS["report"] == 3
    delays = [later.started_at - earlier.started_at for earlier, later in pairwise(rows)]
    assert timedelta(seconds=8) <= delays[0] <= timedelta(seconds=10)
    assert timedelta(seconds=16) <= delays[1] <= timedelta(seconds=20)
    assert delays[1] > delays[0]
    assert all(row.args_kwargs["args"] == ["report"] for row in rows)
    assert caplog.text.count("task_retry_scheduled") == 2
    assert "task_gave_up path=clearloop.worker.tests.tasks.always_fails" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_retry_keeps_the_queue_and_priority_the_caller_chose(db_backend: None) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        always_fails.using(queue_name="bulk", priority=7).enqueue("bulk-report")
        run_worker_batch("--queues", "bulk")
        clock.shift(timedelta(minutes=1))
        run_worker_batch("--queues", "bulk")

    rows = attempt_rows("bulk-report")
    assert len(rows) == 3
    assert {(row.queue_name, row.priority) for row in rows} == {("bulk", 7)}


def test_on_the_immediate_backend_a_flaky_task_is_retried_at_once_until_it_succeeds() -> None:
    first = fails_until.enqueue("flaky", failures=2)

    assert CALLS["flaky"] == 3
    assert first.status == TaskResultStatus.FAILED  # attempt 1's own result; 3 succeeded


def test_on_the_immediate_backend_retries_stop_after_max_attempts(
    caplog: pytest.LogCaptureFixture,
) -> None:
    always_fails.enqueue("hopeless")

    assert CALLS["hopeless"] == 3
    assert "task_gave_up" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_enqueue_on_commit_enqueues_only_after_the_transaction_commits(db_backend: None) -> None:
    with transaction.atomic():
        enqueue_on_commit(grant_marker, "committed")
        assert not DBTaskResult.objects.exists()
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(grant_marker, "rolled-back")
        raise RuntimeError("the service failed")

    assert [row.args_kwargs["args"] for row in DBTaskResult.objects.all()] == [["committed"]]
