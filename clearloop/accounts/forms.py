"""Forms for signing in, preferences, members, teams and API tokens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from clearloop.accounts.models import TIME_ZONE_CHOICES, Language, Organization, Team, User
from clearloop.accounts.roles import Role, role_may_grant


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language", "time_zone"]


class OrganizationSettingsForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "default_language", "time_zone"]


def _grantable_roles(granter_role: str) -> list[tuple[str, Any]]:
    return [(value, label) for value, label in Role.choices if role_may_grant(granter_role, value)]


class InviteMemberForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.AGENT)

    def __init__(self, *args: Any, granter_role: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _grantable_roles(granter_role)  # type: ignore[attr-defined]


class ChangeRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args: Any, granter_role: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _grantable_roles(granter_role)  # type: ignore[attr-defined]


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=120, help_text=_("What uses this token, e.g. “Helpdesk sync”.")
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.ANALYST)

    def __init__(self, *args: Any, granter_role: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _grantable_roles(granter_role)  # type: ignore[attr-defined]


class AcceptInvitationSignUpForm(forms.Form):
    """For an invited person who has no account yet."""

    full_name = forms.CharField(label=_("Your name"), max_length=200)
    password = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)

    def __init__(self, *args: Any, email: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        password_validation.validate_password(password, User(email=self.email))
        return password
