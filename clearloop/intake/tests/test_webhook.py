"""Inbound webhook: HMAC-signed JSON, idempotent by (source, external id), all or nothing,
and never writing into another organization."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from clearloop.customers.tests.factories import CustomerFactory
from clearloop.feedback.models import FeedbackItem
from clearloop.intake.inbound import SIGNATURE_HEADER, signature_for
from clearloop.intake.models import IntakeEvent, IntakeOutcome
from clearloop.intake.serializers import MAX_ITEMS
from clearloop.intake.services import intake_webhook_rotate

pytestmark = pytest.mark.django_db


@pytest.fixture
def hook(alice) -> tuple[str, str]:
    return intake_webhook_rotate(organization=alice.organization, by=alice.membership)


def _item(number: int = 1, **overrides):
    item = {"source": "chat", "external_id": f"chat-{number}", "text": f"Chat number {number}"}
    item.update(overrides)
    return item


def _post(client, hook, payload, *, secret: str | None = None, raw: bytes | None = None):
    token, real_secret = hook
    body = raw if raw is not None else json.dumps(payload).encode()
    headers = {SIGNATURE_HEADER: signature_for(secret or real_secret, body)}
    url = reverse("api:intake_webhook", args=[token])
    return client.post(url, data=body, content_type="application/json", headers=headers)


def test_a_signed_batch_is_stored_and_linked_to_customers(client, alice, hook):
    by_id = CustomerFactory(organization=alice.organization, external_id="C-1")
    by_email = CustomerFactory(organization=alice.organization, email="kim@example.com")
    payload = {
        "items": [
            _item(1, customer={"external_id": "C-1"}, rating=2, language="en"),
            _item(2, customer={"email": "KIM@example.com"}, occurred_at="2021-09-06T08:00:00Z"),
            _item(3, source="review", metadata={"site": "trustpilot"}),
        ]
    }

    response = _post(client, hook, payload)

    assert response.status_code == 200, response.content
    assert response.json() == {"received": 3, "created": 3, "duplicates": 0}
    items = {item.external_id: item for item in FeedbackItem.objects.all()}
    assert items["chat-1"].customer == by_id
    assert (items["chat-1"].rating, items["chat-1"].language) == (2, "en")
    assert items["chat-2"].customer == by_email
    assert items["chat-2"].occurred_at.isoformat() == "2021-09-06T08:00:00+00:00"
    assert items["chat-3"].metadata == {"site": "trustpilot"}
    assert {item.organization_id for item in items.values()} == {alice.organization.pk}


def test_a_single_item_object_is_accepted(client, hook):
    response = _post(client, hook, _item(7))

    assert response.json()["created"] == 1


def test_a_retried_batch_changes_nothing(client, hook):
    payload = {"items": [_item(1), _item(2)]}

    _post(client, hook, payload)
    second = _post(client, hook, {"items": [_item(1), _item(2), _item(3)]})

    assert second.json() == {"received": 3, "created": 1, "duplicates": 2}
    assert FeedbackItem.objects.count() == 3


def test_one_bad_item_refuses_the_whole_batch_listing_every_problem(client, hook):
    payload = {
        "items": [
            _item(1),
            _item(2, text="", rating=9),
            _item(3, source="survey_comment"),
            "not an object",
            _item(1),
            _item(5, customer={"email": "not-an-email"}),
        ]
    }

    response = _post(client, hook, payload)

    assert response.status_code == 400
    problems = response.json()["errors"]["items"]
    assert {(p["index"], p["field"]) for p in problems} == {
        (1, "text"),
        (1, "rating"),
        (2, "source"),
        (3, "item"),
        (5, "customer.email"),
    }
    assert not FeedbackItem.objects.exists()


def test_the_same_item_twice_in_one_batch_is_reported(client, hook):
    response = _post(client, hook, {"items": [_item(1), _item(1)]})

    assert response.status_code == 400
    assert response.json()["errors"]["items"] == [
        {
            "index": 1,
            "field": "external_id",
            "reason": "The same source and external id as item 0.",
        }
    ]


def test_more_than_the_limit_is_refused(client, hook):
    payload = {"items": [_item(number) for number in range(MAX_ITEMS + 1)]}

    response = _post(client, hook, payload)

    assert response.status_code == 400
    assert not FeedbackItem.objects.exists()


def test_a_wrong_signature_is_401_and_logged(client, alice, hook):
    response = _post(client, hook, _item(1), secret="whsec_wrong")

    assert response.status_code == 401
    assert response.json()["code"] == "bad_signature"
    assert not FeedbackItem.objects.exists()
    assert IntakeEvent.objects.get().outcome == IntakeOutcome.FAILED


def test_a_missing_signature_is_401(client, hook):
    url = reverse("api:intake_webhook", args=[hook[0]])
    response = client.post(url, data=_item(1), content_type="application/json")

    assert response.status_code == 401


def test_a_body_changed_after_signing_is_401(client, hook):
    token, secret = hook
    body = json.dumps(_item(1)).encode()
    signature = signature_for(secret, body)
    url = reverse("api:intake_webhook", args=[token])

    response = client.post(
        url,
        data=body.replace(b"Chat", b"Spam"),
        content_type="application/json",
        headers={SIGNATURE_HEADER: signature},
    )

    assert response.status_code == 401


def test_invalid_json_is_a_400_problem(client, hook):
    response = _post(client, hook, None, raw=b"{not json")

    assert response.status_code == 400
    assert response.json()["errors"] == {"body": "invalid_json"}


def test_another_organizations_webhook_never_writes_into_acme(client, alice, charlie, hook):
    globex_token, globex_secret = intake_webhook_rotate(
        organization=charlie.organization, by=charlie.membership
    )
    acme_token, _acme_secret = hook

    # Globex's secret on Acme's URL: refused. Globex's own URL: lands in Globex.
    assert _post(client, (acme_token, globex_secret), _item(1)).status_code == 401
    assert _post(client, (globex_token, globex_secret), _item(1)).status_code == 200

    assert FeedbackItem.objects.for_organization(alice.organization).count() == 0
    assert FeedbackItem.objects.for_organization(charlie.organization).count() == 1


def test_the_same_external_id_in_two_organizations_is_two_items(client, charlie, hook):
    globex_hook = intake_webhook_rotate(organization=charlie.organization, by=charlie.membership)

    _post(client, hook, _item(1))
    response = _post(client, globex_hook, _item(1))

    assert response.json()["created"] == 1
    assert FeedbackItem.objects.count() == 2


def test_a_rotated_webhook_refuses_the_old_url(client, alice, hook):
    intake_webhook_rotate(organization=alice.organization, by=alice.membership)

    assert _post(client, hook, _item(1)).status_code == 404
