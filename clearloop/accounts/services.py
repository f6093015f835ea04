"""Writes for organizations, people, teams, invitations and API tokens.

Every function is keyword-only, runs in one transaction, and sends mail only after commit.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from clearloop.accounts.models import (
    ApiToken,
    MemberInvitation,
    MemberInvitationStatus,
    Membership,
    Organization,
    Team,
    User,
)
from clearloop.accounts.roles import Capability, Role, role_may_grant
from clearloop.accounts.tokens import digest, new_secret
from clearloop.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from clearloop.core.tasks import enqueue_on_commit

INVITATION_LIFETIME = timedelta(days=7)
TOKEN_PREFIX = "cl_"  # noqa: S105 -- a public marker, not a secret


def _require(membership: Membership, capability: Capability) -> None:
    if not membership.allows(capability):
        raise PermissionDenied(_("Your role does not allow this."))


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "org"
    slug, counter = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


@transaction.atomic
def organization_create(
    *, name: str, owner: User, default_language: str = "en", time_zone: str = "UTC"
) -> Organization:
    if not name.strip():
        raise ValidationFailed(_("An organization needs a name."), fields={"name": "required"})
    organization = Organization.objects.create(
        name=name.strip(),
        slug=_unique_slug(name),
        default_language=default_language,
        time_zone=time_zone,
    )
    Membership.objects.create(organization=organization, user=owner, role=Role.OWNER)
    return organization


def member_add(*, organization: Organization, user: User, role: str) -> Membership:
    try:
        with transaction.atomic():
            return Membership.objects.create(organization=organization, user=user, role=role)
    except IntegrityError as error:
        raise Conflict(_("This person is already a member.")) from error


@transaction.atomic
def member_change_role(*, membership: Membership, role: str, by: Membership) -> Membership:
    _require(by, Capability.MANAGE_MEMBERS)
    if membership.organization_id != by.organization_id:
        raise NotFound(_("No such member."))
    if not role_may_grant(by.role, role) or not role_may_grant(by.role, membership.role):
        raise PermissionDenied(_("You cannot give or take a role above your own."))
    if membership.role == Role.OWNER and role != Role.OWNER:
        owners = Membership.objects.filter(
            organization_id=membership.organization_id, role=Role.OWNER
        ).count()
        if owners <= 1:
            raise Conflict(_("An organization keeps at least one owner."))
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    return membership


@transaction.atomic
def member_remove(*, membership: Membership, by: Membership) -> None:
    _require(by, Capability.MANAGE_MEMBERS)
    if membership.organization_id != by.organization_id:
        raise NotFound(_("No such member."))
    if not role_may_grant(by.role, membership.role):
        raise PermissionDenied(_("You cannot remove someone above your own role."))
    if (
        membership.role == Role.OWNER
        and Membership.objects.filter(
            organization_id=membership.organization_id, role=Role.OWNER
        ).count()
        <= 1
    ):
        raise Conflict(_("An organization keeps at least one owner."))
    membership.delete()


@transaction.atomic
def organization_update(
    *, organization: Organization, name: str, default_language: str, time_zone: str, by: Membership
) -> Organization:
    _require(by, Capability.MANAGE_ORGANIZATION)
    if not name.strip():
        raise ValidationFailed(_("An organization needs a name."), fields={"name": "required"})
    organization.name = name.strip()
    organization.default_language = default_language
    organization.time_zone = time_zone
    organization.save(update_fields=["name", "default_language", "time_zone", "updated_at"])
    return organization


def user_update_preferences(*, user: User, full_name: str, language: str, time_zone: str) -> User:
    user.full_name = full_name.strip()
    user.language = language
    user.time_zone = time_zone
    user.save(update_fields=["full_name", "language", "time_zone"])
    return user


# --- Teams ---------------------------------------------------------------------------


@transaction.atomic
def team_create(
    *,
    organization: Organization,
    name: str,
    description: str = "",
    member_ids: list[int] | None = None,
    by: Membership | None = None,
) -> Team:
    if by is not None:
        _require(by, Capability.MANAGE_TEAMS)
    if not name.strip():
        raise ValidationFailed(_("A team needs a name."), fields={"name": "required"})
    if Team.objects.for_organization(organization).filter(name__iexact=name.strip()).exists():
        raise Conflict(_("A team with this name already exists."), fields={"name": "duplicate"})
    team = Team.objects.create(
        organization=organization, name=name.strip(), description=description
    )
    if member_ids is not None:
        _set_members(team, member_ids)
    return team


@transaction.atomic
def team_update(
    *, team: Team, name: str, description: str, member_ids: list[int] | None = None, by: Membership
) -> Team:
    """Rename a team and, when `member_ids` is given, replace its members, all or nothing."""
    _require(by, Capability.MANAGE_TEAMS)
    if not name.strip():
        raise ValidationFailed(_("A team needs a name."), fields={"name": "required"})
    clash = (
        Team.objects.for_organization(team.organization_id)
        .filter(name__iexact=name.strip())
        .exclude(pk=team.pk)
    )
    if clash.exists():
        raise Conflict(_("A team with this name already exists."), fields={"name": "duplicate"})
    team.name, team.description = name.strip(), description
    team.save(update_fields=["name", "description", "updated_at"])
    if member_ids is not None:
        _set_members(team, member_ids)
    return team


def _set_members(team: Team, user_ids: list[int]) -> None:
    """Every user must be a member of the team's organization (no foreign users)."""
    allowed = set(
        Membership.objects.filter(
            organization_id=team.organization_id, user_id__in=user_ids
        ).values_list("user_id", flat=True)
    )
    unknown = sorted(set(user_ids) - allowed)
    if unknown:
        raise ValidationFailed(
            _("These people are not members of this organization: %(ids)s")
            % {"ids": ", ".join(map(str, unknown))},
            fields={"members": "unknown"},
        )
    team.members.set(allowed)


