"""The shape every alert channel has. A channel delivers one alert and raises
`DeliveryFailed` with a readable reason when it cannot; the caller records the outcome
in the alert's delivery history. Kinds: in-app, email, a Slack-compatible incoming webhook,
and a generic signed webhook (Standard Webhooks, delivered through `clearloop.webhooks`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from clearloop.alerts.models import Alert


class DeliveryFailed(Exception):
    pass


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    link: str


class Channel(Protocol):
    kind: str

    def deliver(self, alert: Alert, message: Message) -> str:
        """Deliver and return a short note of where it went."""
        ...
