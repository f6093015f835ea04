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


WEIGHT_PREFIX = "weight_"


class AnalyticsSettingsForm(forms.Form):
    """The minimum n and one CSI weight per attribute (matrix row key); all weights empty
    means weights from the key-driver analysis."""

    minimum_n = forms.IntegerField(
        label=_("Minimum answers"),
        min_value=1,
        max_value=10_000,
        help_text=_("Figures based on fewer answers are greyed out with a warning (1 to 10,000)."),
    )

    def __init__(self, *args: Any, attributes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attributes = attributes
        for key, label in attributes:
            self.fields[f"{WEIGHT_PREFIX}{key}"] = forms.FloatField(
                label=_("CSI weight: %(attribute)s") % {"attribute": label},
                required=False,
                min_value=0,
                help_text=_("Attribute key %(key)s. 0 leaves it out of the index.") % {"key": key},
            )

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"{WEIGHT_PREFIX}{key}"] for key, _label in self.attributes]

    def weights(self) -> dict[str, float]:
        """The weights typed in (empty fields are left out)."""
        return {
            key: value
            for key, _label in self.attributes
            if (value := self.cleaned_data.get(f"{WEIGHT_PREFIX}{key}")) is not None
        }
