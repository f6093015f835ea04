"""The demo's distributions and email invitations: every response comes through a
distribution of its channel, the invitation funnel is believable, the contact frequency
holds, and the worker's reminder run has due reminders to send, to non-respondents only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from io import StringIO
from itertools import pairwise

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import F, QuerySet
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from clearloop.accounts.models import Organization
from clearloop.demo.generator import generate_plan
from clearloop.demo.plan import DemoPlan
from clearloop.demo.reference import CUSTOMER_EMAIL_DOMAINS, OWNER
from clearloop.demo.services import demo_organization
from clearloop.demo.timeline import Timeline
from clearloop.surveys.inviting import reminders_send_due
from clearloop.surveys.models import (
    ContactOptOut,
    Distribution,
    InvitationStatus,
    Response,
    ResponseChannel,
    Survey,
    SurveyInvitation,
)
from clearloop.surveys.selectors import distributions_with_counts, invitation_funnel

# As in test_seed_demo.py: one fixed today keeps any failure reproducible.
TODAY = dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC)
HORIZON = Timeline.ending_before(dt.date(2025, 6, 2)).horizon  # where the demo's data ends
FREQUENCY = dt.timedelta(days=30)


@pytest.fixture
def demo(db: None) -> Organization:
    with time_machine.travel(TODAY, tick=True):
        call_command("seed_demo", "--customers=60", "--responses=300", stdout=StringIO())
    organization = demo_organization()
    assert organization is not None
    return organization


@pytest.fixture(scope="module")
def plan() -> DemoPlan:
    """The default size, where rates are meaningful."""
    return generate_plan(seed=7, customers=600, responses=3000, anchor=dt.date(2025, 6, 1))


def _invitations(organization: Organization) -> QuerySet[SurveyInvitation]:
    return SurveyInvitation.objects.for_organization(organization)


# --- Distributions ---------------------------------------------------------------------


def test_every_demo_response_comes_through_a_distribution_of_its_channel(
    demo: Organization,
) -> None:
    responses = Response.objects.for_organization(demo)

    assert responses.exists()
    assert not responses.filter(distribution=None).exists()
    assert not responses.exclude(distribution__kind=F("channel")).exists()
    assert not responses.exclude(distribution__survey=F("survey")).exists()
    assert set(responses.values_list("channel", flat=True)) == set(ResponseChannel.values)


def test_surveys_reach_customers_by_email_widget_qr_code_link_and_api(
    demo: Organization,
) -> None:
    distributions = Distribution.objects.for_organization(demo).select_related("survey")
    by_name = {(d.survey.name, d.kind): d for d in distributions}

    after_contact = by_name["Post-support CSAT", "email"]
    assert after_contact.send_delay_minutes == 60
    assert (after_contact.contact_frequency_days, after_contact.reminder_count) == (30, 1)
    assert after_contact.reminder_delay_hours == 72
    assert by_name["Post-support CSAT", "widget"].allowed_origins == [
        "https://shop.lumen-home.example"
    ]
    assert ("Delivery experience", "qr") in by_name and ("Showroom visit", "qr") in by_name
    assert ("Relationship NPS", "api") in by_name
    assert all(not d.allowed_origins for d in distributions if d.kind != "widget")


def test_per_distribution_counts_are_those_of_the_responses(demo: Organization) -> None:
    for survey in Survey.objects.for_organization(demo).filter(status="live"):
        counted = {d.kind: d.completed_count for d in distributions_with_counts(survey=survey)}
        completed = Response.objects.filter(survey=survey, completed_at__isnull=False)

        assert sum(counted.values()) == completed.count() > 0
        assert counted["email"] > 0
        assert all(
            count == completed.filter(channel=kind).count() for kind, count in counted.items()
        )


def test_the_demo_owner_sees_distributions_and_invitations_in_the_app(
    demo: Organization, settings
) -> None:
    settings.AXES_ENABLED = False  # Axes wants a real request to count failures
    client = Client()
    assert client.login(email=OWNER.email, password=settings.CLEARLOOP_DEMO_PASSWORD)
    for distribution in Distribution.objects.for_organization(demo).select_related("survey"):
        survey = distribution.survey
        pages = [
            reverse("web:survey_results", args=[survey.pk]),
            reverse("web:survey_distributions", args=[survey.pk]),
        ]
        if distribution.kind == "email":
            invitations = [survey.pk, distribution.pk]
            pages.append(reverse("web:survey_invitations", args=invitations))
            pages.append(reverse("web:survey_invitations", args=invitations) + "?status=failed")
        for page in pages:
            with time_machine.travel(TODAY, tick=True):
                assert client.get(page).status_code == 200, page


# --- Invitations -----------------------------------------------------------------------


def test_invitations_show_every_status(demo: Organization) -> None:
    statuses = set(_invitations(demo).values_list("status", flat=True))
    sent = _invitations(demo).filter(status=InvitationStatus.SENT)

    assert statuses == set(InvitationStatus.values)
    assert sent.filter(opened_at__isnull=False).exists()
    assert sent.filter(opened_at__isnull=True).exists()
    assert _invitations(demo).filter(reminders_sent=1, last_reminder_at__isnull=False).exists()


def test_every_email_response_has_the_invitation_it_answered(demo: Organization) -> None:
    email_responses = Response.objects.for_organization(demo).filter(channel="email")

    assert email_responses.exists()
    assert not email_responses.filter(invitation=None).exists()
    assert not Response.objects.exclude(channel="email").exclude(invitation=None).exists()


def test_answered_invitations_were_sent_then_opened_then_answered(demo: Organization) -> None:
    answered = _invitations(demo).filter(status=InvitationStatus.ANSWERED)

    assert answered.exists()
    for invitation in answered.select_related("response"):
        response = invitation.response
        assert response is not None and response.completed_at is not None
        assert response.distribution_id == invitation.distribution_id
        assert response.customer_id == invitation.customer_id
        assert response.hidden_fields == invitation.hidden_fields
        assert invitation.sent_at is not None and invitation.opened_at is not None
        assert invitation.sent_at < invitation.opened_at <= response.started_at
        assert invitation.next_reminder_at is None
        if invitation.last_reminder_at is not None:
            assert invitation.sent_at < invitation.last_reminder_at < response.completed_at


def test_the_funnel_narrows_from_sent_to_opened_to_answered(demo: Organization) -> None:
    for distribution in Distribution.objects.for_organization(demo).filter(kind="email"):
        funnel = invitation_funnel(survey=distribution.survey, distribution=distribution)

        assert 0 < funnel.answered <= funnel.opened <= funnel.sent <= funnel.total
    expired = _invitations(demo).filter(status=InvitationStatus.EXPIRED)
    assert not expired.filter(expires_at__gt=HORIZON).exists()
    sent = _invitations(demo).filter(status=InvitationStatus.SENT)
    assert not sent.filter(expires_at__lte=HORIZON).exists()


def test_failed_invitations_say_why_and_were_never_delivered(demo: Organization) -> None:
    failed = _invitations(demo).exclude(error="")

    assert failed.filter(status=InvitationStatus.FAILED).exists()
    assert set(failed.values_list("status", flat=True)) <= {"failed", "expired"}
    assert not failed.filter(sent_at__isnull=False).exists()
    assert all("5." in error for error in failed.values_list("error", flat=True))


def test_opted_out_addresses_are_recorded_and_get_nothing_afterwards(demo: Organization) -> None:
    opted_out = _invitations(demo).filter(status=InvitationStatus.OPTED_OUT)

    assert opted_out.exists()
    assert set(ContactOptOut.objects.for_organization(demo).values_list("email", flat=True)) == {
        email.lower() for email in opted_out.values_list("email", flat=True)
    }
    for invitation in opted_out:
        assert invitation.sent_at is not None and invitation.next_reminder_at is None
        same_address = _invitations(demo).filter(email__iexact=invitation.email)
        assert not same_address.filter(sent_at__gt=invitation.sent_at).exists()
        assert not same_address.filter(status=InvitationStatus.QUEUED).exists()


def test_queued_invitations_wait_a_few_hours_after_recent_contacts(demo: Organization) -> None:
    queued = (
        _invitations(demo)
        .filter(status=InvitationStatus.QUEUED)
        .select_related("interaction", "distribution")
    )

    assert queued.exists()
    for invitation in queued:
        assert invitation.sent_at is None and invitation.send_after is not None
        assert TODAY < invitation.send_after < TODAY + dt.timedelta(hours=6)
        assert invitation.distribution.send_delay_minutes == 60
        assert invitation.interaction is not None
        assert invitation.interaction.customer_id == invitation.customer_id
        assert invitation.interaction.ended_at is not None
        assert invitation.interaction.ended_at > TODAY - dt.timedelta(days=14)


def test_no_customer_is_invited_twice_within_the_contact_frequency(demo: Organization) -> None:
    moments: dict[tuple[int, int], list[dt.datetime]] = defaultdict(list)
    for distribution_id, customer_id, sent_at, send_after, status in _invitations(demo).values_list(
        "distribution_id", "customer_id", "sent_at", "send_after", "status"
    ):
        moment = send_after if status == InvitationStatus.QUEUED else sent_at
        if moment is not None:
            moments[distribution_id, customer_id].append(moment)

    assert any(len(times) > 1 for times in moments.values())
    for times in moments.values():
        times.sort()
        assert all(later - earlier >= FREQUENCY for earlier, later in pairwise(times))


def test_invitations_go_only_to_reserved_example_domains(demo: Organization) -> None:
    domains = {
        email.rsplit("@", 1)[1] for email in _invitations(demo).values_list("email", flat=True)
    }

    assert domains <= set(CUSTOMER_EMAIL_DOMAINS)
    assert not _invitations(demo).exclude(email=F("customer__email")).exists()
    hashes = list(_invitations(demo).values_list("token_hash", flat=True))
    assert len(set(hashes)) == len(hashes)
    assert all(len(value) == 64 and int(value, 16) >= 0 for value in hashes)


# --- Reminders -------------------------------------------------------------------------


def test_the_reminder_run_sends_the_due_reminders_to_non_respondents_only(
    demo: Organization, smtp_server
) -> None:
    now = TODAY + dt.timedelta(hours=1)
    opted_out = ContactOptOut.objects.for_organization(demo).values("email")
    due = (
        _invitations(demo)
        .filter(status=InvitationStatus.SENT, next_reminder_at__lte=now, expires_at__gt=now)
        .exclude(email__in=opted_out)
    )
    due_ids = set(due.values_list("pk", flat=True))
    assert len(due_ids) >= 3
    assert not due.filter(response__completed_at__isnull=False).exists()
    answered_before = dict(
        _invitations(demo)
        .filter(status=InvitationStatus.ANSWERED)
        .values_list("pk", "last_reminder_at")
    )

    with time_machine.travel(now, tick=False):
        sent = reminders_send_due()

    assert sent == len(due_ids)
    reminded = (
        _invitations(demo).filter(last_reminder_at=now).select_related("distribution__survey")
    )
    assert set(reminded.values_list("pk", flat=True)) == due_ids
    assert all(invitation.reminders_sent == 1 for invitation in reminded)
    received = sorted((message["To"], message["Subject"]) for message in smtp_server.messages)
    assert received == sorted(_reminder_email(invitation) for invitation in reminded)
    assert (
        dict(
            _invitations(demo)
            .filter(status=InvitationStatus.ANSWERED)
            .values_list("pk", "last_reminder_at")
        )
        == answered_before
    )
    with time_machine.travel(now + dt.timedelta(minutes=5), tick=False):
        assert reminders_send_due() == 0


def _reminder_email(invitation: SurveyInvitation) -> tuple[str, str]:
    """(recipient, subject) of the reminder for `invitation`, in its language."""
    with translation.override(invitation.language):
        subject = gettext("Reminder: %(survey)s") % {"survey": invitation.distribution.survey}
    return invitation.email, subject


# --- Rates, at the default size --------------------------------------------------------


def test_email_rates_are_those_of_real_survey_programmes(plan: DemoPlan) -> None:
    failed = sum(bool(invitation.error) for invitation in plan.invitations)
    assert 0.01 <= failed / len(plan.invitations) <= 0.03
    for distribution in {invitation.distribution for invitation in plan.invitations}:
        invitations = [i for i in plan.invitations if i.distribution == distribution]
        delivered = [i for i in invitations if i.sent_at is not None]
        opened = [i for i in delivered if i.opened_at is not None]
        answered = [i for i in delivered if i.status == InvitationStatus.ANSWERED]

        assert 0.25 <= len(answered) / len(delivered) <= 0.35, distribution
        assert 0.5 <= len(opened) / len(delivered) <= 0.6, distribution


def test_email_is_still_the_main_way_surveys_are_answered(plan: DemoPlan) -> None:
    channels = [response.channel for response in plan.responses]

    assert all(response.distribution.startswith(response.survey) for response in plan.responses)
    assert max(set(channels), key=channels.count) == "email"
    assert 0.3 <= channels.count("email") / len(channels) <= 0.5


def test_the_plan_moments_fit_the_timeline(plan: DemoPlan) -> None:
    horizon = Timeline.ending_before(plan.anchor).horizon
    for invitation in plan.invitations:
        if invitation.status == InvitationStatus.QUEUED:
            assert invitation.send_after is not None and invitation.send_after > horizon
            continue
        assert invitation.sent_at is None or invitation.sent_at < horizon
        assert invitation.opened_at is None or invitation.opened_at < horizon
        assert invitation.last_reminder_at is None or invitation.last_reminder_at < horizon


def test_demo_feedback_is_searchable_in_chinese_and_japanese(demo):
    import re

    from clearloop.feedback.models import FeedbackItem
    from clearloop.feedback.selectors import FeedbackFilters, feedback_list

    for language in ("zh-hans", "ja"):
        text = (
            FeedbackItem.objects.filter(organization=demo, language=language)
            .exclude(text="")
            .values_list("text", flat=True)
            .first()
        )
        assert text is not None
        word = re.findall(r"[\u3040-\u30ff\u4e00-\u9fff]{2}", text)[-1]
        found = feedback_list(organization=demo, filters=FeedbackFilters(q=word))
        assert found.filter(text=text).exists(), word