def team_delete(*, team: Team, by: Membership) -> None:
    _require(by, Capability.MANAGE_TEAMS)
    team.delete()


# --- Invitations ---------------------------------------------------------------------


@transaction.atomic
def invitation_create(
    *, organization: Organization, email: str, role: str, by: Membership
) -> MemberInvitation:
    """Invite a teammate by email; the email goes out from a background task."""
    _require(by, Capability.MANAGE_MEMBERS)
    if not role_may_grant(by.role, role):
        raise PermissionDenied(_("You cannot invite someone with a role above your own."))
    email = email.strip().lower()
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise Conflict(_("This person is already a member."), fields={"email": "member"})
    MemberInvitation.objects.for_organization(organization).filter(
        email=email, status=MemberInvitationStatus.PENDING
    ).update(status=MemberInvitationStatus.REVOKED)
    invitation = MemberInvitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        token_hash=digest(new_secret()),  # unusable until sending issues the real token
        invited_by=by.user,
        expires_at=timezone.now() + INVITATION_LIFETIME,
    )
    from clearloop.accounts.tasks import invitation_email_send

    enqueue_on_commit(invitation_email_send, invitation_id=invitation.pk)
    return invitation


def invitation_issue_token(*, invitation: MemberInvitation) -> str:
    """Give the invitation a fresh token (the previous link stops working) and return it."""
    token = new_secret()
    invitation.token_hash = digest(token)
    invitation.save(update_fields=["token_hash", "updated_at"])
    return token


def invitation_send(*, invitation_id: int) -> bool:
    """Email the invitation link. Safe to run twice: a pending invitation gets a new link
    (the old one stops working), anything else is left alone. Returns whether it sent."""
    with transaction.atomic():
        invitation = (
            MemberInvitation.objects.select_for_update(of=("self",))
            .select_related("organization", "invited_by")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or not invitation.is_usable:
            return False
        token = invitation_issue_token(invitation=invitation)
    _send_invitation_email(invitation, token)
    MemberInvitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    return True


def invitation_resend(*, invitation: MemberInvitation, by: Membership) -> None:
    _require(by, Capability.MANAGE_MEMBERS)
    if not invitation.is_usable:
        raise Conflict(_("This invitation was accepted, revoked or has expired."))
    from clearloop.accounts.tasks import invitation_email_send

    enqueue_on_commit(invitation_email_send, invitation_id=invitation.pk)


def _send_invitation_email(invitation: MemberInvitation, token: str) -> None:
    inviter = invitation.invited_by
    language = (
        inviter.language
        if inviter and inviter.language
        else invitation.organization.default_language
    )
    link = settings.SITE_URL + reverse("accounts:accept_invitation", args=[token])
    with translation.override(language):
        context = {
            "invitation": invitation,
            "link": link,
            "inviter": inviter,
            "organization": invitation.organization,
        }
        subject = _("You are invited to %(organization)s on Clearloop") % {
            "organization": invitation.organization.name
        }
        body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject, body, None, [invitation.email])


def invitation_find(*, token: str) -> MemberInvitation:
    """The pending, unexpired invitation for `token`; the same error for every failure so
    the answer reveals nothing about which invitations exist."""
    invitation = (
        MemberInvitation.objects.select_related("organization")
        .filter(token_hash=digest(token))
        .first()
    )
    if invitation is None or not invitation.is_usable:
        raise NotFound(_("This invitation link is invalid or has expired."))
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> Membership:
    invitation = invitation_find(token=token)
    invitation = MemberInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise NotFound(_("This invitation link is invalid or has expired."))
    if user.email.lower() != invitation.email:
        raise PermissionDenied(
            _("This invitation was sent to another email address. Sign in as %(email)s.")
            % {"email": invitation.email}
        )
    membership, _created = Membership.objects.get_or_create(
        organization_id=invitation.organization_id,
        user=user,
        defaults={"role": invitation.role},
    )
    invitation.status = MemberInvitationStatus.ACCEPTED
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["status", "accepted_at", "updated_at"])
    return membership


def invitation_revoke(*, invitation: MemberInvitation, by: Membership) -> None:
    _require(by, Capability.MANAGE_MEMBERS)
    invitation.status = MemberInvitationStatus.REVOKED
    invitation.save(update_fields=["status", "updated_at"])


# --- API tokens ----------------------------------------------------------------------


def api_token_create(
    *, organization: Organization, name: str, role: str, by: Membership
) -> tuple[ApiToken, str]:
    """Create a token; the returned secret is shown once and never stored."""
    _require(by, Capability.MANAGE_API_TOKENS)
    if not name.strip():
        raise ValidationFailed(_("Give the token a name."), fields={"name": "required"})
    if not role_may_grant(by.role, role):
        raise PermissionDenied(_("A token cannot have a role above your own."))
    secret = new_secret()
    prefix = secret[:8]
    token = ApiToken.objects.create(
        organization=organization,
        name=name.strip(),
        prefix=prefix,
        key_hash=digest(TOKEN_PREFIX + secret),
        role=role,
        created_by=by.user,
    )
    return token, TOKEN_PREFIX + secret


def api_token_revoke(*, token: ApiToken, by: Membership) -> ApiToken:
    _require(by, Capability.MANAGE_API_TOKENS)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
    return token
