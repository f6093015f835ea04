"""Scheduled reports: sent once per period as an email attachment (a real SMTP server on
loopback), however often the hourly task runs; not before the first run; retried after a
failure; managed on /analytics/schedules/ and through the API by those who may export;
another organization's schedules and members are 404."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from clearloop.accounts.models import Organization
from clearloop.analytics.tests.data import World
from clearloop.conftest import Persona
from clearloop.core.errors import NotFound, PermissionDenied, ValidationFailed
from clearloop.reports import services
from clearloop.reports.models import DeliveryStatus, ReportDelivery, ScheduledReport
from clearloop.reports.tasks import scheduled_reports_send

SUNDAY = dt.datetime(2026, 3, 8, 12, tzinfo=dt.UTC)
MONDAY_8 = dt.datetime(2026, 3, 9, 8, tzinfo=dt.UTC)  # after a Monday 07:00 run


def _schedule(by: Persona, **changes: object) -> ScheduledReport:
    arguments: dict = {
        "organization": by.organization,
        "by": by.membership,
        "name": "Weekly NPS",
        "frequency": "weekly",
        "weekday": 0,
        "hour": 7,
        "members": [by.membership.pk],
        "emails": ["ceo@example.com"],
        "filters": {"metric": "nps", "by": "channel", "date_from": "2020-01-01"},
        **changes,
    }
    with time_machine.travel(SUNDAY, tick=False):
        return services.scheduled_report_create(**arguments)


def _attachments(message) -> list:
    return list(message.iter_attachments())


def test_weekly_report_arrives_once_per_period_with_the_pdf(
    world: World, analyst: Persona, smtp_server
) -> None:
    report = _schedule(analyst)
    assert report.filters == {"metric": "nps", "by": "channel"}  # dates: each period's own
    with time_machine.travel(MONDAY_8, tick=False):
        scheduled_reports_send.enqueue()
        scheduled_reports_send.enqueue()  # the hourly task again, or a second worker
        assert services.scheduled_reports_send_due() == 0
    received = sorted(str(message["To"]) for message in smtp_server.messages)
    assert received == ["ann@acme.test", "ceo@example.com"]
    message = smtp_server.messages[0]
    assert "Weekly NPS" in str(message["Subject"]) and "2026-03-02" in str(message["Subject"])
    [attachment] = _attachments(message)
    assert attachment.get_filename() == "clearloop-report-2026-03-02-2026-03-08.pdf"
    text = pypdf.PdfReader(io.BytesIO(attachment.get_content())).pages[0].extract_text()
    assert "Acme Support" in text and "March 2, 2026 to March 8, 2026" in text
    [delivery] = ReportDelivery.objects.filter(report=report)
    assert (delivery.period_start, delivery.period_end) == (
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 8),
    )
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1
    report.refresh_from_db()
    assert report.last_sent_at == MONDAY_8
    with time_machine.travel(MONDAY_8 + dt.timedelta(days=7), tick=False):
        assert services.scheduled_reports_send_due() == 1  # the next week
    assert len(smtp_server.messages) == 4


def test_a_report_waits_for_its_first_run(world: World, analyst: Persona) -> None:
    with time_machine.travel(MONDAY_8, tick=False):
        services.scheduled_report_create(
            organization=analyst.organization, by=analyst.membership, name="Late",
            members=[analyst.membership.pk],
        )  # fmt: skip
        assert services.scheduled_reports_send_due() == 0  # today's 07:00 run was before it
    with time_machine.travel(MONDAY_8 + dt.timedelta(days=6, hours=22), tick=False):
        assert services.scheduled_reports_send_due() == 0  # next Monday 06:00
    with time_machine.travel(MONDAY_8 + dt.timedelta(days=7), tick=False):
        assert services.scheduled_reports_send_due() == 1


def test_monthly_workbook_in_chinese_covers_the_last_month(
    world: World, analyst: Persona, smtp_server
) -> None:
    report = _schedule(
        analyst, frequency="monthly", day_of_month=1, file_format="xlsx", language="zh-hans",
        members=[], emails=["team@example.com"],
    )  # fmt: skip
    with time_machine.travel(dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC), tick=False):
        assert services.scheduled_reports_send_due() == 1
    [message] = smtp_server.messages
    [attachment] = _attachments(message)
    assert attachment.get_filename() == "clearloop-report-2026-03-01-2026-03-31.xlsx"
    workbook = load_workbook(io.BytesIO(attachment.get_content()))
    assert "关键驱动因素" in workbook.sheetnames
    assert len(workbook.sheetnames) == 6
    assert report.deliveries.get().period_start == dt.date(2026, 3, 1)


def test_a_failed_send_is_logged_and_tried_again(world: World, analyst: Persona, settings) -> None:
    report = _schedule(analyst)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with time_machine.travel(MONDAY_8, tick=False):
        assert services.scheduled_reports_send_due() == 0
    delivery = report.deliveries.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(MONDAY_8 + dt.timedelta(hours=1), tick=False):
        assert services.scheduled_reports_send_due() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2


def test_service_refuses_bad_schedules_and_foreign_members(
    world: World, analyst: Persona, viewer: Persona, charlie: Persona
) -> None:
    with pytest.raises(PermissionDenied):
        _schedule(viewer)
    with pytest.raises(NotFound):
        _schedule(analyst, members=[charlie.membership.pk])
    with pytest.raises(NotFound):
        _schedule(analyst, filters={"survey": "999999"})
    for changes, field in (
        ({"name": " "}, "name"),
        ({"day_of_month": 31, "frequency": "monthly"}, "day_of_month"),
        ({"emails": ["not-an-address"]}, "recipient_emails"),
        ({"members": [], "emails": []}, "recipient_members"),
        ({"filters": {"by": "zodiac"}}, "by"),
    ):
        with pytest.raises(ValidationFailed) as error:
            _schedule(analyst, **changes)
        assert field in error.value.fields, changes


def test_schedules_page_lists_creates_edits_and_deletes(world: World, analyst: Persona) -> None:
    client = analyst.client()
    new = client.get(reverse("web:analytics_schedule_new"), {"metric": "csat", "by": "region"})
    assert new.status_code == 200
    assert "metric=csat&amp;by=region" in new.content.decode()
    form = {
        "name": "Monthly CSAT", "frequency": "monthly", "weekday": "0", "day_of_month": "3",
        "hour": "6", "format": "pdf", "language": "ja", "members": [str(analyst.membership.pk)],
        "emails": "boss@example.com; ops@example.com", "filters": "metric=csat&by=region",
        "active": "on",
    }  # fmt: skip
    created = client.post(reverse("web:analytics_schedule_new"), form)
    assert created.status_code == 302
    report = ScheduledReport.objects.get(name="Monthly CSAT")
    assert report.recipient_emails == ["boss@example.com", "ops@example.com"]
    assert report.filters == {"metric": "csat", "by": "region"}
    listing = client.get(reverse("web:analytics_schedules")).content.decode()
    assert "Monthly CSAT" in listing and "boss@example.com" in listing
    edit_url = reverse("web:analytics_schedule_edit", args=[report.pk])
    assert client.post(edit_url, {**form, "name": "CSAT monthly"}).status_code == 302
    report.refresh_from_db()
    assert report.name == "CSAT monthly"
    bad = client.post(edit_url, {**form, "emails": "nope", "members": []})
    assert bad.status_code == 400 and "not an email address" in bad.content.decode()
    delete_url = reverse("web:analytics_schedule_delete", args=[report.pk])
    assert client.post(delete_url).status_code == 302
    assert not ScheduledReport.objects.filter(pk=report.pk).exists()


def test_schedules_pages_tenancy_and_roles(
    world: World, analyst: Persona, viewer: Persona, charlie: Persona, globex: Organization
) -> None:
    report = _schedule(analyst)
    other = charlie.client()
    assert other.get(reverse("web:analytics_schedule_edit", args=[report.pk])).status_code == 404
    delete_url = reverse("web:analytics_schedule_delete", args=[report.pk])
    assert other.post(delete_url).status_code == 404
    assert "Weekly NPS" not in other.get(reverse("web:analytics_schedules")).content.decode()
    assert viewer.client().get(reverse("web:analytics_schedules")).status_code == 403
    form = {
        "name": "Sneaky", "frequency": "weekly", "weekday": "0", "day_of_month": "1",
        "hour": "7", "format": "pdf", "members": [str(analyst.membership.pk)],
    }  # fmt: skip
    refused = other.post(reverse("web:analytics_schedule_new"), form)
    assert refused.status_code == 400  # acme's member is not one of globex's choices
    assert not ScheduledReport.objects.filter(name="Sneaky").exists()


def test_api_manages_schedules_within_the_organization(
    world: World, alice: Persona, charlie: Persona
) -> None:
    api = Client(HTTP_AUTHORIZATION=f"Bearer {alice.api_token(role='analyst')}")
    url = reverse("api:scheduled-report-list")
    body = {
        "name": "API weekly", "recipient_members": [alice.membership.pk],
        "recipient_emails": ["x@example.com"], "filters": {"metric": "nps"}, "format": "xlsx",
    }  # fmt: skip
    created = api.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert ScheduledReport.objects.get(pk=pk).created_by == alice.user  # the token's creator
    assert created.json()["recipient_members"] == [alice.membership.pk]
    detail = reverse("api:scheduled-report-detail", args=[pk])
    changed = api.patch(detail, {"hour": 9}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["hour"] == 9
    assert changed.json()["format"] == "xlsx"
    bad = api.patch(detail, {"day_of_month": 30}, content_type="application/json")
    assert bad.status_code == 400
    assert api.get(reverse("api:scheduled-report-deliveries", args=[pk])).json() == []
    foreign = {**body, "recipient_members": [charlie.membership.pk]}
    assert api.post(url, foreign, content_type="application/json").status_code == 404
    other = Client(HTTP_AUTHORIZATION=f"Bearer {charlie.api_token()}")
    assert other.get(detail).status_code == 404
    assert other.delete(detail).status_code == 404
    assert other.get(url).json()["results"] == []
    viewer = Client(HTTP_AUTHORIZATION=f"Bearer {alice.api_token(role='viewer')}")
    assert viewer.get(url).status_code == 403
    assert api.delete(detail).status_code == 204


def test_schedules_list_query_count_does_not_grow_with_reports(
    world: World, alice: Persona, analyst: Persona, django_assert_max_num_queries
) -> None:
    for index in range(5):
        _schedule(analyst, name=f"Report {index}")
    client = analyst.client()
    client.get(reverse("web:analytics_schedules"))  # session and membership warmed up
    with django_assert_max_num_queries(12):
        assert client.get(reverse("web:analytics_schedules")).status_code == 200
    api = Client(HTTP_AUTHORIZATION=f"Bearer {alice.api_token(role='analyst')}")
    with django_assert_max_num_queries(6):
        assert api.get(reverse("api:scheduled-report-list")).status_code == 200


def test_schema_documents_the_report_endpoints(client: Client, db: None) -> None:
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/v1/analytics/exports/{table}.{file_format}",
        "/api/v1/analytics/report.pdf",
        "/api/v1/reports/schedules/",
        "/api/v1/reports/schedules/{id}/deliveries/",
    ):
        assert path in schema, path


def test_command_sends_what_is_due_once(world: World, analyst: Persona, mailoutbox) -> None:
    from io import StringIO

    from django.core.management import call_command

    _schedule(analyst)
    with time_machine.travel(MONDAY_8, tick=False):
        first, second = StringIO(), StringIO()
        call_command("send_scheduled_reports", stdout=first)
        call_command("send_scheduled_reports", stdout=second)
    assert first.getvalue().strip() == "scheduled_reports_sent=1"
    assert second.getvalue().strip() == "scheduled_reports_sent=0"
    assert len(mailoutbox) == 2  # the member and the other address
