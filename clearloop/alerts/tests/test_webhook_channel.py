"""The generic signed webhook channel: an alert reaches a real HTTP receiver on loopback
signed in the Standard Webhooks format (verified with the reference library), a private
or loopback address is refused in production (also behind a public-looking name), and a
rule cannot name another organization's endpoint."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
from collections.abc import Iterator
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from clearloop.alerts import services
from clearloop.alerts.channels.base import DeliveryFailed, Message
from clearloop.alerts.channels.webhook import WebhookChannel
from clearloop.alerts.models import Alert, AlertRule
from clearloop.conftest import Persona
from clearloop.core.errors import ValidationFailed
from clearloop.goals.measure import Metric, Scope
from clearloop.goals.tests.data import add_scores, exact_nps_scores
from clearloop.webhooks import services as webhook_services
from clearloop.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from clearloop.webhooks.tests.test_webhooks import Receiver

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 6, 2)


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    settings.CLEARLOOP_FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


def _endpoint(alice: Persona, url: str) -> WebhookEndpoint:
    return webhook_services.endpoint_create(
        organization=alice.organization, url=url, by=alice.membership, events=["alert.raised"]
    )


def _rule(alice: Persona, endpoint: WebhookEndpoint | None) -> AlertRule:
    return services.alert_rule_create(
        organization=alice.organization,
        by=alice.membership,
        name="NPS below 20",
        kind="threshold",
        metric=Metric.NPS,
        scope=Scope(),
        comparison="below",
        threshold=20.0,
        channels=["in_app", "webhook"],
        webhook_endpoint=endpoint,
    )


def _fire(alice: Persona, rule: AlertRule, capture: Any) -> Alert:
    add_scores(alice.organization, TODAY, exact_nps_scores(10, 10, 20))
    with capture(execute=True):
        assert services.rule_evaluate(rule_id=rule.pk, today=TODAY) == 1
    return Alert.objects.get()


def test_an_alert_reaches_a_local_receiver_signed(
    alice: Persona, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = _endpoint(alice, receiver.url)
    alert = _fire(alice, _rule(alice, endpoint), django_capture_on_commit_callbacks)
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]["headers"], receiver.received[0]["body"]
    lowered = {name.lower(): value for name, value in headers.items()}
    verified = Webhook(endpoint.secret).verify(body, lowered)  # raises when the HMAC is off
    assert verified["type"] == "alert.raised"
    assert verified["data"]["alert"]["id"] == alert.pk
    assert "below the threshold" in verified["data"]["alert"]["reason"]
    assert verified["data"]["rule"]["name"] == "NPS below 20"
    tampered = body.replace(b"NPS below 20", b"NPS below 99")
    with pytest.raises(Exception):  # noqa: B017 -- any verification error will do
        Webhook(endpoint.secret).verify(tampered, lowered)
    assert [d["ok"] for d in alert.deliveries] == [True, True]
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.message_id == lowered["webhook-id"]
    assert json.loads(body)["data"]["alert"]["status"] == "open"


def test_a_loopback_receiver_is_refused_in_production(
    alice: Persona, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CLEARLOOP_FETCH_ALLOWED_NETWORKS = []
    endpoint = _endpoint(alice, "http://127.0.0.1:9/hooks")
    alert = _fire(alice, _rule(alice, endpoint), django_capture_on_commit_callbacks)
    in_app, webhook = alert.deliveries
    assert in_app["ok"] is True
    assert webhook["ok"] is False and "127.0.0.1" in webhook["error"]
    assert not WebhookDelivery.objects.exists()  # nothing was sent, nothing queued


def test_a_public_name_resolving_to_a_private_address_is_refused(
    alice: Persona, settings: Any
) -> None:
    settings.CLEARLOOP_FETCH_ALLOWED_NETWORKS = []
    endpoint = _endpoint(alice, "https://hooks.example.com/clearloop")
    rule = _rule(alice, endpoint)
    alert = Alert.objects.create(
        organization=alice.organization,
        rule=rule,
        incident_key="test",
        started_on=TODAY,
        reason="test",
    )
    channel = WebhookChannel(resolve=lambda host, port: [ipaddress.ip_address("10.0.0.5")])
    with pytest.raises(DeliveryFailed, match=r"hooks\.example\.com"):
        channel.deliver(alert, Message("subject", "text", "https://cx.example.com/alerts/"))
    assert not WebhookDelivery.objects.exists()


def test_a_webhook_rule_needs_one_of_its_own_endpoints(alice: Persona, charlie: Persona) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _rule(alice, None)
    assert "webhook_endpoint" in caught.value.fields
    theirs = webhook_services.endpoint_create(
        organization=charlie.organization,
        url="https://hooks.example.com/x",
        by=charlie.membership,
    )
    with pytest.raises(ValidationFailed):
        _rule(alice, theirs)
