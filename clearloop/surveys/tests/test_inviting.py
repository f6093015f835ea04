"""Personal invitations by email: batches and their skip rules, delivery through a real
SMTP server on loopback, hashed tokens, failures and retries, reminders, opt-out, tenancy."""

from __future__ import annotations

import re
import secrets
import socket
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from clearloop.core.errors import NotFound, ValidationFailed
from clearloop.customers.tests.factories import CustomerFactory
from clearloop.surveys.inviting import (
    SkipReason,
    invitation_for_opt_out_code,
    invitation_opt_out,
    invitation_send,
    invitations_create,
    invitations_expire,
    reminders_send_due,
)
from clearloop.surveys.models import (
    ContactOptOut,
    Distribution,
    InvitationStatus,
    ResponseChannel,
    SurveyInvitation,
)
from clearloop.surveys.tasks import invitation_email_send
from clearloop.surveys.tests.conftest import build_survey
from clearloop.surveys.tests.factories import ResponseFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/i/[A-Za-z0-9_-]{43}/)(?=\s)")
OPT_OUT_LINK = re.compile(r"https?://[^/\s]+(/i/[^/\s]+/opt-out/)(?=\s)")


# --- Helpers (test_invitation_views.py uses them too) -----------------------------------


def email_distribution(organization, **fields) -> Distribution:
    """An email distribution on a fresh copy of the two-page delivery survey."""
    survey = build_survey(organization).survey
    return Distribution.objects.create(
        organization=organization,
        survey=survey,
        kind=ResponseChannel.EMAIL,
        name="Email",
        public_token=secrets.token_urlsafe(32),
        **fields,
    )


def invite(persona, distribution, customers, capture, **options):
    with capture(execute=True):
        return invitations_create(
            distribution=distribution, customers=customers, by=persona.membership, **options
        )


def link_path(body: str) -> str:
    match = LINK.search(body)
    assert match, body
    return match.group(1)


def opt_out_path(body: str) -> str:
    match = OPT_OUT_LINK.search(body)
    assert match, body
    return match.group(1)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens once the socket is closed


# --- Sending ---------------------------------------------------------------------------


def test_invitation_email_arrives_with_a_working_link_and_unsubscribe_headers(
    alice, smtp_server, settings, django_capture_on_commit_callbacks
):
    distribution = email_distribution(alice.organization)
    customer = CustomerFactory.create(organization=alice.organization, email="dana@example.com")
    batch = invite(alice, distribution, [customer], django_capture_on_commit_callbacks)
    [invitation] = batch.invitations
    [body] = smtp_server.bodies_to("dana@example.com")
    [message] = smtp_server.messages
    assert "Delivery survey" in message["Subject"]
    assert message["List-Unsubscribe"].strip() == f"<{settings.SITE_URL}{opt_out_path(body)}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT and invitation.sent_at is not None
    assert invitation.email == "dana@example.com" and invitation.error == ""
    page = Client().get(link_path(body))
    assert page.status_code == 200
    assert "How likely are you to recommend us" in page.content.decode()


def test_invitation_uses_the_customer_language_when_the_survey_has_it(
    alice, smtp_server, django_capture_on_commit_callbacks
):
    distribution = email_distribution(alice.organization)
    japanese = CustomerFactory.create(organization=alice.organization, language="ja")
    chinese = CustomerFactory.create(organization=alice.organization, language="zh-hans")
    batch = invite(alice, distribution, [japanese, chinese], django_capture_on_commit_callbacks)
    languages = {invitation.customer_id: invitation.language for invitation in batch.invitations}
    assert languages == {japanese.pk: "ja", chinese.pk: "en"}  # no Chinese texts: default
    [body] = smtp_server.bodies_to(japanese.email)
    page = Client().get(link_path(body)).content.decode()
    assert '<html lang="ja">' in page and "友人や同僚" in page


def test_the_token_is_stored_only_as_its_digest(
    alice, smtp_server, django_capture_on_commit_callbacks
):
    distribution = email_distribution(alice.organization)
    customer = CustomerFactory.create(organization=alice.organization)
    invite(alice, distribution, [customer], django_capture_on_commit_callbacks)
    token = link_path(smtp_server.bodies_to(customer.email)[0]).split("/")[2]
    assert len(token) >= 43  # 32 random bytes, base64: 256 bits
    import hashlib

    invitation = SurveyInvitation.objects.get()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    table = SurveyInvitation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 -- a fixed table name
        row = cursor.fetchall()
    assert token not in repr(row)


