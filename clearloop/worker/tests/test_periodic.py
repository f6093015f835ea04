"""Periodic schedules: each due task is enqueued once per slot, however many workers tick."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django_tasks_db.models import DBTaskResult

from clearloop.core.tasks import periodic, periodic_schedules, register_periodic
from clearloop.worker.models import PeriodicRun
from clearloop.worker.services import periodic_run_claim, periodic_tasks_enqueue_due
from clearloop.worker.tests.conftest import run_worker_batch
from clearloop.worker.tests.tasks import CALLS, tick

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_slots_are_aligned_to_utc_midnight_and_mondays() -> None:
    hourly = register_periodic(tick, every=timedelta(hours=1), name="hourly")
    weekly = register_periodic(tick, every=timedelta(weeks=1), name="weekly")
    wednesday = datetime(2026, 3, 4, 10, 59, 59, tzinfo=UTC)

    assert hourly.slot_start(wednesday) == datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    assert weekly.slot_start(wednesday) == datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # Monday


def test_periodic_decorator_registers_the_task_under_its_path() -> None:
    assert periodic(every=timedelta(minutes=5))(tick) is tick

    assert [(s.name, s.every) for s in periodic_schedules()] == [
        (tick.module_path, timedelta(minutes=5))
    ]
    with pytest.raises(ValueError, match="at most once per"):
        register_periodic(tick, every=timedelta(milliseconds=10))


@pytest.mark.django_db
def test_two_schedulers_in_the_same_slot_enqueue_a_periodic_task_once(db_backend: None) -> None:
    schedule = register_periodic(tick, every=timedelta(hours=1))

    first = periodic_tasks_enqueue_due(now=T0 + timedelta(minutes=1))
    second = periodic_tasks_enqueue_due(now=T0 + timedelta(minutes=2))
    # A worker that passed the existence check just before the other committed:
    racing = periodic_run_claim(schedule=schedule, slot_start=T0, now=T0)

    assert len(first) == 1
    assert second == []
    assert racing is None
    assert DBTaskResult.objects.filter(task_path=tick.module_path).count() == 1
    assert PeriodicRun.objects.get().task_result_id == first[0].task_result_id


@pytest.mark.django_db
def test_next_slot_enqueues_the_periodic_task_again(db_backend: None) -> None:
    register_periodic(tick, every=timedelta(hours=1))

    periodic_tasks_enqueue_due(now=T0)
    periodic_tasks_enqueue_due(now=T0 + timedelta(minutes=59))
    periodic_tasks_enqueue_due(now=T0 + timedelta(hours=1))

    slots = PeriodicRun.objects.order_by("slot_start").values_list("slot_start", flat=True)
    assert list(slots) == [T0, T0 + timedelta(hours=1)]


@pytest.mark.django_db(transaction=True)
def test_two_workers_started_in_the_same_slot_run_the_periodic_task_once(
    db_backend: None,
) -> None:
    register_periodic(tick, every=timedelta(hours=1))

    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        run_worker_batch("--worker-id", "worker-a")
        run_worker_batch("--worker-id", "worker-b")

    assert CALLS["tick"] == 1
    assert PeriodicRun.objects.count() == 1
