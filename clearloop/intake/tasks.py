"""Background work of intake: every 15 minutes, each due feed is polled in its own task.

Tasks take ids and delegate to `clearloop.intake.polling`, which claims a feed before
polling it, so running a task twice, or on two workers at once, polls the feed once."""

from __future__ import annotations

from datetime import timedelta

from clearloop.core.tasks import durable_task, periodic
from clearloop.intake import polling


@durable_task(max_attempts=3, backoff_seconds=60)
def feed_poll(feed_id: int) -> int:
    """How many new items the poll stored (0 when the feed was not due or failed)."""
    stored = polling.feed_poll(feed_id=feed_id)
    return len(stored.created_ids) if stored else 0


@periodic(every=timedelta(minutes=15))
@durable_task(max_attempts=3, backoff_seconds=60)
def feeds_poll_due() -> int:
    """Enqueue one poll per due feed; returns how many were enqueued."""
    due = polling.feeds_due_ids()
    for feed_id in due:
        feed_poll.enqueue(feed_id)
    return len(due)
