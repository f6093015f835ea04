"""Staff pages of a survey's distributions: public links, QR codes, widgets, email
invitation lists, switched on and off."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clearloop.accounts.decorators import OrganizationRequest, member_required
from clearloop.accounts.roles import Capability
from clearloop.core.errors import ClearloopError, ValidationFailed
from clearloop.core.http import as_attachment
from clearloop.core.scoping import get_for_organization_or_404
from clearloop.surveys import selectors
from clearloop.surveys.forms import DistributionCreateForm, DistributionSettingsForm
from clearloop.surveys.models import Distribution, ResponseChannel, Survey
from clearloop.surveys.public.widget import script_url
from clearloop.surveys.qr import qr_png, qr_svg
from clearloop.surveys.services import (
    distribution_create,
    distribution_set_active,
    distribution_update,
)


def _survey(request: OrganizationRequest, pk: int) -> Survey:
    return get_for_organization_or_404(Survey, organization=request.organization, pk=pk)


def _can_manage(request: OrganizationRequest) -> bool:
    return request.membership.allows(Capability.MANAGE_SURVEYS)


# --- Distributions: public links, QR codes, on/off ---------------------------------------------

# Kinds whose respondents arrive through the public link (and so can use a QR code).
SETTINGS_KINDS = {ResponseChannel.EMAIL, ResponseChannel.WIDGET}
LINKED_KINDS = {ResponseChannel.LINK, ResponseChannel.QR, ResponseChannel.WIDGET}
QR_PREVIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def _public_url(distribution: Distribution) -> str:
    return settings.SITE_URL + reverse("survey_public:page", args=[distribution.public_token])


def _distribution_links(distribution: Distribution) -> list[tuple[str, str]]:
    """Extra pages of one distribution, as (label, url) buttons on its card: an email
    distribution's invitations."""
    if distribution.kind == ResponseChannel.EMAIL:
        url = reverse(
            "web:survey_invitations",
            kwargs={"pk": distribution.survey_id, "distribution_pk": distribution.pk},
        )
        return [(_("Invitations"), url)]
    return []


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
    distributions = selectors.distributions_with_counts(survey=survey)
    rows = [
        {
            "distribution": d,
            "url": _public_url(d) if d.kind in LINKED_KINDS else "",
            "links": _distribution_links(d),
            "widget_script_url": script_url(d) if d.kind == ResponseChannel.WIDGET else "",
        }
        for d in distributions
    ]
    can_manage = _can_manage(request)
    context = {
        "survey": survey,
        "rows": rows,
        "can_manage": can_manage,
        "create_form": DistributionCreateForm() if can_manage else None,
    }
    return render(request, "surveys/staff/distributions.html", context)


@member_required(Capability.MANAGE_SURVEYS)
@require_POST
def survey_distribution_create(request: OrganizationRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    form = DistributionCreateForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Choose a kind of distribution, and keep the name under 120 characters.")
        )
        return redirect("web:survey_distributions", pk=survey.pk)
    try:
        distribution = distribution_create(
            survey=survey,
            kind=form.cleaned_data["kind"],
            name=form.cleaned_data["name"],
            by=request.membership,
        )
    except ClearloopError as error:
        messages.error(request, error.message)
        return redirect("web:survey_distributions", pk=survey.pk)
    if distribution.kind in SETTINGS_KINDS:
        messages.success(request, _("Distribution created. Check its settings."))
        return redirect(
            "web:survey_distribution_settings", pk=survey.pk, distribution_pk=distribution.pk
        )
    messages.success(request, _("Distribution created. Share its link or QR code."))
    return redirect("web:survey_distributions", pk=survey.pk)


@member_required(Capability.MANAGE_SURVEYS)
@require_http_methods(["GET", "HEAD", "POST"])
def survey_distribution_settings(
    request: OrganizationRequest, pk: int, distribution_pk: int
) -> HttpResponse:
    survey = _survey(request, pk)
    distribution = get_for_organization_or_404(
        Distribution, organization=request.organization, survey=survey, pk=distribution_pk
    )
    initial = DistributionSettingsForm.initial_of(distribution)
    data = request.POST if request.method == "POST" else None
    form = DistributionSettingsForm(data, initial=initial, kind=distribution.kind)
    if data is not None and form.is_valid():
        try:
            distribution_update(distribution=distribution, by=request.membership, **form.changes())
        except ValidationFailed as error:
            field = next(iter(error.fields), None)
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("web:survey_distributions", pk=survey.pk)
    context = {"survey": survey, "distribution": distribution, "form": form}
    return render(request, "surveys/staff/distribution_settings.html", context)


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
    as_attachment(response, f"survey-{pk}-qr.png")
    return response


@member_required(Capability.VIEW_DASHBOARDS)
def survey_distribution_qr_svg(
    request: OrganizationRequest, pk: int, distribution_pk: int
) -> HttpResponse:
    distribution = _linked_distribution(request, pk, distribution_pk)
    response = _qr_response(qr_svg(_public_url(distribution)), "image/svg+xml")
    as_attachment(response, f"survey-{pk}-qr.svg")
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
