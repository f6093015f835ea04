"""Background work of the feedback inbox: indexing items a bulk writer stored, the
safety-net indexer (every minute) and running a new rule over existing items. Tasks take
ids and are safe to run twice."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from clearloop.core.tasks import durable_task, periodic
from clearloop.feedback import services


@durable_task(max_attempts=5, backoff_seconds=30)
def feedback_items_index(organization_id: int, id_ranges: list[list[int]]) -> None:
    """Search index and rules for items just imported or upserted in bulk, named by runs
    of consecutive ids ``[first, last]`` (a chunk's new items are one run: the task's
    arguments stay a few bytes however large the chunk)."""
    item_ids = [pk for first, last in id_ranges for pk in range(first, last + 1)]
    services.feedback_items_added(organization_id=organization_id, item_ids=item_ids)


def id_ranges(item_ids: Iterable[int]) -> list[list[int]]:
    """`item_ids` as sorted runs of consecutive ids, ``[first, last]`` each."""
    runs: list[list[int]] = []
    for pk in sorted(set(item_ids)):
        if runs and runs[-1][1] == pk - 1:
            runs[-1][1] = pk
        else:
            runs.append([pk, pk])
    return runs


@periodic(every=timedelta(minutes=1))
@durable_task(max_attempts=3, backoff_seconds=30)
def feedback_index_pending() -> int:
    return services.feedback_index_pending()


@durable_task(max_attempts=3, backoff_seconds=60)
def feedback_rules_back_apply(
    organization_id: int, tagging_rule_id: int | None = None, listening_rule_id: int | None = None
) -> int:
    return services.rules_back_apply(
        organization_id=organization_id,
        tagging_rule_id=tagging_rule_id,
        listening_rule_id=listening_rule_id,
    )
