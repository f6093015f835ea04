"""The filter form of the Analytics page: every filter of `MetricFilters`, plus what to
show (metric, period, breakdown). Choices come from the organization's own data."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clearloop.accounts.models import Organization
from clearloop.analytics import selectors
from clearloop.analytics.rollups import DIMENSIONS
from clearloop.customers.models import Segment
from clearloop.surveys.models import Survey

PERIOD_CHOICES = [
    ("day", _("Day")),
    ("week", _("Week")),
    ("month", _("Month")),
    ("quarter", _("Quarter")),
]


class AnalyticsForm(forms.Form):
    metric = forms.ChoiceField(label=_("Metric"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    survey = forms.ChoiceField(label=_("Survey"), required=False)
    period = forms.ChoiceField(label=_("Trend by"), required=False, choices=PERIOD_CHOICES)
    by = forms.ChoiceField(label=_("Break down by"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    segment = forms.ChoiceField(label=_("Customer segment"), required=False)
    agent = forms.ChoiceField(label=_("Agent"), required=False)
    team = forms.ChoiceField(label=_("Team"), required=False)
    saved_segment = forms.ChoiceField(label=_("Saved segment"), required=False)
    product = forms.CharField(label=_("Product"), required=False, max_length=200)

    def _set_choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices(
            "metric", [(key, spec.label) for key, spec in selectors.METRICS.items() if spec.kind]
        )
        surveys = Survey.objects.for_organization(organization).order_by("name")
        self._set_choices(
            "survey", [("", _("All surveys")), *((str(s.pk), s.name) for s in surveys)]
        )
        self._set_choices("by", [(name, selectors.DIMENSION_LABELS[name]) for name in DIMENSIONS])
        values = selectors.dimension_values(organization=organization)
        for name in DIMENSIONS:
            self._set_choices(name, [("", _("All")), *values[name]])
        saved = Segment.objects.for_organization(organization).order_by("name")
        self._set_choices(
            "saved_segment", [("", _("All customers")), *((str(s.pk), s.name) for s in saved)]
        )
