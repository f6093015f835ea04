"""A survey's Exports page: request a CSV or XLSX export of the raw responses, watch its
progress (an htmx fragment polled every second while the worker builds it) and download it.

Everything here needs `EXPORT_DATA`: the files hold respondents' raw answers. The file is
always served as an attachment, with its own content type and `nosniff`, never inline.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clearloop.accounts.decorators import OrganizationRequest, member_required
from clearloop.accounts.roles import Capability
from clearloop.core.errors import ClearloopError, NotFound
from clearloop.core.http import as_attachment
from clearloop.core.scoping import get_for_organization_or_404
from clearloop.surveys.export_jobs import (
    CONTENT_TYPES,
    filters_to_json,
    response_export_detail,
    response_export_file,
    response_export_request,
    response_exports_recent,
)
from clearloop.surveys.forms import ResponseFilterForm
from clearloop.surveys.models import ExportFormat, ExportStatus, ResponseExport, Survey


def _survey(request: OrganizationRequest, pk: int) -> Survey:
    return get_for_organization_or_404(Survey, organization=request.organization, pk=pk)


def _export(survey: Survey, export_pk: int) -> ResponseExport:
    try:
        return response_export_detail(survey=survey, pk=export_pk)
    except NotFound as error:
        raise Http404(error.message) from error


def _filter_labels(filters: dict[str, str]) -> list[str]:
    """A job's stored filters as the filter form words them: "NPS group: Detractors"."""
    fields = ResponseFilterForm().fields
    labels = []
    for key, value in filters.items():
        field = fields.get(key)
        if field is not None:
            shown = dict(getattr(field, "choices", ())).get(value, value)
            labels.append(f"{field.label}: {shown}")
    return labels


def _exports_url(survey: Survey, query: dict[str, str]) -> str:
    url = reverse("web:survey_exports", args=[survey.pk])
    return f"{url}?{urlencode(query)}" if query else url


@require_GET
@member_required(Capability.EXPORT_DATA)
def survey_exports(request: OrganizationRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    form = ResponseFilterForm(request.GET)
    context = {
        "survey": survey,
        "can_export": True,
        "form": form,
        "filters": filters_to_json(form.filters()),
        "formats": ExportFormat.choices,
        "rows": [
            {"export": export, "filters": _filter_labels(export.filters or {})}
            for export in response_exports_recent(survey=survey)
        ],
    }
    return render(request, "surveys/staff/exports.html", context)


@require_POST
@member_required(Capability.EXPORT_DATA)
def survey_export_request(request: OrganizationRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    form = ResponseFilterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Correct the filters, then request the export again."))
        return redirect(_exports_url(survey, {}))
    filters = form.filters()
    try:
        response_export_request(
            survey=survey,
            format=request.POST.get("format", ""),
            filters=filters,
            by=request.membership,
        )
    except ClearloopError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Export requested. It is built in the background; download it below.")
        )
    return redirect(_exports_url(survey, filters_to_json(filters)))


@require_GET
@member_required(Capability.EXPORT_DATA)
def survey_export_status(request: OrganizationRequest, pk: int, export_pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    export = _export(survey, export_pk)
    return render(
        request, "surveys/staff/exports_status.html", {"survey": survey, "export": export}
    )


@require_GET
@member_required(Capability.EXPORT_DATA)
def survey_export_download(request: OrganizationRequest, pk: int, export_pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    export = _export(survey, export_pk)
    if export.status != ExportStatus.DONE:
        messages.error(request, _("This export is not ready to download."))
        return redirect(_exports_url(survey, {}))
    return export_file_response(export, response_export_file(export=export))


def export_file_response(export: ResponseExport, content: bytes) -> HttpResponse:
    """The file as a download: attachment, its own type, not sniffed, not cached."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[ExportFormat(export.format)])
    as_attachment(response, export.filename)
    return response
