"""Error pages: problem-details JSON under /api/, friendly pages elsewhere."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from clearloop.core.api import problem_response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    body: str
    try:
        body = render_to_string(
            "web/error.html",
            {"status": status, "title": title, "message": message},
            request=request,
        )
    except Exception:  # a broken template must not hide the original error
        body = f"<h1>{status}</h1><p>{message}</p>"
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return problem_response(request, 400, "bad_request", "The request is malformed.")
    return _page(request, 400, _("Bad request"), _("The request could not be understood."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return problem_response(request, 403, "permission_denied", "Your role does not allow this.")
    return _page(
        request,
        403,
        _("Not allowed"),
        _("Your role in this organization does not allow this. Ask an admin."),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return problem_response(request, 404, "not_found", "Not found.")
    return _page(
        request,
        404,
        _("Not found"),
        _("There is nothing here. It may have moved, or it belongs to another organization."),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return problem_response(
            request, 500, "server_error", "Something went wrong on our side. It has been logged."
        )
    return _page(
        request,
        500,
        _("Something went wrong"),
        _("Something went wrong on our side. It has been logged; please try again."),
    )
