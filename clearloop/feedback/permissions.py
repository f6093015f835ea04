"""Who may change the inbox: tag items, manage tags, tagging and listening rules, and
shared saved views.

roles.py has no capability for this yet; until it has one (proposed: TAG_FEEDBACK for
agents, analysts and above), whoever works cases or builds surveys may curate feedback,
and a viewer only reads. Views and the API ask `may_curate` and nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework import permissions

from clearloop.accounts.authentication import TokenPrincipal
from clearloop.accounts.roles import Capability, role_allows

if TYPE_CHECKING:
    from rest_framework.request import Request

CURATORS = (Capability.WORK_CASES, Capability.MANAGE_SURVEYS)


def may_curate(role: str) -> bool:
    return any(role_allows(role, capability) for capability in CURATORS)


class MayCurateFeedback(permissions.BasePermission):
    """API: reads need VIEW_FEEDBACK (checked by IsOrganizationMember); writes need a
    curating role."""

    message = "This token's role does not allow changing feedback tags or rules."

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        principal = request.user
        return isinstance(principal, TokenPrincipal) and may_curate(principal.role)