def test_sending_again_sends_nothing(alice, smtp_server, django_capture_on_commit_callbacks):
    distribution = email_distribution(alice.organization)
    customer = CustomerFactory.create(organization=alice.organization)
    [invitation] = invite(
        alice, distribution, [customer], django_capture_on_commit_callbacks
    ).invitations
    assert invitation_send(invitation_id=invitation.pk) is False
    assert len(smtp_server.bodies_to(customer.email)) == 1


def test_a_failed_smtp_send_marks_the_invitation_failed_and_a_retry_sends_it(
    alice, smtp_server, settings, django_capture_on_commit_callbacks
):
    distribution = email_distribution(alice.organization)
    customer = CustomerFactory.create(organization=alice.organization)
    settings.EMAIL_PORT = closed_port()
    [invitation] = invite(
        alice, distribution, [customer], django_capture_on_commit_callbacks
    ).invitations
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.FAILED
    assert "Connection refused" in invitation.error or invitation.error
    assert invitation.sent_at is None
    settings.EMAIL_PORT = smtp_server.port
    invitation_email_send.enqueue(invitation_id=invitation.pk)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT and invitation.error == ""
    [body] = smtp_server.bodies_to(customer.email)
    assert Client().get(link_path(body)).status_code == 200


# --- Batches and their rules -----------------------------------------------------------


def test_contact_frequency_skips_recently_surveyed_customers_and_says_why(
    alice, smtp_server, django_capture_on_commit_callbacks
):
    organization = alice.organization
    distribution = email_distribution(organization, contact_frequency_days=30)
    other_survey = build_survey(organization)
    version = other_survey.survey.versions.get()
    fresh = CustomerFactory.create(organization=organization)
    answered_lately = CustomerFactory.create(organization=organization)
    answered_long_ago = CustomerFactory.create(organization=organization)
    no_email = CustomerFactory.create(organization=organization, email="")
    now = timezone.now()
    ResponseFactory(version=version, customer=answered_lately, started_at=now - timedelta(days=5))
    ResponseFactory(
        version=version, customer=answered_long_ago, started_at=now - timedelta(days=45)
    )
    batch = invite(
        alice,
        distribution,
        [fresh, answered_lately, answered_long_ago, no_email],
        django_capture_on_commit_callbacks,
    )
    assert {i.customer_id for i in batch.invitations} == {fresh.pk, answered_long_ago.pk}
    assert batch.skipped == {
        SkipReason.RECENTLY_SURVEYED: [answered_lately.pk],
        SkipReason.NO_EMAIL: [no_email.pk],
    }
    assert batch.skipped_counts == {"recently_surveyed": 1, "no_email": 1}
    # Invited today through another survey of the organization: skipped the next time.
    again = invite(
        alice,
        email_distribution(organization),
        [fresh, answered_long_ago],
        django_capture_on_commit_callbacks,
    )
    assert again.invitations == []
    assert again.skipped == {SkipReason.RECENTLY_SURVEYED: [fresh.pk, answered_long_ago.pk]}


def test_invitations_are_recorded_with_hidden_fields_and_expiry(alice, smtp_server):
    distribution = email_distribution(alice.organization)
    customer = CustomerFactory.create(organization=alice.organization)
    batch = invitations_create(
        distribution=distribution,
        customers=[customer, customer],
        by=alice.membership,
        hidden_fields={"order": "A-1001"},
        expires_in=timedelta(days=3),
    )
    [invitation] = batch.invitations
    assert invitation.status == InvitationStatus.QUEUED
    assert invitation.hidden_fields == {"order": "A-1001"}
    assert timedelta(days=2, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=3)


def test_an_opt_out_is_honoured_by_later_batches_of_the_same_organization_only(
    alice, charlie, smtp_server, django_capture_on_commit_callbacks
):
    distribution = email_distribution(alice.organization, contact_frequency_days=0)
    customer = CustomerFactory.create(organization=alice.organization, email="Erin@Example.com")
    invite(alice, distribution, [customer], django_capture_on_commit_callbacks)
    code = opt_out_path(smtp_server.bodies_to("Erin@Example.com")[0]).split("/")[2]
    assert invitation_opt_out(code=code) is True
    assert ContactOptOut.objects.get().email == "erin@example.com"
    later = invite(
        alice,
        email_distribution(alice.organization),
        [customer],
        django_capture_on_commit_callbacks,
    )
    assert later.invitations == [] and later.skipped == {SkipReason.OPTED_OUT: [customer.pk]}
    # Another organization's customer with the same address is not affected.
    theirs = CustomerFactory.create(organization=charlie.organization, email="erin@example.com")
    elsewhere = invite(
        charlie,
        email_distribution(charlie.organization),
        [theirs],
        django_capture_on_commit_callbacks,
    )
    assert len(elsewhere.invitations) == 1


