"""Bearer-token authentication for the REST API. A token acts for one organization with
the role it was given; `request.organization` and `request.membership`-like role are set."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from clearloop.accounts.models import ApiToken
from clearloop.accounts.selectors import api_token_by_secret

# Avoid a write on every request: record use at most once a minute.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenPrincipal:
    """What `request.user` is for a token request: the token, acting with its role."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, token: ApiToken):
        self.token = token
        self.organization = token.organization
        self.role = token.role
        self.pk = None

    def __str__(self) -> str:
        return f"token:{self.token.prefix}"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[TokenPrincipal, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header:
            return None
        if header[0].lower() not in {"bearer", "token"}:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as 'Authorization: Bearer <token>'."
            )
        token = api_token_by_secret(secret=header[1])
        if token is None:
            raise exceptions.AuthenticationFailed("The token is invalid or has been revoked.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        request._request.organization = token.organization  # type: ignore[attr-defined]
        return TokenPrincipal(token), token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
