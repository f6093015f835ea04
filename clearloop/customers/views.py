"""The staff pages of customers, under /customers/ in the `web` namespace: the list with
filters, a customer's page (profile, 360° timeline, orders, interactions), editing,
duplicates and merge, the privacy export and erasure with its audit list, and the
custom attribute settings. Segments have their own module, `segment_views`.

Thin views: parse, call one service or selector, render. A service's refusal becomes a
message on the page (or on the form), never a 500.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clearloop.accounts.decorators import OrganizationRequest, member_required
from clearloop.accounts.roles import Capability
from clearloop.core.errors import ClearloopError, NotFound, ValidationFailed
from clearloop.core.http import as_attachment
from clearloop.core.scoping import get_for_organization_or_404
from clearloop.customers import selectors, services
from clearloop.customers.features import customer_churn_risk
from clearloop.customers.forms import (
    CustomAttributeForm,
    CustomerFilterForm,
    CustomerForm,
    add_service_errors,
)
from clearloop.customers.merging import customer_merge
from clearloop.customers.models import CustomAttribute, Customer
from clearloop.customers.privacy import customer_erase, customer_export
from clearloop.customers.timeline import PAGE_SIZE as TIMELINE_PAGE_SIZE
from clearloop.customers.timeline import customer_timeline as timeline_page

PAGE_SIZE = 50
DETAIL_TABS = ("timeline", "orders", "interactions")


def _customer(request: OrganizationRequest, pk: int) -> Customer:
    try:
        return selectors.customer_get(organization=request.organization, pk=pk)
    except NotFound as error:
        raise Http404(error.message) from error


def _offset(request: OrganizationRequest) -> int:
    value = request.GET.get("offset", "0")
    return int(value) if value.isdigit() else 0


# --- The list -----------------------------------------------------------------------------------


@member_required(Capability.VIEW_CUSTOMERS)
def customers(request: OrganizationRequest) -> HttpResponse:
    form = CustomerFilterForm(request.GET, organization=request.organization)
    filters = form.filters()
    page = Paginator(
        selectors.customers_list(organization=request.organization, filters=filters), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {"page": page, "search": filters.search, "form": form, "filters": filters}
    # htmx asks for the results only while the user types or picks a filter
    if request.htmx:
        return render(request, "customers/_results.html", context)
    context["facets"] = selectors.customer_facets(organization=request.organization)
    return render(request, "customers/list.html", context)


# --- One customer -------------------------------------------------------------------------------


@member_required(Capability.VIEW_CUSTOMERS)
def customer_detail(request: OrganizationRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    tab = request.GET.get("tab", "timeline")
    tab = tab if tab in DETAIL_TABS else "timeline"
    attributes = list(selectors.custom_attributes(organization=request.organization))
    context = {
        "customer": customer,
        "tab": tab,
        "nps_group": selectors.customer_nps_group(customer),
        "attribute_rows": selectors.customer_attribute_rows(customer, attributes),
        "membership": request.membership,
        "churn": None if customer.erased_at else customer_churn_risk(customer=customer),
    }
    if tab == "timeline":
        context["timeline"] = timeline_page(customer=customer, limit=TIMELINE_PAGE_SIZE)
    elif tab == "orders":
        context["orders"] = customer.orders.order_by("-ordered_at", "-pk")
    else:
        context["interactions"] = customer.interactions.select_related("agent", "team")
    return render(request, "customers/detail.html", context)


@member_required(Capability.VIEW_CUSTOMERS)
def customer_timeline(request: OrganizationRequest, pk: int) -> HttpResponse:
    """The next timeline entries, for the "Show more" button (htmx)."""
    customer = _customer(request, pk)
    page = timeline_page(customer=customer, offset=_offset(request), limit=TIMELINE_PAGE_SIZE)
    return render(
        request, "customers/_timeline_entries.html", {"customer": customer, "timeline": page}
    )


@member_required(Capability.MANAGE_CUSTOMERS)
@require_http_methods(["GET", "POST"])
def customer_edit(request: OrganizationRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    if customer.erased_at:
        messages.error(request, _("This customer was erased; an erased profile cannot be edited."))
        return redirect("web:customer_detail", pk=pk)
    attributes = selectors.custom_attributes(organization=request.organization)
    form = CustomerForm(request.POST or None, instance=customer, attributes=attributes)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(
                customer=customer, data=form.service_data(), by=request.membership
            )
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("web:customer_detail", pk=pk)
    status = 400 if form.errors else 200
    return render(
        request, "customers/edit.html", {"customer": customer, "form": form}, status=status
    )


@member_required(Capability.EXPORT_DATA)
def customer_export_json(request: OrganizationRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    data = customer_export(customer=customer, by=request.membership)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    as_attachment(response, f"customer-{customer.pk}.json")
    return response


@member_required(Capability.ERASE_CUSTOMER_DATA)
@require_http_methods(["GET", "POST"])
def customer_erase_confirm(request: OrganizationRequest, pk: int) -> HttpResponse:
    """A confirmation page: erasing is irreversible, so the admin types the customer id."""
    customer = _customer(request, pk)
    error = ""
    if request.method == "POST":
        if request.POST.get("confirm", "").strip() != str(customer.pk):
            error = _("Type the customer number %(pk)s to confirm.") % {"pk": customer.pk}
        else:
            try:
                customer_erase(customer=customer, by=request.membership)
            except ClearloopError as refused:
                error = refused.message
            else:
                messages.success(request, _("The customer's personal data was erased."))
                return redirect("web:customer_detail", pk=pk)
    return render(
        request,
        "customers/erase.html",
        {"customer": customer, "error": error},
        status=400 if error else 200,
    )


@member_required(Capability.ERASE_CUSTOMER_DATA)
def customer_erasures(request: OrganizationRequest) -> HttpResponse:
    page = Paginator(selectors.erasures_list(organization=request.organization), PAGE_SIZE)
    return render(
        request, "customers/erasures.html", {"page": page.get_page(request.GET.get("page"))}
    )


# --- Duplicates and merge -------------------------------------------------------------------------


@member_required(Capability.VIEW_CUSTOMERS)
def customer_duplicates(request: OrganizationRequest) -> HttpResponse:
    groups = selectors.duplicate_groups(organization=request.organization)
    return render(
        request,
        "customers/duplicates.html",
        {"groups": groups, "can_merge": request.membership.allows(Capability.MANAGE_CUSTOMERS)},
    )


@member_required(Capability.MANAGE_CUSTOMERS)
@require_http_methods(["GET", "POST"])
def customer_merge_confirm(request: OrganizationRequest, pk: int, other_pk: int) -> HttpResponse:
    """Side by side: `pk` is kept, `other_pk` is merged into it and deleted."""
    keep = _customer(request, pk)
    merge = _customer(request, other_pk)
    error = ""
    if request.method == "POST":
        try:
            audit = customer_merge(keep=keep, merge=merge, by=request.membership)
        except ClearloopError as refused:
            error = refused.message
        else:
            moved = sum(audit.moved.values())
            messages.success(
                request,
                _("Merged: %(count)d related records moved to this customer.") % {"count": moved},
            )
            return redirect("web:customer_detail", pk=keep.pk)
    context = {"keep": keep, "merge": merge, "error": error}
    return render(request, "customers/merge.html", context, status=409 if error else 200)


# --- Custom attributes ----------------------------------------------------------------------------


@member_required(Capability.VIEW_CUSTOMERS)
@require_http_methods(["GET", "POST"])
def customer_attributes(request: OrganizationRequest) -> HttpResponse:
    can_manage = request.membership.allows(Capability.MANAGE_CUSTOMERS)
    form = CustomAttributeForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.custom_attribute_create(
                    organization=request.organization,
                    key=form.cleaned_data["key"],
                    label=form.cleaned_data["label"],
                    type=form.cleaned_data["type"],
                    choices=form.choice_list(),
                    by=request.membership,
                )
            except ValidationFailed as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Attribute added."))
                return redirect("web:customer_attributes")
    context = {
        "attributes": selectors.custom_attributes(organization=request.organization),
        "form": form,
        "can_manage": can_manage,
    }
    return render(request, "customers/attributes.html", context, status=400 if form.errors else 200)


@member_required(Capability.MANAGE_CUSTOMERS)
@require_POST
def customer_attribute_delete(request: OrganizationRequest, pk: int) -> HttpResponse:
    attribute = get_for_organization_or_404(
        CustomAttribute, organization=request.organization, pk=pk
    )
    services.custom_attribute_delete(attribute=attribute, by=request.membership)
    messages.success(request, _("Attribute deleted; values already stored are kept."))
    return redirect("web:customer_attributes")
