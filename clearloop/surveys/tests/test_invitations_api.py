"""The invitations API of an email distribution: list with filters (never the token
hash), invite by customer id or by address, one invitation, resend under the token model,
distribution delivery settings, tenancy and roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clearloop.accounts.roles import Role
from clearloop.accounts.tests.test_api import api, assert_problem
from clearloop.customers.models import Customer
from clearloop.customers.tests.factories import CustomerFactory
from clearloop.surveys.models import ContactOptOut, InvitationStatus, SurveyInvitation
from clearloop.surveys.tests.test_inviting import email_distribution, link_path

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def distribution(alice):
    return email_distribution(alice.organization, reminder_count=1)


@pytest.fixture
def client(alice):
    return api(alice.api_token())


def base(distribution) -> str:
    return f"/api/v1/surveys/{distribution.survey_id}/distributions/{distribution.pk}/invitations/"


def invite(client, distribution, body, capture):
    with capture(execute=True):
        return client.post(base(distribution), body, content_type=JSON)


def test_invite_by_ids_and_addresses_lists_created_and_skipped(
    client, alice, distribution, smtp_server, django_capture_on_commit_callbacks
):
    known = CustomerFactory.create(organization=alice.organization, email="kim@example.com")
    ContactOptOut.objects.create(organization=alice.organization, email="out@example.com")
    body = {
        "customers": [known.pk],
        "contacts": [
            {
                "email": "new@example.com",
                "name": "Nia",
                "language": "ja",
                "hidden_fields": {"o": "1"},
            },
            {"email": "out@example.com"},
        ],
        "hidden_fields": {"campaign": "spring"},
    }
    response = invite(client, distribution, body, django_capture_on_commit_callbacks)
    assert response.status_code == 201, response.content
    created = response.json()["created"]
    assert sorted(item["email"] for item in created) == ["kim@example.com", "new@example.com"]
    new = next(item for item in created if item["email"] == "new@example.com")
    assert new["language"] == "ja" and new["hidden_fields"] == {"campaign": "spring", "o": "1"}
    [skipped] = response.json()["skipped"]
    assert skipped["email"] == "out@example.com" and skipped["reason"] == "opted_out"
    assert Customer.objects.filter(email="new@example.com", name="Nia").exists()
    assert len(smtp_server.messages) == 2


def test_list_filters_and_never_shows_the_token(
    client, alice, distribution, smtp_server, django_capture_on_commit_callbacks
):
    customers = CustomerFactory.create_batch(3, organization=alice.organization)
    invite(
        client,
        distribution,
        {"customers": [c.pk for c in customers]},
        django_capture_on_commit_callbacks,
    )
    SurveyInvitation.objects.filter(customer=customers[0]).update(status=InvitationStatus.EXPIRED)
    listed = client.get(base(distribution))
    assert listed.status_code == 200
    assert len(listed.json()["results"]) == 3
    assert all("token" not in key for item in listed.json()["results"] for key in item)
    expired = client.get(base(distribution), {"status": "expired"}).json()["results"]
    assert [item["customer"] for item in expired] == [customers[0].pk]
    by_email = client.get(base(distribution), {"email": customers[1].email.upper()}).json()
    assert [item["customer"] for item in by_email["results"]] == [customers[1].pk]
    by_customer = client.get(base(distribution), {"customer": customers[2].pk}).json()
    assert [item["customer"] for item in by_customer["results"]] == [customers[2].pk]
    assert_problem(client.get(base(distribution), {"status": "lost"}), 400)
    one = client.get(f"{base(distribution)}{expired[0]['id']}/").json()
    assert one["status"] == "expired" and "token_hash" not in one


def test_bad_bodies_are_400_and_unknown_customers_404(client, alice, charlie, distribution):
    assert_problem(client.post(base(distribution), {}, content_type=JSON), 400)
    too_many = {"contacts": [{"email": f"p{n}@example.com"} for n in range(1001)]}
    assert_problem(client.post(base(distribution), too_many, content_type=JSON), 400)
    bad_email = {"contacts": [{"email": "not-an-address"}]}
    assert_problem(client.post(base(distribution), bad_email, content_type=JSON), 400)
    foreign = CustomerFactory.create(organization=charlie.organization)
    assert_problem(
        client.post(base(distribution), {"customers": [foreign.pk]}, content_type=JSON), 404
    )
    assert not SurveyInvitation.objects.exists()


def test_resend_of_a_sent_invitation_is_a_reminder_with_a_fresh_link(
    client, alice, distribution, smtp_server, django_capture_on_commit_callbacks
):
    customer = CustomerFactory.create(organization=alice.organization)
    invite(client, distribution, {"customers": [customer.pk]}, django_capture_on_commit_callbacks)
    invitation = SurveyInvitation.objects.get()
    url = f"{base(distribution)}{invitation.pk}/resend/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 202, response.content
    first, second = smtp_server.bodies_to(customer.email)
    assert link_path(first) != link_path(second)
    assert api().get(link_path(first)).status_code == 404
    assert api().get(link_path(second)).status_code == 200
    invitation.refresh_from_db()
    assert invitation.reminders_sent == 1
    # The distribution allows one reminder: it is spent.
    assert_problem(client.post(url), 409)


def test_resend_of_a_failed_invitation_sends_it(
    client, alice, distribution, smtp_server, django_capture_on_commit_callbacks
):
    customer = CustomerFactory.create(organization=alice.organization)
    invitation = SurveyInvitation.objects.create(
        organization=alice.organization,
        distribution=distribution,
        customer=customer,
        email=customer.email,
        language="en",
        token_hash="f" * 64,
        status=InvitationStatus.FAILED,
        expires_at=timezone.now() + timedelta(days=3),
        error="ConnectionRefusedError()",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{base(distribution)}{invitation.pk}/resend/")
    assert response.status_code == 202
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT and invitation.error == ""
    assert len(smtp_server.bodies_to(customer.email)) == 1


def test_distribution_delivery_settings_are_validated(client, distribution):
    url = f"/api/v1/surveys/{distribution.survey_id}/distributions/{distribution.pk}/"
    good = {
        "send_delay_minutes": 45,
        "allowed_origins": ["https://Shop.example.com", "http://localhost:8000"],
    }
    response = client.patch(url, good, content_type=JSON)
    assert response.status_code == 200, response.content
    assert response.json()["allowed_origins"] == [
        "https://shop.example.com",
        "http://localhost:8000",
    ]
    assert response.json()["send_delay_minutes"] == 45
    for origins in (
        ["http://shop.example.com"],
        ["https://shop.example.com/path"],
        ["https://*.example.com"],
        ["shop.example.com"],
        [f"https://s{n}.example.com" for n in range(21)],
    ):
        assert_problem(client.patch(url, {"allowed_origins": origins}, content_type=JSON), 400)
    distribution.refresh_from_db()
    assert distribution.allowed_origins == ["https://shop.example.com", "http://localhost:8000"]


def test_every_invitation_route_is_404_for_another_organization(
    alice, charlie, distribution, django_capture_on_commit_callbacks
):
    customer = CustomerFactory.create(organization=alice.organization)
    invite(
        api(alice.api_token()),
        distribution,
        {"customers": [customer.pk]},
        django_capture_on_commit_callbacks,
    )
    invitation = SurveyInvitation.objects.get()
    client = api(charlie.api_token())
    assert_problem(client.get(base(distribution)), 404)
    assert_problem(
        client.post(
            base(distribution), {"contacts": [{"email": "x@example.com"}]}, content_type=JSON
        ),
        404,
    )
    assert_problem(client.get(f"{base(distribution)}{invitation.pk}/"), 404)
    assert_problem(client.post(f"{base(distribution)}{invitation.pk}/resend/"), 404)
    assert SurveyInvitation.objects.count() == 1


def test_a_link_distribution_has_no_invitations(client, alice):
    from clearloop.surveys.tests.conftest import build_survey

    link = build_survey(alice.organization)
    assert_problem(client.get(base(link)), 404)


def test_a_viewer_reads_but_cannot_invite_or_resend(alice, distribution):
    client = api(alice.api_token(role=Role.VIEWER))
    assert client.get(base(distribution)).status_code == 200
    body = {"contacts": [{"email": "x@example.com"}]}
    assert_problem(client.post(base(distribution), body, content_type=JSON), 403)
    assert not SurveyInvitation.objects.exists()
