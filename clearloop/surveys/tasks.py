"""Background work of the surveys app: invitation emails and the hourly reminder run.

Tasks take ids and delegate to `clearloop.surveys.inviting`, whose functions are safe to
run twice."""

from __future__ import annotations

from datetime import timedelta

from clearloop.core.tasks import durable_task, periodic
from clearloop.surveys import inviting


@durable_task(max_attempts=6, backoff_seconds=60)
def invitation_email_send(invitation_id: int) -> bool:
    return inviting.invitation_send(invitation_id=invitation_id)


@periodic(every=timedelta(hours=1))
@durable_task(max_attempts=3, backoff_seconds=120)
def invitation_reminders_send() -> int:
    return inviting.reminders_send_due()
