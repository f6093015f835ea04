"""Report pages under /analytics/ in the `web` namespace: table downloads (CSV, XLSX),
the dashboard as a PDF, and the scheduled reports. Thin: parse the page's query
parameters, call `selectors`/`pdf`/`services`, answer. Bad filters are a 400 with the
reason; another organization's survey or segment, or an unknown table, is a 404."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation

from clearloop.accounts.decorators import OrganizationRequest, member_required
from clearloop.accounts.roles import Capability
from clearloop.core.errors import NotFound, ValidationFailed
from clearloop.reports import downloads, exporting, pdf, selectors


def _bad_request(request: OrganizationRequest, error: ValidationFailed) -> HttpResponse:
    return render(request, "analytics/bad_filters.html", {"message": error.message}, status=400)


@member_required(Capability.EXPORT_DATA)
def table_export(request: OrganizationRequest, table: str, file_format: str) -> HttpResponse:
    if file_format not in exporting.FORMATS or table not in selectors.TABLES:
        raise Http404("No such export.")
    try:
        query = selectors.report_query(organization=request.organization, params=request.GET)
        built = selectors.report_table(
            organization=request.organization,
            query=query,
            table=table,
            language=translation.get_language() or "",
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except ValidationFailed as error:
        return _bad_request(request, error)
    return downloads.attachment(
        exporting.table_file(built, file_format),
        filename=downloads.file_name(table, query, file_format),
        file_format=file_format,
    )


@member_required(Capability.EXPORT_DATA)
def dashboard_report(request: OrganizationRequest) -> HttpResponse:
    """The Analytics page, with its filters, as a PDF in the reader's language."""
    language = translation.get_language() or request.organization.default_language
    try:
        query = selectors.report_query(organization=request.organization, params=request.GET)
        content = pdf.dashboard_pdf(
            organization=request.organization, query=query, language=language
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except ValidationFailed as error:
        return _bad_request(request, error)
    return downloads.attachment(
        content, filename=downloads.file_name("report", query, "pdf"), file_format="pdf"
    )
