"""View guards: a signed-in member of the active organization, with a capability, and the
request type views behind them receive."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from clearloop.accounts.models import Membership, Organization, User
from clearloop.accounts.roles import Capability

View = Callable[..., HttpResponse]


class OrganizationRequest(HttpRequest):
    """What a view behind `member_required` receives (set by CurrentOrganizationMiddleware)."""

    user: User
    organization: Organization
    membership: Membership
    htmx: HtmxDetails


def member_required(capability: Capability | None = None) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = getattr(request, "membership", None)
            if membership is None:
                return render(request, "accounts/no_organization.html", status=403)
            if capability is not None and not membership.allows(capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
