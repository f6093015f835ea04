"""Security headers Django 5.2 does not set itself.

Every response forbids framing (``frame-ancestors 'none'`` here, ``X-Frame-Options: DENY``
from Django's clickjacking middleware). The one exception is a view that calls
`allow_framing` on its response, naming the exact origins that may frame it: the survey
widget's embedded pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse

DIRECTIVES = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
]

# Everything is served from our own origin: no CDN, no inline script.
CONTENT_SECURITY_POLICY = "; ".join([*DIRECTIVES, "frame-ancestors 'none'"])

# scheme://host[:port], nothing else: no path, no wildcard, nothing that could end the
# directive (";", ",", spaces, quotes) and smuggle another one into the header.
_HOST = re.compile(r"^[a-z0-9.-]+(:[0-9]{1,5})?$|^\[[0-9a-f:.]+\](:[0-9]{1,5})?$")


def web_origin(value: Any) -> str | None:
    """`value` as a serialized web origin (``https://shop.example.com``), or None when it is
    not one. A trailing slash is dropped and scheme and host are lower-cased."""
    if not isinstance(value, str):
        return None
    parts = urlsplit(value.strip().rstrip("/").lower())
    if parts.scheme not in ("http", "https") or parts.path or parts.query or parts.fragment:
        return None
    if "@" in parts.netloc or not _HOST.match(parts.netloc):
        return None
    return f"{parts.scheme}://{parts.netloc}"


def allow_framing(response: HttpResponse, origins: Iterable[str]) -> HttpResponse:
    """Let exactly `origins` frame this one response; anything that is not a web origin is
    dropped, and with none left the response stays unframeable."""
    valid = [origin for origin in map(web_origin, origins) if origin]
    if valid:
        response.frame_ancestors = valid  # type: ignore[attr-defined]
        # Django's XFrameOptionsMiddleware skips responses marked like this.
        response.xframe_options_exempt = True
    return response


def content_security_policy(frame_ancestors: Iterable[str] = ()) -> str:
    ancestors = " ".join(frame_ancestors) or "'none'"
    return "; ".join([*DIRECTIVES, f"frame-ancestors {ancestors}"])


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        ancestors = getattr(response, "frame_ancestors", ())
        response.headers.setdefault("Content-Security-Policy", content_security_policy(ancestors))
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


def relaxed_styles(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For third-party pages (the API docs' Swagger UI) that set inline styles."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
            "style-src 'self'", "style-src 'self' 'unsafe-inline'"
        )
        return response

    return wrapped
