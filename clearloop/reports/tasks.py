"""Background work of reports: every hour, send the scheduled reports that are due (once
per period: the delivery log's unique key makes a second run send nothing)."""

from __future__ import annotations

from datetime import timedelta

from clearloop.core.tasks import durable_task, periodic
from clearloop.reports import services


@periodic(every=timedelta(hours=1))
@durable_task(max_attempts=3, backoff_seconds=300)
def scheduled_reports_send() -> None:
    services.scheduled_reports_send_due()
