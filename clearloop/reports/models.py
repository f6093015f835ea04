"""Scheduled reports (a dashboard PDF or workbook emailed weekly or monthly to chosen
members and addresses) and the log of their deliveries, one per report and period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clearloop.accounts.models import Language
from clearloop.core.models import OrganizationScopedModel


class ReportFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class ReportFormat(models.TextChoices):
    PDF = "pdf", _("PDF report")
    XLSX = "xlsx", _("Excel workbook (XLSX)")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ScheduledReport(OrganizationScopedModel):
    name = models.CharField(_("name"), max_length=200)
    frequency = models.CharField(
        _("frequency"),
        max_length=8,
        choices=ReportFrequency.choices,
        default=ReportFrequency.WEEKLY,
    )
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), choices=Weekday.choices, default=Weekday.MONDAY
    )
    # 1 to 28, so that every month has the day.
    day_of_month = models.PositiveSmallIntegerField(_("day of the month"), default=1)
    hour = models.PositiveSmallIntegerField(
        _("hour"), default=7, help_text=_("In the organization's time zone.")
    )
    recipient_members = models.ManyToManyField(
        "accounts.Membership", blank=True, related_name="+", verbose_name=_("members")
    )
    recipient_emails = models.JSONField(_("other email addresses"), default=list, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=Language.choices,
        blank=True,
        help_text=_("Empty means: the organization's default language."),
    )
    # Query parameters of the Analytics page, without dates: each delivery covers the
    # period just ended (the last seven days, or the last calendar month).
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    format = models.CharField(
        _("format"), max_length=4, choices=ReportFormat.choices, default=ReportFormat.PDF
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("scheduled report")
        verbose_name_plural = _("scheduled reports")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(day_of_month__gte=1, day_of_month__lte=28),
                name="scheduled_report_day_of_month_1_28",
                violation_error_message=_("The day of the month must be between 1 and 28."),
            ),
            models.CheckConstraint(
                condition=models.Q(hour__lte=23),
                name="scheduled_report_hour_0_23",
                violation_error_message=_("The hour must be between 0 and 23."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class ReportDelivery(OrganizationScopedModel):
    """One report for one period: claimed before sending, so the hourly task sends each
    period once however often it runs."""

    report = models.ForeignKey(
        ScheduledReport,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("report"),
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(
        _("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.SENDING
    )
    recipients = models.JSONField(_("recipients"), default=list)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("report delivery")
        verbose_name_plural = _("report deliveries")
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "period_start"],
                name="report_delivery_once_per_period",
                violation_error_message=_("This report was already sent for this period."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.period_start}"
