"""The churn-risk pages: the "customers at risk" list (by score, filtered by profile
segment and band). The score on a customer's page is rendered by `views.customer_detail`.
Thin: parse the filters, call `features.customers_at_risk`, render one page of it."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from clearloop.accounts.decorators import OrganizationRequest, member_required
from clearloop.accounts.roles import Capability
from clearloop.customers import features, selectors
from clearloop.customers.churn import Band

PAGE_SIZE = 50


@member_required(Capability.VIEW_CUSTOMERS)
def customers_at_risk(request: OrganizationRequest) -> HttpResponse:
    organization = request.organization
    segments = [
        value for value, _ in selectors.customer_facets(organization=organization)["segment"]
    ]
    segment = request.GET.get("segment", "")
    segment = segment if segment in segments else ""
    band = request.GET.get("band", "")
    band = band if band in Band.ALL else ""
    rows = features.customers_at_risk(organization=organization, segment=segment, band=band)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": features.with_customers(organization=organization, rows=list(page)),
        "segments": segments,
        "segment": segment,
        "band": band,
        "bands": Band.ALL,
    }
    return render(request, "customers/at_risk.html", context)
