"""The scheduled report form; the service judges. Filters travel as the Analytics page's
query string, so "Schedule this report" on the page carries its filters over."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from clearloop.accounts.models import Organization
from clearloop.accounts.selectors import members_of
from clearloop.reports.models import ReportFormat, ReportFrequency, ScheduledReport, Weekday


class ScheduledReportForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    frequency = forms.ChoiceField(label=_("Frequency"), choices=ReportFrequency.choices)
    weekday = forms.TypedChoiceField(
        label=_("Weekday (weekly reports)"), choices=Weekday.choices, coerce=int, initial=0
    )
    day_of_month = forms.IntegerField(
        label=_("Day of the month (monthly reports)"), min_value=1, max_value=28, initial=1
    )
    hour = forms.IntegerField(
        label=_("Hour"), min_value=0, max_value=23, initial=7,
        help_text=_("In the organization's time zone."),
    )  # fmt: skip
    format = forms.ChoiceField(label=_("Format"), choices=ReportFormat.choices)
    language = forms.ChoiceField(label=_("Language"), required=False)
    members = forms.TypedMultipleChoiceField(
        label=_("Members"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    emails = forms.CharField(
        label=_("Other email addresses (comma-separated)"), required=False, max_length=4000
    )
    filters = forms.CharField(
        label=_("Filters"), required=False, max_length=2000,
        help_text=_("As in the Analytics page's address, e.g. metric=nps&by=channel&survey=3. "
                    "Each report covers the week or month just ended."),
    )  # fmt: skip
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [("", _("The organization's default")), *settings.LANGUAGES]
        members = self.fields["members"]
        assert isinstance(members, forms.ChoiceField)
        members.choices = [
            (m.pk, f"{m.user.full_name or m.user.email} <{m.user.email}>")
            for m in members_of(organization=organization).select_related("user")
        ]

    @staticmethod
    def initial_for(report: ScheduledReport) -> dict[str, Any]:
        return {
            "name": report.name,
            "frequency": report.frequency,
            "weekday": report.weekday,
            "day_of_month": report.day_of_month,
            "hour": report.hour,
            "format": report.format,
            "language": report.language,
            "members": [m.pk for m in report.recipient_members.all()],
            "emails": ", ".join(report.recipient_emails),
            "filters": urlencode(report.filters),
            "active": report.active,
        }

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "frequency": data["frequency"],
            "weekday": data["weekday"],
            "day_of_month": data["day_of_month"],
            "hour": data["hour"],
            "members": data["members"],
            "emails": data["emails"].replace(";", ",").split(","),
            "language": data["language"],
            "filters": dict(parse_qsl(data["filters"].lstrip("?"))),
            "file_format": data["format"],
            "active": data["active"],
        }
