"""The digest delivered to a real SMTP server on loopback, one per person in their language
(English, Chinese, Japanese), with its figures, goals, alerts and an embedded PNG chart;
sent once per period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from clearloop.accounts.roles import Role
from clearloop.accounts.tests.factories import MembershipFactory, UserFactory
from clearloop.alerts.charts import sparkline_png
from clearloop.alerts.digests import digests_send_due
from clearloop.alerts.models import DigestFrequency, DigestSubscription
from clearloop.conftest import Persona
from clearloop.goals.models import Goal
from clearloop.goals.tests.data import add_scores, exact_nps_scores

TODAY = dt.date(2025, 6, 2)


def _subscribe(persona_membership: Any, frequency: str = DigestFrequency.WEEKLY) -> None:
    DigestSubscription.objects.create(
        organization=persona_membership.organization,
        membership=persona_membership,
        frequency=frequency,
        metrics=["nps"],
    )


def test_weekly_digest_in_three_languages_reaches_the_smtp_server(
    alice: Persona, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    organization = alice.organization
    for offset in range(1, 15):
        good = 6 if offset <= 7 else 3
        add_scores(organization, TODAY - dt.timedelta(days=offset), exact_nps_scores(good, 2, 2))
    Goal.objects.create(
        organization=organization, name="NPS to 40", metric="nps",
        baseline_start=TODAY - dt.timedelta(days=30),
        baseline_end=TODAY - dt.timedelta(days=20), baseline_value=20, baseline_n=100, target=40,
        deadline=TODAY + dt.timedelta(days=60), owner=alice.user,
    )  # fmt: skip
    alice.user.language = "en"
    alice.user.save(update_fields=["language"])
    _subscribe(alice.membership)
    for email, language in [("mei@acme.test", "zh-hans"), ("ken@acme.test", "ja")]:
        user = UserFactory(email=email, language=language)
        _subscribe(MembershipFactory(organization=organization, user=user, role=Role.VIEWER))
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send_due(today=TODAY) == 3
        assert digests_send_due(today=TODAY) == 0  # once per week
    messages = {message["To"]: message for message in smtp_server.messages}
    assert len(messages) == 3
    english, chinese, japanese = (
        messages["alice@acme.test"], messages["mei@acme.test"], messages["ken@acme.test"]
    )  # fmt: skip
    assert "weekly Clearloop digest" in english["Subject"]
    assert "摘要" in chinese["Subject"]
    assert "ダイジェスト" in japanese["Subject"]
    body = english.get_body(preferencelist=("plain",)).get_content()
    assert "NPS: +40 (n=70)" in body and "NPS to 40" in body
    assert "significant" in body or "chance" in body
    assert "目标" in chinese.get_body(preferencelist=("plain",)).get_content()
    assert "目標" in japanese.get_body(preferencelist=("plain",)).get_content()
    html = english.get_body(preferencelist=("html",)).get_content()
    assert 'src="cid:chart-0"' in html
    images = [part for part in english.walk() if part.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0]["Content-ID"] == "<chart-0>"
    assert images[0].get_content()[:8] == b"\x89PNG\r\n\x1a\n"


def test_daily_digest_is_due_again_the_next_day(
    alice: Persona, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _subscribe(alice.membership, DigestFrequency.DAILY)
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send_due(today=TODAY) == 1
        assert digests_send_due(today=TODAY + dt.timedelta(days=1)) == 1
    assert len(smtp_server.messages) == 2


def test_sparkline_is_a_png_whatever_the_values() -> None:
    for values in ([], [3.0], [1.0, 1.0, 1.0], [-100.0, 20.0, 100.0]):
        assert sparkline_png(values, target=50.0)[:4] == b"\x89PNG"


def test_member_subscribes_and_unsubscribes_on_the_alert_page(bob: Persona) -> None:
    from django.urls import reverse

    client = bob.client()
    client.post(reverse("web:alert_digest"), {"frequency": "daily"})
    assert DigestSubscription.objects.get().frequency == "daily"
    assert client.post(reverse("web:alert_digest"), {"frequency": "hourly"}).status_code == 302
    assert DigestSubscription.objects.get().frequency == "daily"
    client.post(reverse("web:alert_digest"), {"frequency": ""})
    assert not DigestSubscription.objects.exists()


def test_digest_names_emerging_topics_and_cases_breaching_today(alice: Persona) -> None:
    from django.utils import timezone

    from clearloop.alerts.digests import digest_build
    from clearloop.cases.models import Case
    from clearloop.cases.services import case_open
    from clearloop.textanalysis.models import Topic
    from clearloop.textanalysis.tests.factories import many

    organization = alice.organization
    now = timezone.now()
    Topic.objects.create(organization=organization, name="Refunds", keywords=["refund"])
    for week in range(1, 5):
        many(organization, ["refund late"] + ["hello"] * 19, now - dt.timedelta(days=7 * week + 2))
    many(organization, ["refund late"] * 9 + ["hello"] * 11, now - dt.timedelta(days=1))
    late, _new = case_open(organization=organization, subject="Sofa never came", by=None)
    on_time, _new = case_open(organization=organization, subject="Question on a lamp", by=None)
    Case.objects.filter(pk=late.pk).update(resolution_due_at=now - dt.timedelta(hours=2))
    Case.objects.filter(pk=on_time.pk).update(resolution_due_at=now + dt.timedelta(days=3))
    _subscribe(alice.membership)
    subscription = DigestSubscription.objects.get(membership=alice.membership)

    digest = digest_build(subscription=subscription, today=now.date())

    assert "Emerging topics" in digest.text and "Refunds: 45.0% of the last 7 days" in digest.text
    assert "1 case breaching its SLA today" in digest.text
    assert f"{late.reference} Sofa never came" in digest.text
    assert "Question on a lamp" not in digest.text
    assert "?view=breaching_today" in digest.html
