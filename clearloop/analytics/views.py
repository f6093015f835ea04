"""The Analytics page, the responses behind a figure (drill-down) and the analytics
settings. Thin: parse the filters, call `dashboards`, render. Bad filters are a 400 page
with the message; another organization's survey or segment is a 404."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from clearloop.accounts.decorators import OrganizationRequest, member_required
from clearloop.accounts.roles import Capability
from clearloop.analytics import dashboards, selectors, services
from clearloop.analytics.forms import WEIGHT_PREFIX, AnalyticsForm, AnalyticsSettingsForm
from clearloop.core.errors import NotFound, ValidationFailed
from clearloop.surveys.models import Response

PAGE_SIZE = 50


def _choice(request: OrganizationRequest, name: str, allowed: tuple[str, ...], default: str) -> str:
    value = request.GET.get(name) or default
    if value not in allowed:
        raise ValidationFailed(f"Unknown {name} {value!r}; use one of {', '.join(allowed)}.")
    return value


def _bad_request(request: OrganizationRequest, error: ValidationFailed) -> HttpResponse:
    return render(request, "analytics/bad_filters.html", {"message": error.message}, status=400)


@member_required(Capability.VIEW_DASHBOARDS)
def analytics(request: OrganizationRequest) -> HttpResponse:
    organization = request.organization
    try:
        filters = selectors.filters_for(organization=organization, params=request.GET)
        metric = _choice(request, "metric", tuple(selectors.METRICS), "nps")
        period = _choice(request, "period", selectors.PERIODS, "week")
        dimension = _choice(request, "by", selectors.DIMENSIONS, "channel")
        context = dashboards.analytics_page(
            organization=organization,
            filters=filters,
            metric=metric,
            period=period,
            dimension=dimension,
            language=translation.get_language() or "",
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except ValidationFailed as error:
        return _bad_request(request, error)
    form = AnalyticsForm(
        initial={
            **selectors.filter_params(context["filters"]),
            "metric": metric,
            "period": period,
            "by": dimension,
        },
        organization=organization,
    )
    context.update(form=form, by=dimension, dimension_label=selectors.DIMENSION_LABELS[dimension])
    return render(request, "analytics/page.html", context)


@member_required(Capability.VIEW_DASHBOARDS)
def analytics_responses(request: OrganizationRequest) -> HttpResponse:
    """The completed responses whose answers a figure counts (`metric` and the filters;
    `score` narrows to one score), newest first, 50 a page."""
    organization = request.organization
    try:
        filters = selectors.filters_for(organization=organization, params=request.GET)
        metric = _choice(request, "metric", tuple(selectors.METRICS), "nps")
        spec = selectors.metric_spec(metric)
        answers = selectors.answers_behind(
            organization=organization, metric=metric, filters=filters
        )
        score = (request.GET.get("score") or "").strip()
        if score:
            if not score.lstrip("-").isdigit():
                raise ValidationFailed("score must be a whole number.")
            answers = answers.filter(number=int(score))
    except NotFound as error:
        raise Http404(error.message) from error
    except ValidationFailed as error:
        return _bad_request(request, error)
    scores = answers.filter(response=OuterRef("pk")).values("number")[:1]
    responses = (
        Response.objects.for_organization(organization)
        .filter(pk__in=answers.values("response_id"))
        .annotate(score=Subquery(scores))
        .select_related("survey", "customer")
        .order_by("-completed_at", "-pk")
    )
    page = Paginator(responses, PAGE_SIZE).get_page(request.GET.get("page"))
    back = {key: value for key, value in request.GET.items() if key not in ("page", "score")}
    context = {
        "page": page,
        "metric": spec,
        "score": score,
        "filters": filters,
        "dimension_filters": [
            (selectors.DIMENSION_LABELS[name], value) for name, value in filters.dimensions
        ],
        "back": urlencode(back),
    }
    return render(request, "analytics/responses.html", context)


@member_required(Capability.VIEW_DASHBOARDS)
def analytics_settings(request: OrganizationRequest) -> HttpResponse:
    """How figures are shown: the minimum n and the CSI weights. Everyone who reads the
    dashboards sees them; managers and up change them."""
    organization = request.organization
    may_edit = request.membership.allows(services.SETTINGS_CAPABILITY)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied
    current = selectors.analytics_settings(organization=organization)
    attributes = selectors.csi_attributes(
        organization=organization, language=translation.get_language() or ""
    )
    initial: dict[str, Any] = {"minimum_n": current.minimum_n}
    initial.update({f"{WEIGHT_PREFIX}{key}": value for key, value in current.csi_weights.items()})
    form = AnalyticsSettingsForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        attributes=attributes,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.analytics_settings_update(
                    organization=organization,
                    minimum_n=form.cleaned_data["minimum_n"],
                    csi_weights=form.weights(),
                )
            except ValidationFailed as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Analytics settings saved."))
                return redirect("web:analytics_settings")
    context = {
        "form": form,
        "may_edit": may_edit,
        "weights_configured": bool(current.csi_weights),
    }
    return render(request, "analytics/settings.html", context, status=status)
