"""The web UI shell: the dashboard and the area pages. Each view reads through the
owning app's selectors and renders."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import connection
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from clearloop.accounts.decorators import OrganizationRequest, member_required
from clearloop.accounts.models import Language
from clearloop.accounts.roles import Capability
from clearloop.core.errors import ClearloopError
from clearloop.core.scoping import get_for_organization_or_404
from clearloop.customers.selectors import customers_list
from clearloop.feedback.models import FeedbackItem
from clearloop.feedback.selectors import feedback_list
from clearloop.surveys.exporting import csv_lines, export_rows, xlsx_file
from clearloop.surveys.models import Distribution, Response, ResponseChannel, Survey
from clearloop.surveys.qr import qr_png, qr_svg
from clearloop.surveys.results import (
    NPS_GROUP_CHOICES,
    Figure,
    ResponseFilters,
    response_answers,
    responses_page,
    survey_summary,
)
from clearloop.surveys.selectors import (
    distributions_with_counts,
    surveys_list,
    surveys_with_public_links,
)
from clearloop.surveys.services import distribution_create, distribution_set_active

PAGE_SIZE = 50


@member_required(Capability.VIEW_DASHBOARDS)
def home(request: OrganizationRequest) -> HttpResponse:
    organization = request.organization
    surveys = list(surveys_list(organization=organization))
    context = {
        "customer_count": customers_list(organization=organization).count(),
        "live_survey_count": sum(1 for survey in surveys if survey.status == "live"),
        "completed_count": sum(survey.completed_count for survey in surveys),  # type: ignore[attr-defined]
        "feedback_count": feedback_list(organization=organization).count(),
        "latest_feedback": feedback_list(organization=organization)[:8],
        "surveys": surveys,
    }
    return render(request, "web/home.html", context)


@member_required(Capability.VIEW_DASHBOARDS)
def surveys(request: OrganizationRequest) -> HttpResponse:
    survey_list = surveys_with_public_links(organization=request.organization)
    return render(request, "web/surveys.html", {"surveys": survey_list})


@member_required(Capability.VIEW_FEEDBACK)
def feedback(request: OrganizationRequest) -> HttpResponse:
    source = request.GET.get("source", "")
    language = request.GET.get("language", "")
    items = feedback_list(organization=request.organization, source=source, language=language)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/feedback.html",
        {
            "page": page,
            "source": source,
            "language": language,
            "source_choices": FeedbackItem._meta.get_field("source").choices,
            "language_choices": Language.choices,
        },
    )


@member_required(Capability.VIEW_CUSTOMERS)
def customers(request: OrganizationRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    page = Paginator(
        customers_list(organization=request.organization, search=search), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    # htmx asks for the results only while the user types in the search box
    template = "web/_customers_results.html" if request.htmx else "web/customers.html"
    return render(request, template, {"page": page, "search": search})


@member_required(Capability.VIEW_CASES)
def cases(request: OrganizationRequest) -> HttpResponse:
    return render(request, "web/area_empty.html", {"area": "cases"})


@member_required(Capability.VIEW_DASHBOARDS)
def analytics(request: OrganizationRequest) -> HttpResponse:
    return render(request, "web/area_empty.html", {"area": "analytics"})


@member_required(Capability.VIEW_DASHBOARDS)
def goals(request: OrganizationRequest) -> HttpResponse:
    return render(request, "web/area_empty.html", {"area": "goals"})


@member_required()
def settings_index(request: OrganizationRequest) -> HttpResponse:
    if request.membership.allows(Capability.MANAGE_MEMBERS):
        return redirect("accounts:members")
    return redirect("accounts:preferences")


# --- Survey results, responses and exports ---------------------------------------------

HIDDEN_KEY = re.compile(r"^[A-Za-z0-9_.-]{1,60}$")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ResponseFilterForm(forms.Form):
    """The GET filters shared by the results page, the response list and the exports."""

    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        choices=[("", gettext_lazy("All languages")), *Language.choices],
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"),
        required=False,
        choices=[("", gettext_lazy("All channels")), *ResponseChannel.choices],
    )
    nps_group = forms.ChoiceField(
        label=gettext_lazy("NPS group"),
        required=False,
        choices=[("", gettext_lazy("Everyone")), *NPS_GROUP_CHOICES],
    )
    hidden = forms.CharField(
        label=gettext_lazy("Hidden field"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "team=billing"}),
    )

    def clean_hidden(self) -> tuple[str, str] | None:
        raw = self.cleaned_data["hidden"].strip()
        if not raw:
            return None
        key, equals, value = raw.partition("=")
        if not equals or not HIDDEN_KEY.match(key.strip()):
            raise forms.ValidationError(
                _(
                    "Write the hidden field as key=value, e.g. team=billing; "
                    "keys use letters, digits, _ . and -."
                )
            )
        return key.strip(), value.strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date comes before the start date."))
        return cleaned

    def filters(self) -> ResponseFilters:
        """The filters of the valid fields; an invalid field filters nothing."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        hidden_key, hidden_value = data.get("hidden") or ("", "")
        return ResponseFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            language=data.get("language") or "",
            channel=data.get("channel") or "",
            nps_group=data.get("nps_group") or "",
            hidden_key=hidden_key,
            hidden_value=hidden_value,
        )


