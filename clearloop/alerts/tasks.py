"""Background work of alerts: every rule evaluated each quarter of an hour (idempotent:
one alert per incident)."""

from __future__ import annotations

from datetime import timedelta

from clearloop.alerts import services
from clearloop.core.tasks import durable_task, periodic


@periodic(every=timedelta(minutes=15))
@durable_task(max_attempts=3, backoff_seconds=60)
def alert_rules_evaluate() -> None:
    services.rules_evaluate_all()


@durable_task(max_attempts=3, backoff_seconds=60)
def alert_deliver_task(alert_id: int) -> None:
    services.alert_deliver(alert_id=alert_id)


@periodic(every=timedelta(days=1))
@durable_task(max_attempts=3, backoff_seconds=300)
def digests_send() -> None:
    from django.utils import timezone

    from clearloop.alerts import digests

    digests.digests_send_due(today=timezone.localdate())
