"""In-app: the alert row itself is the message; the alert list shows it with acknowledge
and resolve."""

from __future__ import annotations

from clearloop.alerts.channels.base import Message
from clearloop.alerts.models import Alert


class InAppChannel:
    kind = "in_app"

    def deliver(self, alert: Alert, message: Message) -> str:
        return "alert list"