def _survey(request: OrganizationRequest, pk: int) -> Survey:
    return get_for_organization_or_404(Survey, organization=request.organization, pk=pk)


def _number(value: float, style: str) -> str:
    if style == "mean":
        return formats.number_format(value, 2)
    text = formats.number_format(round(value), 0)
    return f"{text}%" if style == "percent" else text


def _figure_display(figure: Figure) -> dict[str, Any]:
    """A figure as the results page prints it: "NPS 32 (95% CI 24 to 40), n = 412"."""
    estimate = figure.estimate
    interval = ""
    if estimate.low is not None and estimate.high is not None:
        interval = _("95%% CI %(low)s to %(high)s") % {
            "low": _number(estimate.low, figure.style),
            "high": _number(estimate.high, figure.style),
        }
    return {
        "label": figure.label,
        "value": "—" if estimate.value is None else _number(estimate.value, figure.style),
        "interval": interval,
        "n": estimate.n,
        "enough": estimate.enough,
    }


def _can_export(request: OrganizationRequest) -> bool:
    return request.membership.allows(Capability.EXPORT_DATA)


@member_required(Capability.VIEW_DASHBOARDS)
def survey_results(request: OrganizationRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    form = ResponseFilterForm(request.GET)
    summary = survey_summary(
        survey=survey, filters=form.filters(), language=translation.get_language() or ""
    )
    questions = [
        {"result": result, "figures": [_figure_display(f) for f in result.figures]}
        for result in summary["questions"]
    ]
    headline = next((q["figures"][0] for q in questions if q["figures"]), None)
    context = {
        "survey": survey,
        "form": form,
        "summary": summary,
        "completion": _figure_display(
            Figure(gettext_lazy("Completion rate"), summary["completion_rate"], "percent")
        ),
        "response_rate": summary["response_rate"]
        and _figure_display(
            Figure(gettext_lazy("Response rate"), summary["response_rate"], "percent")
        ),
        "headline": headline,
        "questions": questions,
        "can_export": _can_export(request),
    }
    return render(request, "web/survey_results.html", context)


@member_required(Capability.VIEW_FEEDBACK)
def survey_responses(request: OrganizationRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    form = ResponseFilterForm(request.GET)
    page = responses_page(survey=survey, filters=form.filters(), page=request.GET.get("page"))
    context = {"survey": survey, "form": form, "page": page, "can_export": _can_export(request)}
    return render(request, "web/survey_responses.html", context)


@member_required(Capability.VIEW_FEEDBACK)
def survey_response(request: OrganizationRequest, pk: int, response_pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    response = get_for_organization_or_404(
        Response, organization=request.organization, survey=survey, pk=response_pk
    )
    response.survey = survey
    answers = response_answers(response=response, language=translation.get_language() or "")
    hidden = sorted((response.hidden_fields or {}).items())
    return render(
        request,
        "web/survey_response.html",
        {"survey": survey, "response": response, "answers": answers, "hidden_fields": hidden},
    )


def _attachment(response: HttpResponse | StreamingHttpResponse, filename: str) -> None:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"


# member_required's View type names HttpResponse; streaming responses are views too.
@member_required(Capability.EXPORT_DATA)  # type: ignore[arg-type]
def survey_export_csv(request: OrganizationRequest, pk: int) -> StreamingHttpResponse:
    survey = _survey(request, pk)
    rows = export_rows(survey=survey, filters=ResponseFilterForm(request.GET).filters())
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    _attachment(response, f"survey-{survey.pk}-responses.csv")
    return response


@member_required(Capability.EXPORT_DATA)  # type: ignore[arg-type]
def survey_export_xlsx(request: OrganizationRequest, pk: int) -> FileResponse:
    survey = _survey(request, pk)
    rows = export_rows(survey=survey, filters=ResponseFilterForm(request.GET).filters())
    response = FileResponse(xlsx_file(rows), content_type=XLSX_TYPE)
    _attachment(response, f"survey-{survey.pk}-responses.xlsx")
    return response


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: the process is up and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# --- Survey distributions: public links, QR codes, on/off -----------------------------

# Kinds whose respondents arrive through the public link (and so can use a QR code).
LINKED_KINDS = {ResponseChannel.LINK, ResponseChannel.QR, ResponseChannel.WIDGET}
QR_PREVIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


class DistributionCreateForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[
            (ResponseChannel.LINK, ResponseChannel.LINK.label),
            (ResponseChannel.QR, ResponseChannel.QR.label),
        ],
    )
    name = forms.CharField(
        label=gettext_lazy("Name"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("e.g. Counter poster")}),
    )


def _public_url(distribution: Distribution) -> str:
    return settings.SITE_URL + reverse("survey_public:page", args=[distribution.public_token])


def _linked_distribution(
    request: OrganizationRequest, pk: int, distribution_pk: int
) -> Distribution:
    """A distribution of this organization's survey `pk` that has a public link, or 404."""
    survey = _survey(request, pk)
    distribution = get_for_organization_or_404(
        Distribution, organization=request.organization, survey=survey, pk=distribution_pk
    )
    if distribution.kind not in LINKED_KINDS:
        raise Http404("Email and API distributions have no public link.")
    return distribution


@member_required(Capability.VIEW_DASHBOARDS)
def survey_distributions(request: OrganizationRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    distributions = distributions_with_counts(survey=survey)
    rows = [
        {"distribution": d, "url": _public_url(d) if d.kind in LINKED_KINDS else ""}
        for d in distributions
    ]
    can_manage = request.membership.allows(Capability.MANAGE_SURVEYS)
    context = {
        "survey": survey,
        "rows": rows,
        "can_manage": can_manage,
        "create_form": DistributionCreateForm() if can_manage else None,
    }
    return render(request, "web/survey_distributions.html", context)


@member_required(Capability.MANAGE_SURVEYS)
@require_POST
def survey_distribution_create(request: OrganizationRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    form = DistributionCreateForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Choose a link or a QR code, and keep the name under 120 characters.")
        )
        return redirect("web:survey_distributions", pk=survey.pk)
    try:
        distribution_create(
            survey=survey,
            kind=form.cleaned_data["kind"],
            name=form.cleaned_data["name"],
            by=request.membership,
        )
    except ClearloopError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Distribution created. Share its link or QR code."))
    return redirect("web:survey_distributions", pk=survey.pk)


@member_required(Capability.MANAGE_SURVEYS)
@require_POST
def survey_distribution_set_active(
    request: OrganizationRequest, pk: int, distribution_pk: int
) -> HttpResponse:
    survey = _survey(request, pk)
    distribution = get_for_organization_or_404(
        Distribution, organization=request.organization, survey=survey, pk=distribution_pk
    )
    active = request.POST.get("active")
    if active not in ("0", "1"):
        messages.error(request, _("Choose whether to switch the distribution on or off."))
        return redirect("web:survey_distributions", pk=survey.pk)
    try:
        distribution_set_active(
            distribution=distribution, active=active == "1", by=request.membership
        )
    except ClearloopError as error:
        messages.error(request, error.message)
    else:
        if distribution.active:
            messages.success(request, _("Distribution switched on: its link answers again."))
        else:
            messages.success(
                request, _("Distribution switched off: its link now shows “not available”.")
            )
    return redirect("web:survey_distributions", pk=survey.pk)


def _qr_response(content: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@member_required(Capability.VIEW_DASHBOARDS)
def survey_distribution_qr_png(
    request: OrganizationRequest, pk: int, distribution_pk: int
) -> HttpResponse:
    distribution = _linked_distribution(request, pk, distribution_pk)
    response = _qr_response(qr_png(_public_url(distribution)), "image/png")
    _attachment(response, f"survey-{pk}-qr.png")
    return response


@member_required(Capability.VIEW_DASHBOARDS)
def survey_distribution_qr_svg(
    request: OrganizationRequest, pk: int, distribution_pk: int
) -> HttpResponse:
    distribution = _linked_distribution(request, pk, distribution_pk)
    response = _qr_response(qr_svg(_public_url(distribution)), "image/svg+xml")
    _attachment(response, f"survey-{pk}-qr.svg")
    return response


@member_required(Capability.VIEW_DASHBOARDS)
def survey_distribution_qr_preview(
    request: OrganizationRequest, pk: int, distribution_pk: int
) -> HttpResponse:
    """The SVG inline, for the page's <img>. An SVG opened as a document may run script,
    so this one carries a policy that allows none, whatever the SVG contains."""
    distribution = _linked_distribution(request, pk, distribution_pk)
    response = _qr_response(qr_svg(_public_url(distribution)), "image/svg+xml")
    response["Content-Security-Policy"] = QR_PREVIEW_POLICY
    return response
