"""Web views for signing in, preferences, switching organization, members, teams and
API tokens. Each view parses input, calls one service, and renders."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from clearloop.accounts import selectors, services
from clearloop.accounts.decorators import OrganizationRequest, member_required
from clearloop.accounts.forms import (
    AcceptInvitationSignUpForm,
    ApiTokenForm,
    ChangeRoleForm,
    InviteMemberForm,
    OrganizationSettingsForm,
    PreferencesForm,
    SignInForm,
    TeamForm,
)
from clearloop.accounts.middleware import SESSION_ORGANIZATION_KEY
from clearloop.accounts.models import ApiToken, MemberInvitation, Membership, Team, User
from clearloop.accounts.roles import Capability
from clearloop.core.errors import ClearloopError
from clearloop.core.scoping import get_for_organization_or_404

DEMO_OWNER_EMAIL = "owner@demo.clearloop.test"


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Outside production, a database seeded with the demo says how to get in.
        if not settings.PRODUCTION and User.objects.filter(email=DEMO_OWNER_EMAIL).exists():
            context["demo_login"] = {
                "email": DEMO_OWNER_EMAIL,
                "password": settings.CLEARLOOP_DEMO_PASSWORD,
            }
        return context


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Remember the chosen language on the account (if signed in) and in the cookie."""
    language = request.POST.get("language", "")
    user = request.user
    if user.is_authenticated and check_for_language(language):
        assert isinstance(user, User)
        user.language = language
        user.save(update_fields=["language"])
    return set_language(request)


@member_required()
@require_POST
def switch_organization(request: OrganizationRequest) -> HttpResponse:
    try:
        organization_id = int(request.POST.get("organization", ""))
    except ValueError:
        organization_id = -1
    membership = get_object_or_404(Membership, user=request.user, organization_id=organization_id)
    request.session[SESSION_ORGANIZATION_KEY] = membership.organization_id
    return redirect(reverse("web:home"))


