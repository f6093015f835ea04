"""REST API plumbing shared by every app: the error format, pagination; the base
permission lives in accounts.authentication. Errors are RFC 9457 problem details:

    {"type": "https://clearloop.dev/errors/not_found", "title": "Not found.",
     "status": 404, "detail": "...", "code": "not_found", "errors": {"field": ["..."]}}
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, pagination
from rest_framework.response import Response

from clearloop.core.errors import ClearloopError

PROBLEM_CONTENT_TYPE = "application/problem+json"
ERROR_TYPE_BASE = "https://clearloop.dev/errors/"

_TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    429: "Too many requests",
    500: "Server error",
}


def problem(status: int, code: str, detail: str, errors: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": ERROR_TYPE_BASE + code,
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors:
        body["errors"] = errors
    return body


def _detail_text(detail: Any) -> str:
    if isinstance(detail, list) and detail:
        return _detail_text(detail[0])
    if isinstance(detail, dict):
        return "The request is not valid; see `errors` for each field."
    return str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map every error to one problem-details body. Unknown exceptions return None so
    Django's 500 handler (also problem details under /api/) takes over and logs them."""
    if isinstance(exc, ClearloopError):
        body = problem(exc.status_code, exc.code, exc.message, exc.fields or None)
        return Response(body, status=exc.status_code, content_type=PROBLEM_CONTENT_TYPE)
    if isinstance(exc, exceptions.NotAuthenticated):
        auth_header = getattr(exc, "auth_header", None)
        exc = exceptions.NotAuthenticated(
            "Authenticate with an API token: 'Authorization: Bearer <token>'."
        )
        exc.auth_header = auth_header  # type: ignore[attr-defined]
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    errors = exc.detail if isinstance(exc.detail, dict | list) else None
    if isinstance(errors, list):
        errors = {"non_field_errors": errors}
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else getattr(exc, "default_code", "invalid")
    body = problem(exc.status_code, str(code), _detail_text(exc.detail), errors)
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]
    return Response(
        body, status=exc.status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE
    )


def problem_response(request: HttpRequest, status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse(
        problem(status, code, detail), status=status, content_type=PROBLEM_CONTENT_TYPE
    )


class CursorPagination(pagination.CursorPagination):
    """Stable pagination under concurrent inserts; clients follow `next` links."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-created_at"
