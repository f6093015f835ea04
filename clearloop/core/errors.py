"""The one error tree of Clearloop, and where each branch maps to HTTP.

    ClearloopError                      500  something we did not expect
    ├── ValidationFailed                400  input is wrong; `fields` says where and why
    ├── PermissionDenied                403  signed in, but the role does not allow it
    ├── NotFound                        404  missing, or another organization's object
    ├── Conflict                        409  the state forbids it (already used, duplicate)
    └── RateLimited                     429  too many attempts; retry later

Services raise these; the API exception handler and the web views translate them, so
a message written once reaches the user in the same words everywhere. Messages say what
was wrong and how to fix it.
"""

from __future__ import annotations

from typing import Any


class ClearloopError(Exception):
    status_code = 500
    code = "error"
    default_message = "Something went wrong on our side."

    def __init__(self, message: str | None = None, *, fields: dict[str, Any] | None = None):
        self.message = str(message or self.default_message)
        self.fields = fields or {}
        super().__init__(self.message)


class ValidationFailed(ClearloopError):
    status_code = 400
    code = "invalid"
    default_message = "The request is not valid."


class PermissionDenied(ClearloopError):
    status_code = 403
    code = "permission_denied"
    default_message = "Your role does not allow this."


class NotFound(ClearloopError):
    status_code = 404
    code = "not_found"
    default_message = "Not found."


class Conflict(ClearloopError):
    status_code = 409
    code = "conflict"
    default_message = "This conflicts with the current state."


class RateLimited(ClearloopError):
    status_code = 429
    code = "rate_limited"
    default_message = "Too many attempts. Wait a moment and try again."
