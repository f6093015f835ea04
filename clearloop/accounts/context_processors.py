from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from clearloop.accounts.roles import CAPABILITIES
from clearloop.accounts.selectors import memberships_of


def organization(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    if membership is None or user is None or not user.is_authenticated:
        return {"current_organization": None, "current_membership": None}
    return {
        "current_organization": membership.organization,
        "current_membership": membership,
        "can": {capability.value: True for capability in CAPABILITIES[membership.role]},
        "my_memberships": memberships_of(user=user),
    }
