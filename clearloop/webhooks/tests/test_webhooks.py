"""Outbound webhooks against a real HTTP receiver on loopback: Standard Webhooks signatures
verify with the reference library, failures are retried with backoff and logged, private
addresses are refused unless allowed, and only admins manage endpoints (404 across
organizations)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from clearloop.cases import services as case_services
from clearloop.core.tasks import RetryPolicy
from clearloop.customers.tests.factories import CustomerFactory
from clearloop.webhooks import services
from clearloop.webhooks.models import DeliveryStatus, WebhookDelivery

pytestmark = pytest.mark.django_db


class Receiver:
    def __init__(self) -> None:
        self.answers: list[int] = []
        self.received: list[dict[str, Any]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.received.append({"headers": dict(self.headers.items()), "body": body})
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    settings.CLEARLOOP_FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


def test_case_events_are_delivered_signed(
    acme, alice, receiver, django_capture_on_commit_callbacks
):
    endpoint = services.endpoint_create(organization=acme, url=receiver.url, by=alice.membership)
    with django_capture_on_commit_callbacks(execute=True):
        case, _created = case_services.case_open(
            organization=acme,
            subject="Broken kettle",
            by=alice.membership,
            customer=CustomerFactory(organization=acme),
        )
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_resolve(
            case=case,
            root_cause="product_defect",
            corrective_action="Replaced",
            by=alice.membership,
        )
    types = [json.loads(r["body"])["type"] for r in receiver.received]
    assert types == ["case.created", "case.resolved"]
    verifier = Webhook(endpoint.secret)
    for request in receiver.received:
        payload = verifier.verify(request["body"], request["headers"])
        assert payload["data"]["id"] == case.pk
    tampered = dict(receiver.received[0]["headers"])
    with pytest.raises(WebhookVerificationError):
        verifier.verify(receiver.received[0]["body"].replace(b"Broken", b"Fixed"), tampered)
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == 2


def test_a_failing_receiver_is_retried_then_succeeds(
    acme, alice, receiver, django_capture_on_commit_callbacks
):
    services.endpoint_create(
        organization=acme, url=receiver.url, by=alice.membership, events=["case.created"]
    )
    receiver.answers = [500, 503]
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_open(organization=acme, subject="Retry me", by=alice.membership)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 3
    ids = {r["headers"]["webhook-id"] for r in receiver.received}
    assert len(receiver.received) == 3 and ids == {delivery.message_id}  # same id every time


def test_a_receiver_that_keeps_failing_gives_up_and_is_logged(
    acme, alice, receiver, django_capture_on_commit_callbacks
):
    services.endpoint_create(organization=acme, url=receiver.url, by=alice.membership)
    receiver.answers = [500] * 10
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_open(organization=acme, subject="Never", by=alice.membership)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == services.MAX_ATTEMPTS
    assert delivery.last_status_code == 500 and "HTTP 500" in delivery.last_error


def test_backoff_doubles_between_attempts():
    policy = RetryPolicy(
        max_attempts=services.MAX_ATTEMPTS, backoff_seconds=30, max_backoff_seconds=3600
    )
    delays = [policy.delay_after(n, jitter=0).total_seconds() for n in range(1, 5)]
    assert delays == [30, 60, 120, 240]


def test_loopback_and_private_receivers_are_refused_in_production(
    acme, alice, django_capture_on_commit_callbacks
):
    services.endpoint_create(organization=acme, url="http://127.0.0.1:9/hooks", by=alice.membership)
    with django_capture_on_commit_callbacks(execute=True):
        case_services.case_open(organization=acme, subject="x", by=alice.membership)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert "loopback" in delivery.last_error


def test_odd_spellings_are_refused_at_registration(acme, alice):
    from clearloop.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.endpoint_create(
            organization=acme, url="http://2130706433/hooks", by=alice.membership
        )
    with pytest.raises(ValidationFailed):
        services.endpoint_create(organization=acme, url="ftp://example.com/", by=alice.membership)


def test_only_admins_manage_endpoints_and_other_orgs_get_404(acme, alice, bob, charlie, client):
    endpoint = services.endpoint_create(
        organization=acme, url="https://hooks.example.com/x", by=alice.membership
    )
    body = client.post(
        "/api/v1/webhooks/endpoints/",
        {"url": "https://example.com/h", "events": ["case.created"]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {alice.api_token()}",
    )
    assert body.status_code == 201 and body.json()["secret"].startswith("whsec_")
    agent = client.get(
        "/api/v1/webhooks/endpoints/", HTTP_AUTHORIZATION=f"Bearer {alice.api_token(role='agent')}"
    )
    assert agent.status_code == 403
    other = client.delete(
        f"/api/v1/webhooks/endpoints/{endpoint.pk}/",
        HTTP_AUTHORIZATION=f"Bearer {charlie.api_token()}",
    )
    assert other.status_code == 404
    listed = client.get(
        "/api/v1/webhooks/deliveries/", HTTP_AUTHORIZATION=f"Bearer {charlie.api_token()}"
    )
    assert listed.status_code == 200 and listed.json()["results"] == []
