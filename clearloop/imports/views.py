"""The import pages: upload a file, map its columns, preview the first rows with their
problems, run the import in the background (an htmx progress bar), and read the result
with the bad rows (also as a CSV download).

Everything needs `MANAGE_CUSTOMERS`; another organization's import is a 404. Imported
text is only ever rendered by the template engine, which escapes it.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clearloop.accounts.decorators import OrganizationRequest, member_required
from clearloop.core.errors import ClearloopError, NotFound, ValidationFailed
from clearloop.core.http import as_attachment
from clearloop.imports import selectors, services
from clearloop.imports.forms import MappingForm, UploadForm
from clearloop.imports.models import ImportJob, ImportKind, ImportStatus

CAPABILITY = services.CAPABILITY


def _job(request: OrganizationRequest, pk: int) -> ImportJob:
    try:
        return selectors.import_job_detail(organization=request.organization, pk=pk)
    except NotFound as error:
        raise Http404(error.message) from error


@require_GET
@member_required(CAPABILITY)
def imports(request: OrganizationRequest) -> HttpResponse:
    jobs = selectors.import_jobs_recent(organization=request.organization)
    return render(request, "imports/list.html", {"jobs": jobs})


@require_http_methods(["GET", "POST"])
@member_required(CAPABILITY)
def import_new(request: OrganizationRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    initial = {"kind": kind if kind in ImportKind.values else ImportKind.FEEDBACK}
    form = UploadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_job_upload(
                organization=request.organization,
                kind=form.cleaned_data["kind"],
                source_name=form.cleaned_data["source_name"],
                filename=upload.name or "upload",
                content=upload.read(),
                by=request.membership,
            )
        except ValidationFailed as error:
            form.add_error("file", error.message)
        else:
            return redirect("web:import_map", pk=job.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "imports/new.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@member_required(CAPABILITY)
def import_map(request: OrganizationRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.status not in (ImportStatus.UPLOADED, ImportStatus.VALIDATED):
        return redirect("web:import_detail", pk=job.pk)
    writer = services.writer_for(job.kind, job.organization)
    form = MappingForm(
        request.POST or None,
        specs=list(writer.specs),
        headers=job.headers,
        kind=job.kind,
        initial=MappingForm.initial_from(job.mapping or {}, job.on_error),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.import_job_map(job=job, mapping=form.mapping(), by=request.membership)
        except ValidationFailed as error:
            form.add_service_errors(error.fields)
            if not error.fields:
                form.add_error(None, error.message)
        else:
            return redirect("web:import_detail", pk=job.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "imports/map.html", {"job": job, "form": form}, status=status)


@require_GET
@member_required(CAPABILITY)
def import_detail(request: OrganizationRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.status == ImportStatus.UPLOADED:
        return redirect("web:import_map", pk=job.pk)
    context: dict[str, object] = {"job": job, "errors": selectors.import_errors(job=job)}
    if job.status == ImportStatus.VALIDATED:
        writer = services.writer_for(job.kind, job.organization)
        names = selectors.preview_fields(job)
        context["preview_labels"] = [spec.label for spec in writer.specs if spec.name in names]
        context["preview"] = selectors.import_preview(job=job)
    return render(request, "imports/detail.html", context)


@require_POST
@member_required(CAPABILITY)
def import_start(request: OrganizationRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    try:
        services.import_job_start(job=job, by=request.membership)
    except ClearloopError as error:
        messages.error(request, error.message)
    return redirect("web:import_detail", pk=job.pk)


@require_GET
@member_required(CAPABILITY)
def import_status(request: OrganizationRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    response = render(request, "imports/_status.html", {"job": job})
    if not job.is_active and request.htmx:
        response["HX-Refresh"] = "true"  # the full page shows the result
    return response


@require_GET
@member_required(CAPABILITY)
def import_bad_rows(request: OrganizationRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    content = selectors.bad_rows_csv(job=job)
    response = HttpResponse(content.encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    as_attachment(response, f"import-{job.pk}-bad-rows.csv")
    return response
