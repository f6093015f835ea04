"""Where an alert is delivered: one module per kind, the shape in `base.py`."""

from __future__ import annotations

from clearloop.alerts.channels.base import Channel
from clearloop.alerts.channels.email import EmailChannel
from clearloop.alerts.channels.in_app import InAppChannel
from clearloop.alerts.channels.slack import SlackChannel
from clearloop.alerts.channels.webhook import WebhookChannel

CHANNELS: dict[str, Channel] = {
    "in_app": InAppChannel(),
    "email": EmailChannel(),
    "slack": SlackChannel(),
    "webhook": WebhookChannel(),
}
