"""How every report leaves the server: as an attachment with a plain file name, never
rendered inline (DESIGN.md security 3), and never cached by a shared proxy."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from clearloop.reports.exporting import CONTENT_TYPES
from clearloop.reports.selectors import ReportQuery


def file_name(kind: str, query: ReportQuery, file_format: str) -> str:
    filters = query.filters
    start = filters.date_from.isoformat() if filters.date_from else "start"
    end = filters.date_to.isoformat() if filters.date_to else "today"
    return f"clearloop-{kind}-{start}-{end}.{file_format}"


def attachment(content: bytes, *, filename: str, file_format: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
