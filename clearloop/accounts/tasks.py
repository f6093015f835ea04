"""Background work of the accounts app: emails that must not slow down a request."""

from __future__ import annotations

from clearloop.accounts import services
from clearloop.core.tasks import durable_task


@durable_task(max_attempts=6, backoff_seconds=30)
def invitation_email_send(invitation_id: int) -> bool:
    return services.invitation_send(invitation_id=invitation_id)
