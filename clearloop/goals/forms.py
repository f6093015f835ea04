"""Forms of the goal pages. Forms only parse; the services judge (SMART check included),
and their `ValidationFailed` is put back on the fields it names."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from clearloop.accounts.models import Membership, Organization, Team, User
from clearloop.core.errors import ValidationFailed
from clearloop.customers.models import Customer, InteractionChannel, Segment
from clearloop.goals.measure import Metric, Scope, ScopeKind
from clearloop.goals.models import TaskStatus

DATE = forms.DateInput(attrs={"type": "date"})


def add_service_errors(form: forms.BaseForm, error: ValidationFailed) -> None:
    placed = False
    for name, messages in error.fields.items():
        if name in form.fields:
            for message in messages if isinstance(messages, list) else [messages]:
                form.add_error(name, str(message))
            placed = True
    if not placed:
        form.add_error(None, error.message)


def scope_choices(organization: Organization) -> list[tuple[str, Any]]:
    """Every scope a goal can cover, as "kind:value" options (four small queries)."""
    choices: list[tuple[str, Any]] = [("organization:", ScopeKind.ORGANIZATION.label)]
    for team in Team.objects.for_organization(organization).order_by("name"):
        choices.append((f"team:{team.pk}", f"{ScopeKind.TEAM.label}: {team.name}"))
    for value, label in InteractionChannel.choices:
        choices.append((f"channel:{value}", f"{ScopeKind.CHANNEL.label}: {label}"))
    regions = (
        Customer.objects.for_organization(organization)
        .exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()[:50]
    )
    for region in regions:
        choices.append((f"region:{region}", f"{ScopeKind.REGION.label}: {region}"))
    for segment in Segment.objects.for_organization(organization).order_by("name"):
        choices.append((f"segment:{segment.pk}", f"{ScopeKind.SEGMENT.label}: {segment.name}"))
    return choices


def parse_scope(value: str) -> Scope:
    kind, _sep, rest = value.partition(":")
    return Scope(kind, rest)


def member_choices(organization: Organization) -> forms.ModelChoiceField:
    users = User.objects.filter(
        pk__in=Membership.objects.filter(organization=organization).values("user_id")
    ).order_by("full_name", "email")
    return forms.ModelChoiceField(queryset=users, label=_("Owner"))


class GoalForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    metric = forms.ChoiceField(label=_("Metric"), choices=Metric.choices)
    scope = forms.ChoiceField(label=_("Scope"))
    baseline_start = forms.DateField(label=_("Baseline from"), widget=DATE)
    baseline_end = forms.DateField(label=_("Baseline to"), widget=DATE)
    target = forms.FloatField(label=_("Target"))
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = scope_choices(organization)  # type: ignore[attr-defined]
        self.fields["owner"] = member_choices(organization)


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    started_on = forms.DateField(label=_("Started on"), widget=DATE, required=False)
    comparison = forms.ChoiceField(
        label=_("Compare with (not touched by the action)"), required=False
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["comparison"].choices = [("", _("No comparison")), *scope_choices(organization)]  # type: ignore[attr-defined]


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner"] = member_choices(organization)


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(choices=TaskStatus.choices)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
