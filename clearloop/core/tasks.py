"""How every app declares background work: retries, enqueue-after-commit, periodic schedules.

Calling code stays on the standard django-tasks API (`some_task.enqueue(...)`), so the backend
(the database one by default, RQ or Celery for larger installations) can change without
touching it. This module adds what DESIGN.md asks of every backend:

- `durable_task` makes a django-tasks `Task` that, when its function raises, enqueues itself
  again with exponential backoff and jitter until `max_attempts` is reached; the last failure
  is logged and the result stays FAILED. The attempt number travels in a reserved keyword
  argument (`ATTEMPT_KWARG`) that the wrapper strips, so task functions keep clean signatures.
- `enqueue_on_commit` enqueues once the surrounding transaction commits, so a worker never
  picks up a task for rows it cannot see yet (or rows that were rolled back).
- `periodic` / `register_periodic` record schedules; `manage.py run_worker` enqueues each due
  one once per time slot, however many workers run.

Declaring a task, in `<app>/tasks.py` (tasks take ids, load fresh state, are safe to run twice,
and delegate to a service):

    @durable_task(max_attempts=5, backoff_seconds=30)
    def invitation_send(invitation_id: int) -> None:
        services.invitation_send(invitation_id=invitation_id)

    enqueue_on_commit(invitation_send, invitation_id=invitation.pk)   # from a service

A periodic task takes no arguments:

    @periodic(every=timedelta(minutes=15))
    @durable_task(max_attempts=3)
    def feeds_poll() -> None:
        services.feeds_poll_due()
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import logging
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.db import transaction
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, TaskContext, task
from django_tasks.base import DEFAULT_TASK_PRIORITY, Task

P = ParamSpec("P")
T = TypeVar("T")
AnyTask = TypeVar("AnyTask", bound=Task[Any, Any])

logger = logging.getLogger("clearloop.tasks")

ATTEMPT_KWARG = "clearloop_attempt"
"""Reserved keyword argument carrying the attempt number (1 for the first run)."""

DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_BACKOFF_SECONDS = 10.0
DEFAULT_MAX_BACKOFF_SECONDS = 3600.0
JITTER_RATIO = 0.2
"""A retry waits between 80% and 100% of its nominal delay, so that tasks which failed
together (a provider outage) do not all come back in the same second."""

MIN_PERIOD = timedelta(seconds=1)
SLOT_EPOCH = datetime(2000, 1, 3, tzinfo=UTC)
"""Slots are counted from a Monday at midnight UTC, so a daily schedule starts at 00:00 UTC
and a weekly one on Mondays."""


# --- Retries --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    backoff_seconds: float = DEFAULT_BACKOFF_SECONDS
    max_backoff_seconds: float = DEFAULT_MAX_BACKOFF_SECONDS

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1.")
        if self.backoff_seconds < 0 or self.max_backoff_seconds < self.backoff_seconds:
            raise ValueError("Need 0 <= backoff_seconds <= max_backoff_seconds.")

    def delay_after(self, attempt: int, *, jitter: float | None = None) -> timedelta:
        """How long to wait after failed `attempt` (1-based) before the next one.

        `jitter` in [0, 1) is drawn at random unless given (tests pass it)."""
        if jitter is None:
            jitter = random.random()  # noqa: S311 -- spreads retries out; not a secret
        nominal = min(self.max_backoff_seconds, self.backoff_seconds * 2 ** (attempt - 1))
        return timedelta(seconds=nominal * (1 - JITTER_RATIO * jitter))


def durable_task(
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    backoff_seconds: float = DEFAULT_BACKOFF_SECONDS,
    max_backoff_seconds: float = DEFAULT_MAX_BACKOFF_SECONDS,
    queue_name: str = DEFAULT_TASK_QUEUE_NAME,
    priority: int = DEFAULT_TASK_PRIORITY,
    backend: str = DEFAULT_TASK_BACKEND_ALIAS,
) -> Callable[[Callable[P, T]], Task[P, T]]:
    """Decorate a module-level function into a django-tasks `Task` that retries on failure.

    Attempt n+1 runs `backoff_seconds * 2**(n-1)` after attempt n failed (capped at
    `max_backoff_seconds`, minus up to 20% jitter), on the same queue, priority and backend.
    On a backend that cannot defer (the immediate one used in tests) it retries at once."""
    policy = RetryPolicy(max_attempts, backoff_seconds, max_backoff_seconds)

    def decorate(func: Callable[P, T]) -> Task[P, T]:
        _check_durable_function(func)
        make_task = task(
            priority=priority, queue_name=queue_name, backend=backend, takes_context=True
        )
        return make_task(_with_retries(func, policy))

    return decorate


def _check_durable_function(func: Callable[..., Any]) -> None:
    if inspect.iscoroutinefunction(func):
        raise TypeError(f"{func.__qualname__}: durable tasks must be plain functions.")
    # `context` is the wrapper's own first argument; the other is how attempts are counted.
    for reserved in ("context", ATTEMPT_KWARG):
        if reserved in inspect.signature(func).parameters:
            raise TypeError(f"{func.__qualname__}: the argument name {reserved!r} is reserved.")


def _with_retries(
    func: Callable[P, T], policy: RetryPolicy
) -> Callable[Concatenate[TaskContext, P], T]:
    def run_attempt(context: TaskContext, *args: P.args, **kwargs: P.kwargs) -> T:
        attempt = _pop_attempt(kwargs)
        try:
            return func(*args, **kwargs)
        except Exception as error:
            _after_failed_attempt(
                context=context,
                policy=policy,
                attempt=attempt,
                args=args,
                kwargs=kwargs,
                error=error,
            )
            raise  # this attempt's result records the failure and its traceback

    # The task path stored with each result must import back to the Task object, which is
    # bound to the user's function name. Not functools.wraps: its __wrapped__ would make
    # django-tasks inspect the user's signature and miss the `context` argument.
    for attribute in ("__module__", "__name__", "__qualname__", "__doc__"):
        setattr(run_attempt, attribute, getattr(func, attribute))
    return run_attempt


def _pop_attempt(kwargs: dict[str, Any]) -> int:
    return int(kwargs.pop(ATTEMPT_KWARG, 1))


def _after_failed_attempt(
    *,
    context: TaskContext,
    policy: RetryPolicy,
    attempt: int,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    error: Exception,
) -> None:
    result = context.task_result
    path = result.task.module_path
    if attempt >= policy.max_attempts:
        logger.error(
            "task_gave_up path=%s id=%s attempt=%d max_attempts=%d error=%r",
            path,
            result.id,
            attempt,
            policy.max_attempts,
            error,
        )
        return
    delay = policy.delay_after(attempt)
    try:
        retry = _retry_task(result.task, delay).enqueue(
            *args, **{**kwargs, ATTEMPT_KWARG: attempt + 1}
        )
    except Exception:
        # The original error stays the one recorded on the result; this one is only logged.
        logger.exception(
            "task_retry_not_enqueued path=%s id=%s attempt=%d", path, result.id, attempt
        )
        return
    logger.warning(
        "task_retry_scheduled path=%s id=%s attempt=%d next_attempt=%d delay_s=%.1f "
        "retry_id=%s error=%r",
        path,
        result.id,
        attempt,
        attempt + 1,
        delay.total_seconds(),
        retry.id,
        error,
    )


def _retry_task(current: Task[Any, Any], delay: timedelta) -> Task[Any, Any]:
    if current.get_backend().supports_defer:
        return current.using(run_after=timezone.now() + delay)
    return dataclasses.replace(current, run_after=None)


# --- Enqueue after commit -------------------------------------------------------------


def enqueue_on_commit(task: Task[P, T], /, *args: P.args, **kwargs: P.kwargs) -> None:
    """Enqueue `task` once the current transaction commits (at once outside a transaction).

    Services call this instead of `task.enqueue`, so the worker never sees the task before
    the rows it needs are committed, and a rolled-back change enqueues nothing."""
    transaction.on_commit(functools.partial(task.enqueue, *args, **kwargs))


# --- Periodic schedules ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PeriodicSchedule:
    name: str
    task: Task[Any, Any]
    every: timedelta

    def slot_start(self, now: datetime) -> datetime:
        """Start of the time slot `now` falls in; the task runs once per slot."""
        if timezone.is_naive(now):
            raise ValueError("slot_start needs an aware datetime.")
        return SLOT_EPOCH + ((now - SLOT_EPOCH) // self.every) * self.every


_periodic_schedules: dict[str, PeriodicSchedule] = {}


def register_periodic(
    task: Task[Any, Any], *, every: timedelta, name: str | None = None
) -> PeriodicSchedule:
    """Have `run_worker` enqueue `task` (with no arguments) once every `every`.

    `name` identifies the schedule across deploys; it defaults to the task's import path."""
    if every < MIN_PERIOD:
        raise ValueError(f"A periodic task can run at most once per {MIN_PERIOD}.")
    schedule = PeriodicSchedule(name=name or task.module_path, task=task, every=every)
    _periodic_schedules[schedule.name] = schedule
    return schedule


def periodic(*, every: timedelta, name: str | None = None) -> Callable[[AnyTask], AnyTask]:
    """Decorator form of `register_periodic`; put it above `@durable_task(...)`."""

    def decorate(task: AnyTask) -> AnyTask:
        register_periodic(task, every=every, name=name)
        return task

    return decorate


def unregister_periodic(name: str) -> None:
    _periodic_schedules.pop(name, None)


def periodic_schedules() -> list[PeriodicSchedule]:
    return sorted(_periodic_schedules.values(), key=lambda schedule: schedule.name)