def test_an_opt_out_between_queueing_and_sending_stops_the_email(
    alice, smtp_server, django_capture_on_commit_callbacks
):
    distribution = email_distribution(alice.organization)
    customer = CustomerFactory.create(organization=alice.organization)
    [invitation] = invitations_create(
        distribution=distribution, customers=[customer], by=alice.membership
    ).invitations
    ContactOptOut.objects.create(organization=alice.organization, email=customer.email.lower())
    assert invitation_send(invitation_id=invitation.pk) is False
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.OPTED_OUT
    assert smtp_server.messages == []


def test_a_forged_opt_out_code_is_refused(alice):
    assert invitation_for_opt_out_code("1:forged") is None
    assert invitation_opt_out(code="1:forged") is False
    assert not ContactOptOut.objects.exists()


def test_only_email_distributions_of_live_surveys_take_invitations(alice):
    link = build_survey(alice.organization)
    customer = CustomerFactory.create(organization=alice.organization)
    with pytest.raises(ValidationFailed):
        invitations_create(distribution=link, customers=[customer], by=alice.membership)


# --- Tenancy ---------------------------------------------------------------------------


def test_charlie_cannot_invite_acme_customers(alice, charlie):
    acme_customer = CustomerFactory.create(organization=alice.organization)
    with pytest.raises(NotFound):
        invitations_create(
            distribution=email_distribution(charlie.organization),
            customers=[acme_customer],
            by=charlie.membership,
        )
    with pytest.raises(NotFound):
        invitations_create(
            distribution=email_distribution(alice.organization),
            customers=[acme_customer],
            by=charlie.membership,
        )
    assert not SurveyInvitation.objects.exists()


def test_an_agent_cannot_send_invitations(bob):
    from clearloop.core.errors import PermissionDenied

    customer = CustomerFactory.create(organization=bob.organization)
    with pytest.raises(PermissionDenied):
        invitations_create(
            distribution=email_distribution(bob.organization),
            customers=[customer],
            by=bob.membership,
        )


# --- Reminders and expiry --------------------------------------------------------------


def _answer(client: Client, path: str) -> None:
    page = client.get(path).content.decode()
    assert "q-nps" in page
    first = client.post(path, {"page": 1, "language": "en", "q-nps": "10"})
    assert first.status_code == 302
    done = client.post(path, {"page": 2, "language": "en", "q-promoter_reason": "fast"})
    assert done.status_code == 302 and done["Location"].endswith("/thanks/?lang=en")


def test_reminders_go_only_to_non_respondents_after_the_delay_at_most_reminder_count_times(
    alice, smtp_server, django_capture_on_commit_callbacks
):
    distribution = email_distribution(alice.organization, reminder_count=2, reminder_delay_hours=48)
    answers, ignores = CustomerFactory.create_batch(2, organization=alice.organization)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        invite(alice, distribution, [answers, ignores], django_capture_on_commit_callbacks)
        _answer(Client(), link_path(smtp_server.bodies_to(answers.email)[0]))
        clock.shift(timedelta(hours=47))
        assert reminders_send_due() == 0
        clock.shift(timedelta(hours=2))
        assert reminders_send_due() == 1
        assert reminders_send_due() == 0  # a second run the same hour sends nothing
        clock.shift(timedelta(hours=47))
        assert reminders_send_due() == 0
        clock.shift(timedelta(hours=2))
        assert reminders_send_due() == 1
        clock.shift(timedelta(days=5))
        assert reminders_send_due() == 0
    assert len(smtp_server.bodies_to(answers.email)) == 1
    bodies = smtp_server.bodies_to(ignores.email)
    assert len(bodies) == 3
    assert "new link" in bodies[1]
    invitation = SurveyInvitation.objects.get(customer=ignores)
    assert invitation.reminders_sent == 2 and invitation.next_reminder_at is None
    assert SurveyInvitation.objects.get(customer=answers).status == InvitationStatus.ANSWERED


def test_a_reminder_link_works_and_the_previous_one_does_not(
    alice, smtp_server, django_capture_on_commit_callbacks
):
    distribution = email_distribution(alice.organization)
    customer = CustomerFactory.create(organization=alice.organization)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        invite(alice, distribution, [customer], django_capture_on_commit_callbacks)
        clock.shift(timedelta(hours=73))
        assert reminders_send_due() == 1
        first, reminder = smtp_server.bodies_to(customer.email)
        assert Client().get(link_path(first)).status_code == 404
        assert Client().get(link_path(reminder)).status_code == 200
        # The opt-out link of the first email still works.
        assert Client().get(opt_out_path(first)).status_code == 200


