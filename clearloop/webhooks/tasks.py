"""Webhook deliveries: one durable task per delivery; a failed attempt raises, and the task
comes back with exponential backoff (30 s, 1 min, 2 min, ... up to an hour)."""

from __future__ import annotations

from clearloop.core.tasks import durable_task
from clearloop.webhooks import services


@durable_task(max_attempts=services.MAX_ATTEMPTS, backoff_seconds=30, max_backoff_seconds=3600)
def webhook_deliver(delivery_id: int) -> bool:
    return services.delivery_attempt(delivery_id=delivery_id)
