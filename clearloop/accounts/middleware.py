"""Per-request context: the active organization, the user's language and time zone."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from clearloop.accounts.selectors import membership_for, memberships_of

SESSION_ORGANIZATION_KEY = "clearloop_organization_id"


class CurrentOrganizationMiddleware:
    """Sets `request.membership` and `request.organization` for signed-in users.

    The active organization is remembered in the session; when it is missing or the user
    has lost access, the first organization the user belongs to is used instead.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        request.organization = None  # type: ignore[attr-defined]
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            membership = membership_for(
                user=user, organization_id=request.session.get(SESSION_ORGANIZATION_KEY)
            )
            if membership is None:
                membership = memberships_of(user=user).first()
                if membership is not None:
                    request.session[SESSION_ORGANIZATION_KEY] = membership.organization_id
            if membership is not None:
                request.membership = membership  # type: ignore[attr-defined]
                request.organization = membership.organization  # type: ignore[attr-defined]
        return self.get_response(request)


class UserPreferencesMiddleware:
    """Activate the signed-in user's language (over the browser's) and time zone (else the
    organization's) for everything rendered in this request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = ""
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.language and translation.check_for_language(user.language):
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            organization = getattr(request, "organization", None)
            name = user.time_zone or (organization.time_zone if organization else "")
        try:
            if name:
                timezone.activate(zoneinfo.ZoneInfo(name))
            else:
                timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        return self.get_response(request)
