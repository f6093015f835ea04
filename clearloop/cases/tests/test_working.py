"""Working a case: status moves pause and resume the SLA clock, replies go out by email and
the customer's reply threads back, notes mention teammates, hand-offs, resolving needs a
root cause, the follow-up survey lands on the case, the sweep warns and escalates."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from clearloop.accounts.models import Team
from clearloop.cases import messaging, services, sweeping
from clearloop.cases.follow_up import recovery_rates
from clearloop.cases.models import (
    AppendOnlyError,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseFollowUp,
    CasePriority,
    CaseStatus,
    Notification,
    TeamSetup,
)
from clearloop.cases.tests.conftest import nps_survey, submit
from clearloop.core.errors import Conflict, ValidationFailed
from clearloop.intake.services import intake_email_rotate
from clearloop.surveys.inviting import invitation_for_token
from clearloop.surveys.models import ResponseChannel, SurveyInvitation

pytestmark = pytest.mark.django_db
UTC = dt.UTC
MONDAY_10 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def case(acme, policy, customer, bob):
    with time_machine.travel(MONDAY_10, tick=False):
        opened, _created = services.case_open(
            organization=acme, subject="Late parcel", by=bob.membership, customer=customer
        )
    return opened


def test_events_are_append_only(case):
    event = CaseEvent.objects.filter(case=case).first()
    event.body = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()


def test_waiting_on_the_customer_pauses_the_clock_and_moves_the_due_time(case, bob):
    due_before = case.resolution_due_at
    with time_machine.travel(dt.datetime(2026, 3, 2, 11, 0, tzinfo=UTC), tick=False):
        services.case_change_status(
            case=case, status=CaseStatus.WAITING_ON_CUSTOMER, by=bob.membership
        )
    case.refresh_from_db()
    assert case.paused_at is not None and case.resolution_due_at is None
    # resumed Tuesday 11:00: eight working hours were spent waiting
    with time_machine.travel(dt.datetime(2026, 3, 3, 11, 0, tzinfo=UTC), tick=False):
        services.case_change_status(case=case, status=CaseStatus.OPEN, by=bob.membership)
    case.refresh_from_db()
    assert case.paused_seconds == 8 * 3600
    assert case.resolution_due_at == due_before + dt.timedelta(days=1)


def test_resolving_needs_root_cause_and_corrective_action(case, bob):
    with pytest.raises(ValidationFailed) as error:
        services.case_resolve(case=case, root_cause="", corrective_action=" ", by=bob.membership)
    assert set(error.value.fields) == {"root_cause", "corrective_action"}
    with pytest.raises(ValidationFailed):
        services.case_change_status(case=case, status=CaseStatus.RESOLVED, by=bob.membership)
    services.case_resolve(
        case=case, root_cause="delivery", corrective_action="Resent", by=bob.membership
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED and case.resolved_at is not None
    with pytest.raises(Conflict):
        services.case_resolve(
            case=case, root_cause="delivery", corrective_action="Again", by=bob.membership
        )


def test_a_note_mentions_a_teammate(case, bob, alice):
    services.case_add_note(case=case, body="@alice can you approve a refund?", by=bob.membership)
    assert Notification.objects.filter(user=alice.user, kind=Notification.Kind.MENTION).exists()


def test_hand_off_moves_to_the_other_team_with_a_note(acme, case, bob, alice):
    billing = Team.objects.create(organization=acme, name="Billing")
    billing.members.add(alice.user)
    TeamSetup.objects.create(organization=acme, team=billing)
    services.case_hand_off(case=case, team=billing, note="Refund needed @alice", by=bob.membership)
    case.refresh_from_db()
    assert case.team == billing and case.owner == alice.user
    kinds = list(case.events.values_list("kind", flat=True))
    assert CaseEventKind.TEAM in kinds and CaseEventKind.NOTE in kinds


def _raw_reply(subject: str, body: str, message_id: str = "<r1@example.com>") -> bytes:
    message = EmailMessage()
    message["From"] = "Mia Wong <mia@example.com>"
    message["To"] = "support@acme.test"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message.set_content(body)
    return message.as_bytes()


def test_customer_email_reply_reopens_a_case_waiting_on_the_customer(
    client, acme, alice, case, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        messaging.case_reply(case=case, body="Could you send the order number?", by=bob.membership)
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING_ON_CUSTOMER and case.first_responded_at is not None
    sent = mail.outbox[-1]
    assert sent.to == ["mia@example.com"]
    assert messaging.reply_reference(case) in sent.subject
    token = intake_email_rotate(organization=acme, by=alice.membership)
    raw = _raw_reply(
        f"Re: {sent.subject}", "It is order 1234.\n\n> Could you send the order number?"
    )
    url = reverse("api:intake_email", args=[token])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data=raw, content_type="message/rfc822").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # a relay retry threads once
        client.post(url, data=raw, content_type="message/rfc822")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    incoming = case.events.filter(kind=CaseEventKind.MESSAGE_IN)
    assert incoming.count() == 1 and "order 1234" in incoming.get().body
    assert Notification.objects.filter(
        user=bob.user, kind=Notification.Kind.CUSTOMER_REPLY
    ).exists()
    assert not Case.objects.exclude(pk=case.pk).exists()  # the reply opened no new case


def test_a_forged_reference_threads_nothing(
    acme, case, alice, client, django_capture_on_commit_callbacks
):
    token = intake_email_rotate(organization=acme, by=alice.membership)
    raw = _raw_reply(f"Re: [{case.reference}-AAAAAAAAAA] hello", "hi")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("api:intake_email", args=[token]), data=raw, content_type="message/rfc822"
        )
    assert not case.events.filter(kind=CaseEventKind.MESSAGE_IN).exists()


def test_the_status_page_shows_progress_and_nothing_else(
    client, case, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        messaging.case_reply(case=case, body="We are on it.", by=bob.membership)
    services.case_add_note(case=case, body="internal: customer is difficult", by=bob.membership)
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/c/" in line)
    path = link[link.index("/c/") :]
    page = client.get(path)
    assert page.status_code == 200
    content = page.content.decode()
    assert "We are on it." in content and case.reference in content
    assert "internal" not in content and "Bob" not in content
    assert client.get("/c/not-a-token/").status_code == 404
    case.refresh_from_db()
    assert path.split("/")[2] not in case.status_token_hash  # stored hashed


@pytest.fixture
def follow_up_link(acme):
    distribution = nps_survey(acme, kind=ResponseChannel.EMAIL, name="Did we solve it?")
    settings_row = services.settings_for(acme.pk)
    settings_row.follow_up_distribution = distribution
    settings_row.save()
    return distribution


def test_follow_up_survey_answer_is_linked_back_and_counts_as_recovery(
    acme, detractor_rule, link, customer, bob, follow_up_link, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(link, nps=2, customer=customer)
    case = Case.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.case_resolve(
            case=case,
            root_cause="delivery",
            corrective_action="Refunded",
            by=bob.membership,
            send_follow_up=True,
        )
    invitation = SurveyInvitation.objects.get(distribution=follow_up_link)
    assert invitation.hidden_fields == {"case": str(case.pk)}
    body = mail.outbox[-1].body
    token = next(part for part in body.split() if "/i/" in part).rstrip("/").split("/")[-1]
    assert invitation_for_token(token=token) == invitation
    from clearloop.surveys.inviting import invitation_response_complete, invitation_response_start
    from clearloop.surveys.responding import response_save_page

    with django_capture_on_commit_callbacks(execute=True):
        response = invitation_response_start(invitation=invitation, language="en")
        response_save_page(response=response, page=1, answers={"nps": 9})
        invitation_response_complete(invitation=invitation, response=response)
    follow_up = CaseFollowUp.objects.get(case=case)
    assert follow_up.response == response and follow_up.nps == 9
    assert case.events.filter(kind=CaseEventKind.FOLLOW_UP_ANSWERED).exists()
    assert Case.objects.count() == 1  # the follow-up answer opened nothing
    rates = recovery_rates(organization_id=acme.pk)
    assert rates["all"] == {"detractors": 1, "answered": 1, "recovered": 1, "rate": 1.0}
    assert rates["with_goodwill"]["detractors"] == 0


def test_goodwill_offers_are_attached_once(acme, case, bob, alice):
    offer = services.goodwill_offer_create(
        organization=acme,
        by=alice.membership,
        name="10% off",
        kind="discount_code",
        value="SORRY10",
    )
    services.goodwill_attach(case=case, offer=offer, by=bob.membership)
    services.goodwill_attach(case=case, offer=offer, by=bob.membership)
    assert case.goodwill.count() == 1
    assert recovery_rates(organization_id=acme.pk)["all"]["detractors"] == 0


def test_the_sweep_warns_then_breaches_and_escalates(acme, case, bob, alice):
    escalation = Team.objects.create(organization=acme, name="Escalations")
    escalation.members.add(alice.user)
    TeamSetup.objects.filter(team=case.team).update(escalation_team=escalation)
    first_due = case.first_response_due_at
    assert case.priority == CasePriority.LOW  # no score, no orders: low x low
    assert first_due == dt.datetime(2026, 3, 3, 10, 0, tzinfo=UTC)  # 8 working hours
    sweeping.sla_sweep(now=first_due - dt.timedelta(minutes=30))
    case.refresh_from_db()
    assert case.warned_at is not None
    assert (
        Notification.objects.filter(user=bob.user, kind=Notification.Kind.SLA_WARNING).count() == 1
    )
    sweeping.sla_sweep(now=first_due - dt.timedelta(minutes=10))  # warns once
    assert Notification.objects.filter(kind=Notification.Kind.SLA_WARNING).count() == 1
    sweeping.sla_sweep(now=first_due + dt.timedelta(minutes=1))
    case.refresh_from_db()
    assert case.breached_at is not None
    assert case.team == escalation and case.owner == alice.user
    assert case.priority == CasePriority.NORMAL  # one step up
    sweeping.sla_sweep(now=first_due + dt.timedelta(minutes=5))
    assert case.events.filter(kind=CaseEventKind.SLA_BREACH).count() == 1


def test_a_paused_case_never_breaches(case, bob):
    with time_machine.travel(MONDAY_10 + dt.timedelta(minutes=5), tick=False):
        services.case_change_status(
            case=case, status=CaseStatus.WAITING_ON_CUSTOMER, by=bob.membership
        )
    sweeping.sla_sweep(now=MONDAY_10 + dt.timedelta(days=10))
    case.refresh_from_db()
    assert case.breached_at is None


def test_assignment_notifies_by_email(case, alice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.case_assign(case=case, owner=alice.user, by=bob.membership)
    assert any(
        case.reference in message.subject
        for message in mail.outbox
        if message.to == [alice.user.email]
    )


def test_guessing_status_tokens_is_rate_limited(client):
    from django.core.cache import cache

    cache.clear()
    for attempt in range(30):
        assert client.get(f"/c/guess-{attempt}/").status_code == 404
    assert client.get("/c/guess-again/").status_code == 429
