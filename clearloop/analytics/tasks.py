"""Background work of analytics: the every-minute rollup refresh (ADR 0014).

Idempotent: a refresh recounts whole (survey, day) cells from the raw rows, so running it
twice, or after a worker died half-way (its transaction rolled back), leaves the same rows."""

from __future__ import annotations

from datetime import timedelta

from clearloop.analytics import rollups
from clearloop.core.tasks import durable_task, periodic


@periodic(every=timedelta(minutes=1))
@durable_task(max_attempts=3, backoff_seconds=20)
def analytics_rollups_refresh() -> int:
    return rollups.rollups_refresh()


@durable_task(max_attempts=3, backoff_seconds=60)
def analytics_rollups_rebuild(organization_id: int) -> int:
    from clearloop.accounts.models import Organization

    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return 0
    return rollups.rollups_rebuild(organization=organization)
