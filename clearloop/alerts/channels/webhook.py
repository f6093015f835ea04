"""A generic signed webhook: the alert as JSON, signed in the Standard Webhooks format with
the secret of one of the organization's webhook endpoints (`clearloop.webhooks`), so any
Standard Webhooks library verifies it. The delivery goes through the webhooks app: one
delivery row in its log, retried with backoff, the same message id across retries.

The endpoint's addresses are checked here first, under the SSRF rules of
`clearloop.intake.fetching` (private, loopback and metadata addresses are refused unless
listed in CLEARLOOP_FETCH_ALLOWED_NETWORKS), so a refused URL shows in the alert's own
delivery history at once; every attempt checks them again before connecting."""

from __future__ import annotations

from typing import Any

from clearloop.alerts.channels.base import DeliveryFailed, Message
from clearloop.alerts.models import Alert
from clearloop.core.errors import ValidationFailed
from clearloop.intake.fetching import Resolver, checked_addresses, parse_target, system_resolver

EVENT_TYPE = "alert.raised"


def alert_payload(alert: Alert, message: Message) -> dict[str, Any]:
    rule = alert.rule
    return {
        "alert": {
            "id": alert.pk,
            "status": alert.status,
            "incident_key": alert.incident_key,
            "started_on": alert.started_on.isoformat(),
            "value": alert.value,
            "reason": alert.reason,
            "link": message.link,
        },
        "rule": {"id": rule.pk, "name": rule.name, "kind": rule.kind, "metric": rule.metric},
        "subject": message.subject,
    }


class WebhookChannel:
    kind = "webhook"

    def __init__(self, resolve: Resolver = system_resolver) -> None:
        self.resolve = resolve

    def deliver(self, alert: Alert, message: Message) -> str:
        from clearloop.webhooks.services import webhook_send

        endpoint = alert.rule.webhook_endpoint
        if endpoint is None or endpoint.organization_id != alert.organization_id:
            raise DeliveryFailed("The rule names no webhook endpoint.")
        if not endpoint.active:
            raise DeliveryFailed("The webhook endpoint is switched off.")
        try:
            target = parse_target(endpoint.url)
            checked_addresses(target, self.resolve)
        except ValidationFailed as error:
            raise DeliveryFailed(error.message) from error
        delivery = webhook_send(
            endpoint=endpoint, event_type=EVENT_TYPE, data=alert_payload(alert, message)
        )
        return f"{target.host} ({delivery.message_id})"
