"""Background work of text analysis. Tasks take ids, load fresh state and are safe to
run twice: analysing an item again replaces its results and re-applies corrections."""

from __future__ import annotations

from datetime import timedelta

from clearloop.core.tasks import durable_task, enqueue_on_commit, periodic
from clearloop.textanalysis import services


@durable_task(max_attempts=5, backoff_seconds=30)
def text_analyze_items(organization_id: int, item_ids: list[int]) -> int:
    return services.items_analyze(organization_id=organization_id, item_ids=item_ids)


@periodic(every=timedelta(minutes=1))
@durable_task(max_attempts=3, backoff_seconds=30)
def text_analyze_pending() -> int:
    return services.analyze_pending()


@durable_task(max_attempts=5, backoff_seconds=30)
def text_backfill(run_id: int) -> bool:
    """One step of a backfill (about 20 s of work); enqueues the next until done."""
    finished = services.backfill_step(run_id=run_id)
    if not finished:
        enqueue_on_commit(text_backfill, run_id=run_id)
    return finished


@durable_task(max_attempts=3, backoff_seconds=120)
def text_topics_discover(organization_id: int) -> int:
    return len(services.topics_discover(organization_id=organization_id))


@periodic(every=timedelta(days=1))
@durable_task(max_attempts=3, backoff_seconds=600)
def text_topics_discover_all() -> int:
    """Nightly: every organization with feedback gets its topics found again."""
    ids = services.organizations_with_feedback()
    for organization_id in ids:
        text_topics_discover.enqueue(organization_id=organization_id)
    return len(ids)


@durable_task(max_attempts=3, backoff_seconds=60)
def text_topics_reassign(organization_id: int, topic_ids: list[int] | None = None) -> int:
    return services.topics_reassign(organization_id=organization_id, topic_ids=topic_ids)
