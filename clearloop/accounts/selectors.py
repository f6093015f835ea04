"""Reads for organizations and people."""

from __future__ import annotations

from django.db.models import QuerySet

from clearloop.accounts.models import ApiToken, MemberInvitation, Membership, Organization, User
from clearloop.accounts.tokens import digest


def memberships_of(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organization")
        .order_by("organization__name")
    )


def membership_for(*, user: User, organization_id: int | None) -> Membership | None:
    if organization_id is None:
        return None
    return (
        Membership.objects.select_related("organization")
        .filter(user=user, organization_id=organization_id)
        .first()
    )


def members_of(*, organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def pending_invitations(*, organization: Organization) -> QuerySet[MemberInvitation]:
    return (
        MemberInvitation.objects.for_organization(organization)
        .filter(status="pending")
        .select_related("invited_by")
    )


def api_tokens_of(*, organization: Organization) -> QuerySet[ApiToken]:
    return ApiToken.objects.for_organization(organization).select_related("created_by")


def api_token_by_secret(*, secret: str) -> ApiToken | None:
    return (
        ApiToken.objects.select_related("organization")
        .filter(key_hash=digest(secret), revoked_at__isnull=True)
        .first()
    )
