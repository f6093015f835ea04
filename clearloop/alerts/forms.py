"""The alert rule form; the service judges. Choices of listening rules and webhook
endpoints are the organization's own, so another organization's id is a form error."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clearloop.accounts.models import Organization
from clearloop.alerts.models import ChannelKind, Comparison, RuleKind
from clearloop.feedback.models import ListeningRule
from clearloop.feedback.selectors import listening_rules_list
from clearloop.goals.forms import scope_choices
from clearloop.goals.measure import Metric
from clearloop.webhooks.models import WebhookEndpoint


class AlertRuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=RuleKind.choices)
    metric = forms.ChoiceField(
        label=_("Metric"),
        choices=[("", "—"), *Metric.choices],
        required=False,
        help_text=_("For threshold and anomaly rules."),
    )
    listening_rule = forms.ModelChoiceField(
        label=_("Listening rule"),
        queryset=ListeningRule.objects.none(),
        required=False,
        help_text=_("For a spike rule: alert when its daily matches rise beyond the usual."),
    )
    scope = forms.ChoiceField(label=_("Scope"))
    comparison = forms.ChoiceField(label=_("Fires when the figure is"), choices=Comparison.choices)
    threshold = forms.FloatField(
        label=_("Threshold"),
        required=False,
        help_text=_(
            "For an SLA breach rate rule: a percentage of cases due; leave empty to be told "
            "when the rate rises beyond the usual instead."
        ),
    )
    window_days = forms.IntegerField(
        label=_("Over the last (days)"), initial=7, min_value=1, max_value=90
    )
    minimum_n = forms.IntegerField(
        label=_("With at least (answers)"),
        initial=30,
        min_value=1,
        help_text=_("For an SLA breach rate threshold: cases due over the window."),
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"), choices=ChannelKind.choices, widget=forms.CheckboxSelectMultiple,
        initial=[ChannelKind.IN_APP],
    )  # fmt: skip
    email_to = forms.CharField(label=_("Email recipients (comma-separated)"), required=False)
    webhook_url = forms.URLField(
        label=_("Slack-compatible webhook URL"), required=False, assume_scheme="https"
    )
    webhook_endpoint = forms.ModelChoiceField(
        label=_("Signed webhook endpoint"),
        queryset=WebhookEndpoint.objects.none(),
        required=False,
        help_text=_("Registered by an admin under the API's webhooks; the alert is signed."),
    )
    quiet_hours = forms.IntegerField(label=_("Quiet period (hours)"), initial=24, min_value=0)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scope_choices(organization)  # type: ignore[attr-defined]
        self.fields["listening_rule"].queryset = listening_rules_list(  # type: ignore[attr-defined]
            organization=organization
        )
        self.fields["webhook_endpoint"].queryset = (  # type: ignore[attr-defined]
            WebhookEndpoint.objects.for_organization(organization).filter(active=True)
        )
