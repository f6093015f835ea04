"""Report pages under /analytics/ in the `web` namespace: table downloads (CSV, XLSX),
the dashboard as a PDF, and the scheduled reports. Thin: parse the page's query
parameters, call `selectors`/`pdf`/`services`, answer. Bad filters are a 400 with the
reason; another organization's survey or segment, or an unknown table, is a 404."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clearloop.accounts.decorators import OrganizationRequest, member_required
from clearloop.accounts.roles import Capability
from clearloop.core.errors import NotFound, ValidationFailed
from clearloop.core.scoping import get_for_organization_or_404
from clearloop.goals.forms import add_service_errors
from clearloop.reports import downloads, exporting, pdf, selectors, services
from clearloop.reports.forms import ScheduledReportForm
from clearloop.reports.models import ScheduledReport


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


# --- Scheduled reports -------------------------------------------------------------------


@member_required(Capability.EXPORT_DATA)
def schedules(request: OrganizationRequest) -> HttpResponse:
    reports = selectors.scheduled_reports_list(organization=request.organization)
    context = {
        "reports": reports,
        "deliveries": selectors.deliveries_list(organization=request.organization)[:20],
    }
    return render(request, "reports/schedules.html", context)


def _schedule_form(request: OrganizationRequest, report: ScheduledReport | None) -> HttpResponse:
    organization = request.organization
    if report is not None:
        initial = ScheduledReportForm.initial_for(report)
    else:
        query = {k: v for k, v in request.GET.items() if k not in ("date_from", "date_to")}
        initial = {"filters": urlencode(query), "members": [request.membership.pk]}
    form = ScheduledReportForm(request.POST or None, initial=initial, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            if report is None:
                services.scheduled_report_create(
                    organization=organization, by=request.membership, **form.service_arguments()
                )
            else:
                services.scheduled_report_update(
                    report=report, by=request.membership, **form.service_arguments()
                )
        except NotFound as error:
            form.add_error("members", error.message)
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Scheduled report saved."))
            return redirect("web:analytics_schedules")
    status = 400 if form.errors else 200
    context = {"form": form, "report": report}
    return render(request, "reports/schedule_form.html", context, status=status)


@member_required(Capability.EXPORT_DATA)
@require_http_methods(["GET", "POST"])
def schedule_new(request: OrganizationRequest) -> HttpResponse:
    return _schedule_form(request, None)


@member_required(Capability.EXPORT_DATA)
@require_http_methods(["GET", "POST"])
def schedule_edit(request: OrganizationRequest, pk: int) -> HttpResponse:
    report = get_for_organization_or_404(ScheduledReport, organization=request.organization, pk=pk)
    return _schedule_form(request, report)


@member_required(Capability.EXPORT_DATA)
@require_POST
def schedule_delete(request: OrganizationRequest, pk: int) -> HttpResponse:
    report = get_for_organization_or_404(ScheduledReport, organization=request.organization, pk=pk)
    services.scheduled_report_delete(report=report, by=request.membership)
    messages.success(request, _("Scheduled report deleted."))
    return redirect("web:analytics_schedules")
