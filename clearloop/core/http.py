"""Small HTTP helpers shared by the apps' views."""

from __future__ import annotations

from django.http import HttpResponseBase
from django.utils.http import content_disposition_header


def as_attachment(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    """Make `response` a download that is never shown inline nor cached: exports carry
    text written by anonymous respondents, which a browser must not render or sniff."""
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
