"""Staff pages for the email invitations of one email distribution: counts per status,
the funnel sent → opened → answered with the response rate, the invitation list, and
inviting customers (chosen by a filter, or from a CSV file) with a preview before sending.

Reading needs `VIEW_FEEDBACK` (the list names customers), inviting `MANAGE_SURVEYS`.
Another organization's survey or distribution, and any distribution that is not an email
one, is a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clearloop.accounts.decorators import OrganizationRequest, member_required
from clearloop.accounts.roles import Capability
from clearloop.core.errors import ClearloopError
from clearloop.core.scoping import get_for_organization_or_404
from clearloop.surveys import inviting, selectors
from clearloop.surveys.forms_invitations import (
    AudienceForm,
    ContactList,
    InvitationFilterForm,
    SourceChoice,
    read_contact_list,
    sign_contacts,
    unsign_contacts,
)
from clearloop.surveys.models import Distribution, InvitationStatus, ResponseChannel, Survey
from clearloop.surveys.results import BAR_STEPS, minimum_n

PAGE_SIZE = 50
AUDIENCE_MAX = 5000


def _distribution(request: OrganizationRequest, pk: int, distribution_pk: int) -> Distribution:
    survey = get_for_organization_or_404(Survey, organization=request.organization, pk=pk)
    distribution = get_for_organization_or_404(
        Distribution, organization=request.organization, survey=survey, pk=distribution_pk
    )
    if distribution.kind != ResponseChannel.EMAIL:
        raise Http404("Only email distributions have invitations.")
    distribution.survey = survey
    return distribution


def _funnel_steps(funnel: selectors.InvitationFunnel) -> list[dict[str, Any]]:
    steps = [
        (_("Sent"), funnel.sent),
        (_("Opened"), funnel.opened),
        (_("Answered"), funnel.answered),
    ]
    return [
        {
            "label": label,
            "count": count,
            "percent": 100 * count / funnel.sent if funnel.sent else 0,
            "step": round(BAR_STEPS * count / funnel.sent) if funnel.sent else 0,
        }
        for label, count in steps
    ]


@member_required(Capability.VIEW_FEEDBACK)
def survey_invitations(request: OrganizationRequest, pk: int, distribution_pk: int) -> HttpResponse:
    distribution = _distribution(request, pk, distribution_pk)
    form = InvitationFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    invitations = selectors.invitations_of(
        distribution=distribution,
        status=filters.get("status", ""),
        email=filters.get("email", ""),
    )
    funnel = selectors.invitation_funnel(survey=distribution.survey, distribution=distribution)
    context = {
        "survey": distribution.survey,
        "distribution": distribution,
        "funnel": funnel,
        "steps": _funnel_steps(funnel),
        "response_rate": funnel.response_rate(minimum_n()),
        "statuses": [(label, funnel.by_status[value]) for value, label in _status_choices()],
        "form": form,
        "page": Paginator(invitations, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_invite": request.membership.allows(Capability.MANAGE_SURVEYS),
    }
    return render(request, "surveys/staff/invitations.html", context)


def _status_choices() -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in InvitationStatus.choices]


# --- Inviting ----------------------------------------------------------------------------


def _audience_form(
    request: OrganizationRequest, data: Any = None, files: Any = None
) -> AudienceForm:
    segments, regions = selectors.customer_segments_and_regions(organization=request.organization)
    return AudienceForm(data, files, segments=segments, regions=regions)


def _filtered_customers(request: OrganizationRequest, data: dict[str, Any]) -> list[Any]:
    customers = selectors.customers_to_invite(
        organization=request.organization,
        segment=data.get("segment", ""),
        region=data.get("region", ""),
        language=data.get("language", ""),
    )
    return list(customers[: AUDIENCE_MAX + 1])


def _render_new(
    request: OrganizationRequest, distribution: Distribution, form: AudienceForm, **extra: Any
) -> HttpResponse:
    context = {"survey": distribution.survey, "distribution": distribution, "form": form, **extra}
    status = 400 if form.errors or extra.get("contact_list_refused") else 200
    return render(request, "surveys/staff/invitations_new.html", context, status=status)


def _preview(
    request: OrganizationRequest, distribution: Distribution, form: AudienceForm
) -> HttpResponse:
    data = form.cleaned_data
    if data["source"] == SourceChoice.FILTER:
        customers = _filtered_customers(request, data)
        if len(customers) > AUDIENCE_MAX:
            form.add_error(
                None,
                _("More than %(max)d customers match: narrow the filter.") % {"max": AUDIENCE_MAX},
            )
            return _render_new(request, distribution, form)
        preview = inviting.invitations_preview(distribution=distribution, customers=customers)
        return _render_new(request, distribution, form, preview=preview)
    contact_list = read_contact_list(data["file"].read())
    refused = bool(contact_list.file_error) or (
        bool(contact_list.row_errors) and not data.get("skip_bad_rows")
    )
    if refused or not contact_list.contacts:
        return _render_new(
            request, distribution, form, contact_list=contact_list, contact_list_refused=True
        )
    return _csv_preview(distribution, form, contact_list, request)


def _csv_preview(
    distribution: Distribution,
    form: AudienceForm,
    contact_list: ContactList,
    request: OrganizationRequest,
) -> HttpResponse:
    preview = inviting.invitations_preview(
        distribution=distribution, contacts=contact_list.contacts
    )
    return _render_new(
        request,
        distribution,
        form,
        preview=preview,
        contact_list=contact_list,
        signed_contacts=sign_contacts(contact_list.contacts, distribution.pk),
    )


def _send(request: OrganizationRequest, distribution: Distribution) -> HttpResponse:
    """The confirmed batch: the signed rows of a previewed file, or the filter again."""
    signed = request.POST.get("contacts", "")
    if signed:
        contacts = unsign_contacts(signed, distribution.pk)
        if contacts is None:
            messages.error(request, _("This preview is too old. Upload the file again."))
            return redirect("web:survey_invitations_new", distribution.survey.pk, distribution.pk)
        batch = inviting.invitations_create_for_contacts(
            distribution=distribution, contacts=contacts, by=request.membership
        )
    else:
        form = _audience_form(request, request.POST)
        if not form.is_valid() or form.cleaned_data["source"] != SourceChoice.FILTER:
            return _render_new(request, distribution, form)
        customers = _filtered_customers(request, form.cleaned_data)[:AUDIENCE_MAX]
        batch = inviting.invitations_create(
            distribution=distribution, customers=customers, by=request.membership
        )
    skipped = sum(len(ids) for ids in batch.skipped.values())
    messages.success(
        request,
        _("%(count)d invitations are on their way; %(skipped)d people were skipped.")
        % {"count": len(batch.invitations), "skipped": skipped},
    )
    return redirect("web:survey_invitations", distribution.survey.pk, distribution.pk)


@member_required(Capability.MANAGE_SURVEYS)
@require_http_methods(["GET", "POST"])
def survey_invitations_new(
    request: OrganizationRequest, pk: int, distribution_pk: int
) -> HttpResponse:
    distribution = _distribution(request, pk, distribution_pk)
    if request.method != "POST":
        return _render_new(request, distribution, _audience_form(request))
    try:
        if request.POST.get("step") == "send":
            return _send(request, distribution)
        form = _audience_form(request, request.POST, request.FILES)
        if not form.is_valid():
            return _render_new(request, distribution, form)
        return _preview(request, distribution, form)
    except ClearloopError as error:
        messages.error(request, error.message)
        return redirect("web:survey_invitations", distribution.survey.pk, distribution.pk)
