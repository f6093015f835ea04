"""The base permission of every API endpoint: an organization-scoped token whose role
allows what the view names in `required_capability`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework import permissions
from rest_framework.request import Request

from clearloop.accounts.authentication import TokenPrincipal
from clearloop.accounts.roles import role_allows

if TYPE_CHECKING:
    from rest_framework.views import APIView


class IsOrganizationMember(permissions.BasePermission):
    """A request must be made with an organization-scoped API token. Views that need more
    name a capability in `required_capability` (or a dict per HTTP method)."""

    message = "Authenticate with an API token: 'Authorization: Bearer <token>'."

    def has_permission(self, request: Request, view: APIView) -> bool:
        principal = request.user
        if not isinstance(principal, TokenPrincipal):
            return False
        capability = getattr(view, "required_capability", None)
        if isinstance(capability, dict):
            capability = capability.get(request.method or "GET")
        if capability and not role_allows(principal.role, capability):
            self.message = "This token's role does not allow this request."
            return False
        return True


def request_organization(request: Any) -> Any:
    """The organization an API request acts for (set by token authentication)."""
    return request.user.organization


class OrganizationScopedAPIMixin:
    """Base for API views over one organization's rows: subclasses name `model` and
    implement `organization_queryset(organization)`; nothing else can be listed or reached.
    Schema generation (no token, no organization) sees an empty queryset."""

    model: Any
    request: Any

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.organization_queryset(request_organization(self.request))

    def organization_queryset(self, organization: Any) -> Any:
        raise NotImplementedError
