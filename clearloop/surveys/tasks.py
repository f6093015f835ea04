"""Background work of the surveys app: invitation emails, delayed sends (every minute),
resends and the hourly reminder run.

Tasks take ids and delegate to `clearloop.surveys.inviting`, whose functions are safe to
run twice, and at the same time on several workers."""

from __future__ import annotations

from datetime import timedelta

from clearloop.core.tasks import durable_task, periodic
from clearloop.surveys import inviting


@durable_task(max_attempts=6, backoff_seconds=60)
def invitation_email_send(invitation_id: int) -> bool:
    return inviting.invitation_send(invitation_id=invitation_id)


@durable_task(max_attempts=3, backoff_seconds=60)
def invitation_reminder_send(invitation_id: int) -> bool:
    """One reminder made due now (a staff resend); a failure is retried by the next
    hourly reminder run, as any reminder's."""
    return inviting.invitation_remind(invitation_id=invitation_id)


@periodic(every=timedelta(minutes=1))
@durable_task(max_attempts=3, backoff_seconds=30)
def invitations_send_due() -> int:
    return inviting.invitations_send_due()


@periodic(every=timedelta(hours=1))
@durable_task(max_attempts=3, backoff_seconds=120)
def invitation_reminders_send() -> int:
    return inviting.reminders_send_due()