def test_a_failed_reminder_keeps_the_previous_link_and_is_tried_again(
    alice, smtp_server, settings, django_capture_on_commit_callbacks
):
    distribution = email_distribution(alice.organization)
    customer = CustomerFactory.create(organization=alice.organization)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        invite(alice, distribution, [customer], django_capture_on_commit_callbacks)
        [first] = smtp_server.bodies_to(customer.email)
        clock.shift(timedelta(hours=73))
        settings.EMAIL_PORT = closed_port()
        assert reminders_send_due() == 0
        invitation = SurveyInvitation.objects.get()
        assert invitation.reminders_sent == 0 and invitation.error
        assert Client().get(link_path(first)).status_code == 200
        settings.EMAIL_PORT = smtp_server.port
        clock.shift(timedelta(hours=1))
        assert reminders_send_due() == 1
    assert len(smtp_server.bodies_to(customer.email)) == 2


def test_expired_invitations_get_no_reminders_and_their_links_close(
    alice, smtp_server, django_capture_on_commit_callbacks
):
    distribution = email_distribution(alice.organization, reminder_delay_hours=72)
    customer = CustomerFactory.create(organization=alice.organization)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        invite(
            alice,
            distribution,
            [customer],
            django_capture_on_commit_callbacks,
            expires_in=timedelta(days=2),
        )
        [body] = smtp_server.bodies_to(customer.email)
        assert Client().get(link_path(body)).status_code == 200
        clock.shift(timedelta(days=2, minutes=1))
        assert Client().get(link_path(body)).status_code == 404
        clock.shift(timedelta(days=2))
        assert reminders_send_due() == 0
        assert invitations_expire() == 0  # the reminder run expired it already
    assert SurveyInvitation.objects.get().status == InvitationStatus.EXPIRED
    assert len(smtp_server.bodies_to(customer.email)) == 1


# --- Delayed sends and the funnel --------------------------------------------------------


def test_a_delayed_invitation_waits_until_due_and_expires_counting_from_then(
    alice, smtp_server, django_capture_on_commit_callbacks
):
    from clearloop.surveys.inviting import invitations_send_due

    distribution = email_distribution(alice.organization)
    customer = CustomerFactory.create(organization=alice.organization)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        [invitation] = invite(
            alice,
            distribution,
            [customer],
            django_capture_on_commit_callbacks,
            send_after=start + timedelta(hours=1),
        ).invitations
        assert invitation.expires_at == start + timedelta(hours=1, days=14)
        assert smtp_server.messages == []
        assert invitation_send(invitation_id=invitation.pk) is False  # not before its time
        clock.shift(timedelta(minutes=59))
        assert invitations_send_due() == 0
        clock.shift(timedelta(minutes=1))
        assert invitations_send_due() == 1
        assert invitations_send_due() == 0
    assert len(smtp_server.bodies_to(customer.email)) == 1


def test_a_queued_delayed_invitation_counts_for_the_contact_frequency_rule(
    alice, django_capture_on_commit_callbacks
):
    distribution = email_distribution(alice.organization)
    customer = CustomerFactory.create(organization=alice.organization)
    later = timezone.now() + timedelta(hours=2)
    invite(alice, distribution, [customer], django_capture_on_commit_callbacks, send_after=later)
    batch = invite(alice, distribution, [customer], django_capture_on_commit_callbacks)
    assert batch.invitations == []
    assert batch.skipped == {SkipReason.RECENTLY_SURVEYED: [customer.pk]}


def test_the_funnel_is_counted_in_one_query(
    alice, smtp_server, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from clearloop.surveys.selectors import invitation_funnel

    distribution = email_distribution(alice.organization)
    customers = CustomerFactory.create_batch(3, organization=alice.organization)
    batch = invite(alice, distribution, customers, django_capture_on_commit_callbacks)
    first, second, _third = batch.invitations
    SurveyInvitation.objects.filter(pk=first.pk).update(opened_at=timezone.now())
    answered = ResponseFactory.create(
        organization=alice.organization, version=distribution.survey.versions.get()
    )
    SurveyInvitation.objects.filter(pk=second.pk).update(
        status=InvitationStatus.ANSWERED, response=answered
    )
    with django_assert_num_queries(1):
        funnel = invitation_funnel(survey=distribution.survey, distribution=distribution)
    assert (funnel.sent, funnel.opened, funnel.answered) == (3, 2, 1)
    assert funnel.by_status["sent"] == 2 and funnel.by_status["answered"] == 1
    assert funnel.total == 3
    rate = funnel.response_rate(minimum_n=1)
    assert rate is not None and round(rate.value) == 33
