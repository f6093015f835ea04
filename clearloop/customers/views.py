"""The staff pages of customers."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from clearloop.accounts.decorators import OrganizationRequest, member_required
from clearloop.accounts.roles import Capability
from clearloop.customers.selectors import customers_list

PAGE_SIZE = 50


@member_required(Capability.VIEW_CUSTOMERS)
def customers(request: OrganizationRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    page = Paginator(
        customers_list(organization=request.organization, search=search), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    # htmx asks for the results only while the user types in the search box
    template = "web/_customers_results.html" if request.htmx else "web/customers.html"
    return render(request, template, {"page": page, "search": search})
