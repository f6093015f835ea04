"""Writes of reports: scheduled reports (create, update, delete) and sending the due ones.

`scheduled_reports_send_due` runs every hour (see `tasks`). For each active report it finds
the latest scheduled run (`schedule.latest_run`) and the period it covers; a report created
after that run waits for the next one. A ReportDelivery row per (report, period) is claimed
in a transaction under a lock on the report before anything is built or sent, so a second
run of the task, or a second worker, sends nothing twice. A delivery that failed is tried
again on the next runs, up to MAX_ATTEMPTS; one left "sending" by a worker that died is
taken up again after STALE_SENDING (at-least-once: that one mail may then arrive twice).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clearloop.accounts.models import Membership, Organization
from clearloop.accounts.roles import Capability
from clearloop.analytics.rollups import DIMENSIONS, organization_zone
from clearloop.core.errors import NotFound, PermissionDenied, ValidationFailed
from clearloop.reports import exporting, pdf, schedule, selectors
from clearloop.reports.models import (
    DeliveryStatus,
    ReportDelivery,
    ReportFormat,
    ReportFrequency,
    ScheduledReport,
)

logger = logging.getLogger("clearloop.reports")

MAX_ATTEMPTS = 3
STALE_SENDING = dt.timedelta(hours=1)
FILTER_KEYS = (
    "metric", "period", "by", "survey", "question", "row", "product", "saved_segment",
    "hidden_key", "hidden_value", *DIMENSIONS,
)  # fmt: skip
MAX_RECIPIENTS = 50


def _require(by: Membership, organization: Organization) -> None:
    if by.organization_id != organization.pk:
        raise NotFound(_("No such organization."))
    if not by.allows(Capability.EXPORT_DATA):
        raise PermissionDenied(_("Your role does not allow scheduling reports."))


def _refuse(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def filters_clean(*, organization: Organization, filters: Mapping[str, Any]) -> dict[str, str]:
    """The Analytics query parameters a schedule keeps: known keys, checked as the page
    checks them (another organization's survey or segment is NotFound). Dates are dropped:
    each delivery covers its own period."""
    kept = {
        key: str(filters[key]).strip()
        for key in FILTER_KEYS
        if key in filters and str(filters[key]).strip()
    }
    selectors.report_query(organization=organization, params=kept)
    return kept


def _members(organization: Organization, ids: Iterable[int]) -> list[Membership]:
    wanted = set(ids)
    found = list(
        Membership.objects.filter(organization=organization, pk__in=wanted).select_related("user")
    )
    if len(found) != len(wanted):
        raise NotFound(_("No such member in this organization."))
    return found


def _emails(addresses: Iterable[str]) -> list[str]:
    cleaned = list(dict.fromkeys(a.strip().lower() for a in addresses if a and a.strip()))
    for address in cleaned:
        try:
            validate_email(address)
        except ValidationError as error:
            message = _("%(address)s is not an email address.") % {"address": address}
            raise _refuse("recipient_emails", message) from error
    return cleaned


def _clean(
    organization: Organization,
    *,
    name: str,
    frequency: str,
    weekday: int,
    day_of_month: int,
    hour: int,
    members: Iterable[int],
    emails: Iterable[str],
    language: str,
    filters: Mapping[str, Any],
    file_format: str,
) -> tuple[dict[str, Any], list[Membership]]:
    if not name.strip():
        raise _refuse("name", _("Give the report a name."))
    if frequency not in ReportFrequency.values:
        raise _refuse("frequency", _("Choose weekly or monthly."))
    if not 0 <= weekday <= 6:
        raise _refuse("weekday", _("Choose a day of the week."))
    if not 1 <= day_of_month <= 28:
        raise _refuse("day_of_month", _("The day of the month must be between 1 and 28."))
    if not 0 <= hour <= 23:
        raise _refuse("hour", _("The hour must be between 0 and 23."))
    if language and language not in dict(settings.LANGUAGES):
        raise _refuse("language", _("Choose English, Chinese or Japanese."))
    if file_format not in ReportFormat.values:
        raise _refuse("format", _("Choose a PDF report or an Excel workbook."))
    chosen, addresses = _members(organization, members), _emails(emails)
    if not chosen and not addresses:
        raise _refuse("recipient_members", _("Choose at least one member or email address."))
    if len(chosen) + len(addresses) > MAX_RECIPIENTS:
        message = _("At most %(count)s recipients.") % {"count": MAX_RECIPIENTS}
        raise _refuse("recipient_emails", message)
    fields = {
        "name": name.strip(),
        "frequency": frequency,
        "weekday": weekday,
        "day_of_month": day_of_month,
        "hour": hour,
        "recipient_emails": addresses,
        "language": language,
        "filters": filters_clean(organization=organization, filters=filters),
        "format": file_format,
    }
    return fields, chosen


@transaction.atomic
def scheduled_report_create(
    *,
    organization: Organization,
    by: Membership,
    name: str,
    frequency: str = ReportFrequency.WEEKLY,
    weekday: int = 0,
    day_of_month: int = 1,
    hour: int = 7,
    members: Iterable[int] = (),
    emails: Iterable[str] = (),
    language: str = "",
    filters: Mapping[str, Any] | None = None,
    file_format: str = ReportFormat.PDF,
    active: bool = True,
) -> ScheduledReport:
    _require(by, organization)
    fields, chosen = _clean(
        organization, name=name, frequency=frequency, weekday=weekday,
        day_of_month=day_of_month, hour=hour, members=members, emails=emails,
        language=language, filters=filters or {}, file_format=file_format,
    )  # fmt: skip
    report = ScheduledReport.objects.create(
        organization=organization,
        created_by=by.user if by.user_id else None,
        active=active,
        **fields,
    )
    report.recipient_members.set(chosen)
    return report


@transaction.atomic
def scheduled_report_update(
    *,
    report: ScheduledReport,
    by: Membership,
    name: str,
    frequency: str,
    weekday: int,
    day_of_month: int,
    hour: int,
    members: Iterable[int],
    emails: Iterable[str],
    language: str,
    filters: Mapping[str, Any],
    file_format: str,
    active: bool,
) -> ScheduledReport:
    organization = report.organization
    _require(by, organization)
    fields, chosen = _clean(
        organization, name=name, frequency=frequency, weekday=weekday,
        day_of_month=day_of_month, hour=hour, members=members, emails=emails,
        language=language, filters=filters, file_format=file_format,
    )  # fmt: skip
    for key, value in fields.items():
        setattr(report, key, value)
    report.active = active
    report.save(update_fields=[*fields, "active", "updated_at"])
    report.recipient_members.set(chosen)
    return report


@transaction.atomic
def scheduled_report_delete(*, report: ScheduledReport, by: Membership) -> None:
    _require(by, report.organization)
    report.delete()


# --- Sending -----------------------------------------------------------------------------


def scheduled_reports_send_due(*, now: dt.datetime | None = None) -> int:
    """Send every active report whose latest run has no delivery yet; how many were sent.
    One report failing (its survey deleted, the mail server down) does not stop the rest."""
    moment = now or timezone.now()
    sent = 0
    for report_id in ScheduledReport.objects.filter(active=True).values_list("pk", flat=True):
        try:
            sent += scheduled_report_send_if_due(report_id=report_id, now=moment)
        except Exception:
            logger.exception("scheduled_report_failed report=%s", report_id)
    return sent


def due_period(*, report: ScheduledReport, now: dt.datetime) -> tuple[dt.date, dt.date] | None:
    """The period the report's latest run covers, or None before its first run."""
    local = now.astimezone(organization_zone(report.organization))
    run = schedule.latest_run(
        frequency=report.frequency,
        weekday=report.weekday,
        day_of_month=report.day_of_month,
        hour=report.hour,
        now=local,
    )
    if run < report.created_at:
        return None
    return schedule.covered_period(frequency=report.frequency, run_day=run.date())


@transaction.atomic
def _claim(report_id: int, now: dt.datetime) -> tuple[ScheduledReport, ReportDelivery] | None:
    report = (
        ScheduledReport.objects.select_for_update()
        .select_related("organization")
        .filter(pk=report_id, active=True)
        .first()
    )
    if report is None:
        return None
    period = due_period(report=report, now=now)
    if period is None:
        return None
    start, end = period
    delivery = ReportDelivery.objects.filter(report=report, period_start=start).first()
    if delivery is None:
        delivery = ReportDelivery.objects.create(
            organization=report.organization,
            report=report,
            period_start=start,
            period_end=end,
            attempts=1,
        )
        return report, delivery
    stale = delivery.status == DeliveryStatus.SENDING and delivery.updated_at < now - STALE_SENDING
    retry = delivery.status == DeliveryStatus.FAILED or stale
    if not retry or delivery.attempts >= MAX_ATTEMPTS:
        return None
    delivery.status, delivery.attempts = DeliveryStatus.SENDING, delivery.attempts + 1
    delivery.save(update_fields=["status", "attempts", "updated_at"])
    return report, delivery


def scheduled_report_send_if_due(*, report_id: int, now: dt.datetime) -> int:
    claimed = _claim(report_id, now)
    if claimed is None:
        return 0
    report, delivery = claimed
    try:
        recipients = report_recipients(report=report)
        messages = report_messages(report=report, delivery=delivery, recipients=recipients)
        get_connection().send_messages(messages)
    except Exception as error:
        delivery.status, delivery.error = DeliveryStatus.FAILED, repr(error)[:2000]
        delivery.save(update_fields=["status", "error", "updated_at"])
        raise
    delivery.status, delivery.sent_at, delivery.error = DeliveryStatus.SENT, now, ""
    delivery.recipients = recipients
    delivery.save(update_fields=["status", "sent_at", "error", "recipients", "updated_at"])
    report.last_sent_at = now
    report.save(update_fields=["last_sent_at", "updated_at"])
    logger.info(
        "scheduled_report_sent report=%s period_start=%s recipients=%d",
        report.pk,
        delivery.period_start,
        len(recipients),
    )
    return 1


def report_recipients(*, report: ScheduledReport) -> list[str]:
    """Current members first (people who left the organization no longer get it), then
    the other addresses, each once."""
    members = report.recipient_members.filter(
        organization=report.organization, user__is_active=True
    ).values_list("user__email", flat=True)
    return list(dict.fromkeys([*(e.lower() for e in members), *report.recipient_emails]))


def report_attachment(
    *, report: ScheduledReport, start: dt.date, end: dt.date
) -> tuple[bytes, str, str]:
    """The file (content, name, format) of the report over `start`…`end`."""
    organization = report.organization
    language = report.language or organization.default_language
    params = {**report.filters, "date_from": start.isoformat(), "date_to": end.isoformat()}
    query = selectors.report_query(organization=organization, params=params)
    if report.format == ReportFormat.XLSX:
        with translation.override(language):
            tables = selectors.report_tables(
                organization=organization, query=query, language=language
            )
            content = exporting.tables_xlsx(tables)
    else:
        content = pdf.dashboard_pdf(organization=organization, query=query, language=language)
    name = f"clearloop-report-{start.isoformat()}-{end.isoformat()}.{report.format}"
    return content, name, report.format


def report_messages(
    *, report: ScheduledReport, delivery: ReportDelivery, recipients: list[str]
) -> list[EmailMessage]:
    """One message per recipient (they do not see each other), the file attached."""
    content, name, file_format = report_attachment(
        report=report, start=delivery.period_start, end=delivery.period_end
    )
    language = report.language or report.organization.default_language
    params = {
        **report.filters,
        "date_from": delivery.period_start.isoformat(),
        "date_to": delivery.period_end.isoformat(),
    }
    with translation.override(language):
        context = {
            "report": report,
            "organization": report.organization,
            "start": delivery.period_start,
            "end": delivery.period_end,
            "link": f"{settings.SITE_URL}{reverse('web:analytics')}?{urlencode(params)}",
            "schedules_link": settings.SITE_URL + reverse("web:analytics_schedules"),
        }
        subject = _("%(name)s: Clearloop report, %(start)s to %(end)s") % {
            "name": report.name,
            "start": delivery.period_start.isoformat(),
            "end": delivery.period_end.isoformat(),
        }
        body = render_to_string("reports/email/report.txt", context)
    messages = []
    for address in recipients:
        message = EmailMessage(subject, body, None, [address])
        message.attach(name, content, exporting.CONTENT_TYPES[file_format])
        messages.append(message)
    return messages
