"""The personas pages, under /analytics/personas/ in the `web` namespace: every persona
with its description, size, NPS and churn mix, and one persona's customers. Thin: call
`persona_selectors.personas_build`, render."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from clearloop.accounts.decorators import OrganizationRequest, member_required
from clearloop.accounts.roles import Capability
from clearloop.analytics.dashboards import interval_text, number
from clearloop.analytics.persona_selectors import (
    FEATURE_LABELS,
    FEATURES,
    MINIMUM_CUSTOMERS,
    persona_get,
    personas_build,
)
from clearloop.customers.features import with_customers_by_id

PAGE_SIZE = 50


@member_required(Capability.VIEW_CUSTOMERS)
def personas(request: OrganizationRequest) -> HttpResponse:
    analysis = personas_build(organization=request.organization)
    cards = [
        {
            "persona": persona,
            "nps_value": number(persona.nps.value, "nps"),
            "nps_interval": interval_text(persona.nps, "nps"),
            "rows": [(FEATURE_LABELS[name], persona.means[name]) for name in FEATURES],
            # Bars in 5% steps: the CSS classes bar-w-0..20 (no inline styles under the CSP).
            "bands": [
                (band, count, share, round(share / 5)) for band, count, share in persona.band_shares
            ],
            "share_step": round(persona.share / 5),
        }
        for persona in analysis.personas
    ]
    context = {"analysis": analysis, "cards": cards, "minimum": MINIMUM_CUSTOMERS}
    return render(request, "analytics/personas.html", context)


@member_required(Capability.VIEW_CUSTOMERS)
def persona_customers(request: OrganizationRequest, number: int) -> HttpResponse:
    analysis = personas_build(organization=request.organization)
    persona = persona_get(analysis=analysis, number=number)
    if persona is None:
        raise Http404(_("There is no persona %(number)s.") % {"number": number})
    page = Paginator(persona.customer_ids, PAGE_SIZE).get_page(request.GET.get("page"))
    customers = with_customers_by_id(organization=request.organization, ids=list(page))
    context = {"persona": persona, "page": page, "customers": customers}
    return render(request, "analytics/persona_customers.html", context)
