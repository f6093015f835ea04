"""The alert rule form; the service judges."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clearloop.accounts.models import Organization
from clearloop.alerts.models import ChannelKind, Comparison, RuleKind
from clearloop.goals.forms import scope_choices
from clearloop.goals.measure import Metric


class AlertRuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=RuleKind.choices)
    metric = forms.ChoiceField(label=_("Metric"), choices=Metric.choices)
    scope = forms.ChoiceField(label=_("Scope"))
    comparison = forms.ChoiceField(label=_("Fires when the figure is"), choices=Comparison.choices)
    threshold = forms.FloatField(label=_("Threshold"), required=False)
    window_days = forms.IntegerField(
        label=_("Over the last (days)"), initial=7, min_value=1, max_value=90
    )
    minimum_n = forms.IntegerField(label=_("With at least (answers)"), initial=30, min_value=1)
    channels = forms.MultipleChoiceField(
        label=_("Channels"), choices=ChannelKind.choices, widget=forms.CheckboxSelectMultiple,
        initial=[ChannelKind.IN_APP],
    )  # fmt: skip
    email_to = forms.CharField(label=_("Email recipients (comma-separated)"), required=False)
    webhook_url = forms.URLField(
        label=_("Slack-compatible webhook URL"), required=False, assume_scheme="https"
    )
    quiet_hours = forms.IntegerField(label=_("Quiet period (hours)"), initial=24, min_value=0)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scope_choices(organization)  # type: ignore[attr-defined]
