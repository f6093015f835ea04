"""The "after an interaction" trigger, ``POST /api/v1/interactions/closed/``: idempotent
retries, the send delay (honoured by the periodic send through a real SMTP server), the
contact rules, the agent, customers found or recorded, tenancy and roles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from clearloop.accounts.roles import Role
from clearloop.accounts.tests.test_api import api, assert_problem
from clearloop.customers.models import Customer, Interaction
from clearloop.customers.tests.factories import CustomerFactory
from clearloop.surveys.inviting import _claim_first_send, invitations_send_due
from clearloop.surveys.models import (
    ContactOptOut,
    InvitationStatus,
    ResponseChannel,
    SurveyInvitation,
)
from clearloop.surveys.tasks import invitations_send_due as invitations_send_due_task
from clearloop.surveys.tests.factories import ResponseFactory
from clearloop.surveys.tests.test_inviting import email_distribution, link_path

pytestmark = pytest.mark.django_db

URL = "/api/v1/interactions/closed/"
JSON = "application/json"
ENDED = datetime(2025, 6, 2, 14, 0, tzinfo=UTC)


@pytest.fixture
def distribution(alice):
    return email_distribution(alice.organization, send_delay_minutes=30)


@pytest.fixture
def client(alice):
    return api(alice.api_token())


def report(distribution, **changes):
    body = {
        "distribution": distribution.pk,
        "customer": {"external_id": "CRM-7", "email": "erin@example.com", "name": "Erin"},
        "channel": "phone",
        "external_id": "CALL-1001",
        "started_at": (ENDED - timedelta(minutes=12)).isoformat(),
        "ended_at": ENDED.isoformat(),
        "hidden_fields": {"queue": "billing"},
    }
    body.update(changes)
    return body


def post(client, body):
    with time_machine.travel(ENDED + timedelta(minutes=1), tick=False):
        return client.post(URL, body, content_type=JSON)


def test_a_retried_report_returns_the_same_interaction_and_invitation_and_creates_nothing(
    client, distribution
):
    first = post(client, report(distribution))
    assert first.status_code == 202, first.content
    again = post(client, report(distribution))
    assert again.status_code == 202
    assert first.json()["created"] is True and again.json()["created"] is False
    for key in ("interaction", "invitation", "send_after", "status"):
        assert first.json()[key] == again.json()[key]
    assert first.json()["status"] == "queued" and first.json()["skipped"] is None
    assert Interaction.objects.count() == Customer.objects.count() == 1
    assert SurveyInvitation.objects.count() == 1


def test_the_invitation_is_scheduled_after_the_distribution_delay_with_hidden_fields(
    client, distribution, alice
):
    body = post(client, report(distribution, agent=alice.user.email)).json()
    invitation = SurveyInvitation.objects.get(pk=body["invitation"])
    assert invitation.send_after == ENDED + timedelta(minutes=30)
    assert invitation.interaction_id == body["interaction"]
    assert invitation.hidden_fields == {
        "queue": "billing",
        "channel": "phone",
        "agent": alice.user.email,
        "interaction_id": str(body["interaction"]),
    }
    interaction = Interaction.objects.get()
    assert interaction.agent == alice.user and interaction.external_id == "CALL-1001"
    assert interaction.customer.external_id == "CRM-7"


def test_the_request_delay_overrides_the_distribution_delay(client, distribution):
    body = post(client, report(distribution, delay_minutes=0)).json()
    assert SurveyInvitation.objects.get(pk=body["invitation"]).send_after == ENDED


def test_the_periodic_send_delivers_after_the_delay_and_not_before(
    client, distribution, smtp_server
):
    post(client, report(distribution))
    with time_machine.travel(ENDED + timedelta(minutes=29), tick=False) as clock:
        assert invitations_send_due() == 0
        assert smtp_server.messages == []
        clock.shift(timedelta(minutes=2))
        invitations_send_due_task.enqueue()  # the schedule's own task, run by the worker
        assert invitations_send_due() == 0  # a second run sends nothing more
        [body] = smtp_server.bodies_to("erin@example.com")
        invitation = SurveyInvitation.objects.get()
        assert invitation.status == InvitationStatus.SENT
        assert invitation.send_after == ENDED + timedelta(minutes=30)  # the lease is gone
        assert Client().get(link_path(body)).status_code == 200


def test_an_invitation_claimed_by_another_worker_is_not_sent_twice(
    client, distribution, smtp_server
):
    post(client, report(distribution, delay_minutes=0))
    invitation = SurveyInvitation.objects.get()
    with time_machine.travel(ENDED + timedelta(minutes=1), tick=False) as clock:
        assert _claim_first_send(invitation.pk) is not None  # a worker mid-send
        assert invitations_send_due() == 0
        clock.shift(timedelta(minutes=11))  # that worker died: its lease ran out
        assert invitations_send_due() == 1
    assert len(smtp_server.bodies_to("erin@example.com")) == 1


def test_a_recently_surveyed_customer_is_skipped_with_the_reason(client, alice, distribution):
    customer = CustomerFactory.create(
        organization=alice.organization, external_id="CRM-7", email="erin@example.com"
    )
    ResponseFactory.create(
        organization=alice.organization, customer=customer, started_at=ENDED - timedelta(days=3)
    )
    body = post(client, report(distribution)).json()
    assert body["skipped"] == "recently_surveyed" and body["invitation"] is None
    assert body["interaction"] == Interaction.objects.get().pk
    assert not SurveyInvitation.objects.exists()


def test_an_opted_out_address_is_skipped_with_the_reason(client, alice, distribution):
    ContactOptOut.objects.create(organization=alice.organization, email="erin@example.com")
    body = post(client, report(distribution)).json()
    assert body["skipped"] == "opted_out" and not SurveyInvitation.objects.exists()


def test_the_customer_is_found_by_external_id_else_by_email(client, alice, distribution):
    by_email = CustomerFactory.create(
        organization=alice.organization, external_id="", email="Erin@Example.com", name=""
    )
    post(client, report(distribution))
    by_email.refresh_from_db()
    assert Customer.objects.count() == 1
    assert by_email.external_id == "CRM-7" and by_email.name == "Erin"  # blanks filled
    second = report(distribution, external_id="CALL-1002")
    second["customer"] = {"external_id": "CRM-7", "email": "new@example.com"}
    post(client, second)
    assert Customer.objects.count() == 1
    assert Interaction.objects.filter(customer=by_email).count() == 2


def test_another_organizations_distribution_is_404_and_nothing_is_recorded(charlie, distribution):
    response = post(api(charlie.api_token()), report(distribution))
    assert_problem(response, 404)
    assert not Interaction.objects.exists() and not Customer.objects.exists()


def test_a_distribution_that_is_not_email_is_400(client, alice, distribution):
    distribution.kind = ResponseChannel.LINK
    distribution.save()
    body = assert_problem(post(client, report(distribution)), 400)
    assert body["errors"] == {"distribution": "not_email"}
    assert not Interaction.objects.exists()


def test_an_agent_who_is_not_a_member_is_400(client, charlie, distribution):
    body = assert_problem(post(client, report(distribution, agent=charlie.user.email)), 400)
    assert body["errors"] == {"agent": "not_a_member"}
    assert not Interaction.objects.exists() and not Customer.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"channel": "pigeon"}, "channel"),
        ({"external_id": ""}, "external_id"),
        ({"customer": {"name": "No address"}}, "customer"),
        ({"delay_minutes": -5}, "delay_minutes"),
        ({"ended_at": "2025-06-01T00:00:00Z"}, "ended_at"),
        ({"hidden_fields": {f"k{n}": "v" for n in range(25)}}, "hidden_fields"),
    ],
)
def test_bad_reports_are_400_naming_the_field(client, distribution, change, field):
    body = assert_problem(post(client, report(distribution, **change)), 400)
    assert field in body.get("errors", {}), body
    assert not Interaction.objects.exists()


def test_a_viewer_token_cannot_report(alice, distribution):
    response = post(api(alice.api_token(role=Role.VIEWER)), report(distribution))
    assert_problem(response, 403)
