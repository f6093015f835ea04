"""Forms of the dashboard pages: the dashboard's name, sharing, window and saved filters
(the Analytics page's own filter fields), and a tile to add."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clearloop.accounts.models import Organization, Team
from clearloop.analytics import selectors as analytics
from clearloop.analytics.forms import PERIOD_CHOICES, AnalyticsForm
from clearloop.boards.models import WINDOWS, Dashboard, TileKind, Visibility
from clearloop.boards.services import FILTER_KEYS
from clearloop.core.errors import ValidationFailed

WINDOW_CHOICES = [(str(days), _("Last %(days)d days") % {"days": days}) for days in WINDOWS]
NOT_SAVED = ("metric", "date_from", "date_to", "period", "by")


class DashboardForm(AnalyticsForm):
    """Name and sharing first, then the filters every tile of the dashboard applies."""

    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    visibility = forms.ChoiceField(label=_("Shared with"), choices=Visibility.choices)
    shared_team = forms.ModelChoiceField(
        label=_("Team it is shared with"), queryset=Team.objects.none(), required=False
    )
    window_days = forms.TypedChoiceField(
        label=_("Period"), choices=WINDOW_CHOICES, coerce=int, initial="90"
    )

    field_order = ["name", "description", "visibility", "shared_team", "window_days"]

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, organization=organization, **kwargs)
        for name in NOT_SAVED:
            del self.fields[name]
        team_field = self.fields["shared_team"]
        assert isinstance(team_field, forms.ModelChoiceField)
        team_field.queryset = Team.objects.for_organization(organization).order_by("name")
        self.order_fields(self.field_order)

    @classmethod
    def initial_of(cls, dashboard: Dashboard) -> dict[str, Any]:
        return {
            "name": dashboard.name,
            "description": dashboard.description,
            "visibility": dashboard.visibility,
            "shared_team": dashboard.team_id,
            "window_days": str(dashboard.window_days),
            **dashboard.filters,
        }

    def saved_filters(self) -> dict[str, str]:
        return {
            key: str(self.cleaned_data[key]) for key in FILTER_KEYS if self.cleaned_data.get(key)
        }


class TileForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tile"), choices=TileKind.choices)
    metric = forms.ChoiceField(label=_("Metric"), required=False)
    period = forms.ChoiceField(label=_("Trend by"), choices=PERIOD_CHOICES, required=False)
    dimension = forms.ChoiceField(label=_("Break down by"), required=False)
    title = forms.CharField(label=_("Title (optional)"), max_length=120, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        metric = self.fields["metric"]
        assert isinstance(metric, forms.ChoiceField)
        metric.choices = [(key, spec.label) for key, spec in analytics.METRICS.items()]
        dimension = self.fields["dimension"]
        assert isinstance(dimension, forms.ChoiceField)
        dimension.choices = [
            (name, analytics.DIMENSION_LABELS[name]) for name in analytics.DIMENSIONS
        ]


def add_service_errors(form: forms.BaseForm, error: ValidationFailed) -> None:
    """Put a service's field errors on the form's fields (filters on theirs, sharing on
    the team picker), else at the top."""
    renamed = {"team": "shared_team"} if "shared_team" in form.fields else {}
    placed = False
    for name, messages in error.fields.items():
        target = renamed.get(name, name)
        if target in form.fields:
            for message in messages if isinstance(messages, list) else [messages]:
                form.add_error(target, str(message))
            placed = True
    if not placed:
        form.add_error(None, error.message)
