"""Background work of the feedback inbox: indexing items a bulk writer stored, the
safety-net indexer (every minute) and running a new rule over existing items. Tasks take
ids and are safe to run twice."""

from __future__ import annotations

from datetime import timedelta

from clearloop.core.tasks import durable_task, periodic
from clearloop.feedback import services


@durable_task(max_attempts=5, backoff_seconds=30)
def feedback_items_index(organization_id: int, item_ids: list[int]) -> None:
    """Search index and rules for items just imported or upserted in bulk."""
    services.feedback_items_added(organization_id=organization_id, item_ids=item_ids)


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