@member_required()
def preferences(request: OrganizationRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    form = PreferencesForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.user_update_preferences(user=user, **form.cleaned_data)
        messages.success(request, _("Your preferences are saved."))
        response = redirect("accounts:preferences")
        if user.language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                user.language,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response
    return render(
        request, "accounts/settings_form.html", {"form": form, "title": _("My preferences")}
    )


@member_required(Capability.MANAGE_ORGANIZATION)
def organization_settings(request: OrganizationRequest) -> HttpResponse:
    form = OrganizationSettingsForm(request.POST or None, instance=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(
                organization=request.organization, by=request.membership, **form.cleaned_data
            )
        except ClearloopError as error:
            form.add_error(None, error.message)
            return _organization_page(request, form)
        messages.success(request, _("Organization settings are saved."))
        return redirect("accounts:organization")
    return _organization_page(request, form)


def _organization_page(request: HttpRequest, form: OrganizationSettingsForm) -> HttpResponse:
    return render(
        request, "accounts/settings_form.html", {"form": form, "title": _("Organization")}
    )


# --- Members -------------------------------------------------------------------------


@member_required(Capability.MANAGE_MEMBERS)
def members(request: OrganizationRequest) -> HttpResponse:
    me = request.membership
    form = InviteMemberForm(request.POST or None, granter_role=me.role)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                organization=request.organization,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=me,
            )
        except ClearloopError as error:
            form.add_error("email", error.message)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("accounts:members")
    context = {
        "invite_form": form,
        "members": selectors.members_of(organization=request.organization),
        "invitations": selectors.pending_invitations(organization=request.organization),
        "role_form": ChangeRoleForm(granter_role=me.role),
    }
    return render(request, "accounts/members.html", context)


@member_required(Capability.MANAGE_MEMBERS)
@require_POST
def member_change_role(request: OrganizationRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership, pk=pk, organization=request.organization)
    form = ChangeRoleForm(request.POST, granter_role=request.membership.role)
    if form.is_valid():
        try:
            services.member_change_role(
                membership=membership, role=form.cleaned_data["role"], by=request.membership
            )
            messages.success(request, _("Role changed."))
        except ClearloopError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Choose a role you may grant."))
    return redirect("accounts:members")


@member_required(Capability.MANAGE_MEMBERS)
@require_POST
def member_remove(request: OrganizationRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership, pk=pk, organization=request.organization)
    try:
        services.member_remove(membership=membership, by=request.membership)
        messages.success(request, _("Member removed."))
    except ClearloopError as error:
        messages.error(request, error.message)
    return redirect("accounts:members")


@member_required(Capability.MANAGE_MEMBERS)
@require_POST
def invitation_revoke(request: OrganizationRequest, pk: int) -> HttpResponse:
    invitation = get_for_organization_or_404(
        MemberInvitation, organization=request.organization, pk=pk
    )
    services.invitation_revoke(invitation=invitation, by=request.membership)
    messages.success(request, _("Invitation revoked."))
    return redirect("accounts:members")


@member_required(Capability.MANAGE_MEMBERS)
@require_POST
def invitation_resend(request: OrganizationRequest, pk: int) -> HttpResponse:
    invitation = get_for_organization_or_404(
        MemberInvitation, organization=request.organization, pk=pk
    )
    try:
        services.invitation_resend(invitation=invitation, by=request.membership)
        messages.success(
            request, _("Invitation sent again to %(email)s.") % {"email": invitation.email}
        )
    except ClearloopError as error:
        messages.error(request, error.message)
    return redirect("accounts:members")


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation email. Signed-in people accept with one click; people
    without an account create one here; people with an account sign in first."""
    try:
        invitation = services.invitation_find(token=token)
    except ClearloopError as error:
        return render(
            request, "accounts/invitation_invalid.html", {"message": error.message}, status=404
        )
    has_account = User.objects.filter(email__iexact=invitation.email).exists()
    if request.user.is_authenticated:
        return _accept_signed_in(request, token, invitation)
    if has_account:
        login_url = reverse("accounts:login") + "?next=" + request.path
        return render(
            request,
            "accounts/invitation_sign_in.html",
            {"invitation": invitation, "login_url": login_url},
        )
    return _accept_with_new_account(request, token, invitation)


def _accept_signed_in(
    request: HttpRequest, token: str, invitation: MemberInvitation
) -> HttpResponse:
    if request.method == "POST":
        assert isinstance(request.user, User)
        try:
            membership = services.invitation_accept(token=token, user=request.user)
        except ClearloopError as error:
            messages.error(request, error.message)
            return redirect("web:home")
        request.session[SESSION_ORGANIZATION_KEY] = membership.organization_id
        messages.success(
            request,
            _("Welcome to %(organization)s.") % {"organization": membership.organization.name},
        )
        return redirect("web:home")
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation})


def _accept_with_new_account(
    request: HttpRequest, token: str, invitation: MemberInvitation
) -> HttpResponse:
    form = AcceptInvitationSignUpForm(
        request.POST or None,
        email=invitation.email,
        initial={
            "language": invitation.organization.default_language,
            "time_zone": invitation.organization.time_zone,
        },
    )
    if request.method == "POST" and form.is_valid():
        user = User.objects.create_user(
            invitation.email,
            form.cleaned_data["password"],
            full_name=form.cleaned_data["full_name"],
            language=form.cleaned_data["language"],
            time_zone=form.cleaned_data["time_zone"],
        )
        try:
            membership = services.invitation_accept(token=token, user=user)
        except ClearloopError as error:
            user.delete()
            return render(
                request, "accounts/invitation_invalid.html", {"message": error.message}, status=404
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        request.session[SESSION_ORGANIZATION_KEY] = membership.organization_id
        return redirect("web:home")
    return render(
        request, "accounts/invitation_sign_up.html", {"invitation": invitation, "form": form}
    )


# --- Teams ---------------------------------------------------------------------------


@member_required(Capability.VIEW_DASHBOARDS)
def teams(request: OrganizationRequest) -> HttpResponse:
    can_manage = request.membership.allows(Capability.MANAGE_TEAMS)
    form = TeamForm(request.POST or None)
    if request.method == "POST" and can_manage and form.is_valid():
        try:
            services.team_create(
                organization=request.organization, by=request.membership, **form.cleaned_data
            )
        except ClearloopError as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, _("Team created."))
            return redirect("accounts:teams")
    team_list = Team.objects.for_organization(request.organization).prefetch_related("members")
    return render(
        request, "accounts/teams.html", {"teams": team_list, "form": form, "can_manage": can_manage}
    )


@member_required(Capability.MANAGE_TEAMS)
def team_edit(request: OrganizationRequest, pk: int) -> HttpResponse:
    team = get_for_organization_or_404(Team, organization=request.organization, pk=pk)
    form = TeamForm(request.POST or None, instance=team)
    people = selectors.members_of(organization=request.organization)
    if request.method == "POST" and form.is_valid():
        try:
            member_ids = [int(v) for v in request.POST.getlist("members") if v.isdigit()]
            services.team_update(
                team=team,
                by=request.membership,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                member_ids=member_ids,
            )
        except ClearloopError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Team saved."))
            return redirect("accounts:teams")
    selected = set(team.members.values_list("pk", flat=True))
    return render(
        request,
        "accounts/team_edit.html",
        {"team": team, "form": form, "people": people, "selected": selected},
    )


@member_required(Capability.MANAGE_TEAMS)
@require_POST
def team_delete(request: OrganizationRequest, pk: int) -> HttpResponse:
    team = get_for_organization_or_404(Team, organization=request.organization, pk=pk)
    services.team_delete(team=team, by=request.membership)
    messages.success(request, _("Team deleted."))
    return redirect("accounts:teams")


# --- API tokens ----------------------------------------------------------------------


@member_required(Capability.MANAGE_API_TOKENS)
def api_tokens(request: OrganizationRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None, granter_role=request.membership.role)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = services.api_token_create(
                organization=request.organization, by=request.membership, **form.cleaned_data
            )
        except ClearloopError as error:
            form.add_error(None, error.message)
        else:
            form = ApiTokenForm(granter_role=request.membership.role)
    tokens = selectors.api_tokens_of(organization=request.organization)
    response = render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": tokens, "new_secret": new_secret},
    )
    response["Cache-Control"] = "no-store"  # the secret is shown once and never cached
    return response


@member_required(Capability.MANAGE_API_TOKENS)
@require_POST
def api_token_revoke(request: OrganizationRequest, pk: int) -> HttpResponseRedirect:
    token = get_for_organization_or_404(ApiToken, organization=request.organization, pk=pk)
    services.api_token_revoke(token=token, by=request.membership)
    messages.success(request, _("Token revoked. Requests using it are refused from now on."))
    return redirect("accounts:api_tokens")
