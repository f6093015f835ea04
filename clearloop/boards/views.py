"""The dashboard pages under /analytics/dashboards/ in the `web` namespace: the list, a
new dashboard, one dashboard with its tiles, its settings, and the tile controls. Thin:
parse, call `services` or `selectors`, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clearloop.accounts.decorators import OrganizationRequest, member_required
from clearloop.accounts.roles import Capability
from clearloop.boards import selectors, services
from clearloop.boards.forms import DashboardForm, TileForm, add_service_errors
from clearloop.boards.models import Dashboard, DashboardTile
from clearloop.core.errors import NotFound, PermissionDenied, ValidationFailed


def _dashboard(request: OrganizationRequest, pk: int) -> Dashboard:
    try:
        return selectors.dashboard_get(membership=request.membership, pk=pk)
    except NotFound as error:
        raise Http404(error.message) from error


def _tile(request: OrganizationRequest, pk: int) -> DashboardTile:
    try:
        return selectors.tile_get(membership=request.membership, pk=pk)
    except NotFound as error:
        raise Http404(error.message) from error


def _refused(request: OrganizationRequest, error: PermissionDenied) -> HttpResponse:
    context = {"status": 403, "title": _("Not allowed"), "message": error.message}
    return render(request, "web/error.html", context, status=403)


@member_required(Capability.VIEW_DASHBOARDS)
def dashboards(request: OrganizationRequest) -> HttpResponse:
    membership = request.membership
    rows = [
        {"dashboard": dashboard, "mine": dashboard.created_by_id == membership.user_id}
        for dashboard in selectors.dashboards_visible(membership=membership).annotate(
            tile_count=Count("tiles", distinct=True)
        )
    ]
    return render(request, "boards/list.html", {"rows": rows})


def _save(
    request: OrganizationRequest, form: DashboardForm, dashboard: Dashboard | None
) -> Dashboard | None:
    data = form.cleaned_data
    values: dict[str, Any] = {
        "by": request.membership,
        "name": data["name"],
        "description": data["description"],
        "visibility": data["visibility"],
        "team": data["shared_team"],
        "window_days": data["window_days"],
        "filters": form.saved_filters(),
    }
    try:
        if dashboard is None:
            return services.dashboard_create(**values)
        return services.dashboard_update(dashboard=dashboard, **values)
    except (ValidationFailed, NotFound) as error:
        add_service_errors(form, ValidationFailed(error.message, fields=error.fields))
        return None


@member_required(Capability.VIEW_DASHBOARDS)
@require_http_methods(["GET", "POST"])
def dashboard_new(request: OrganizationRequest) -> HttpResponse:
    form = DashboardForm(request.POST or None, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        dashboard = _save(request, form, None)
        if dashboard is not None:
            messages.success(
                request, _("Dashboard created. Add, remove and order its tiles below.")
            )
            return redirect("web:analytics_dashboard", pk=dashboard.pk)
    status = 400 if form.errors else 200
    return render(request, "boards/form.html", {"form": form, "dashboard": None}, status=status)


@member_required(Capability.VIEW_DASHBOARDS)
def dashboard_detail(request: OrganizationRequest, pk: int) -> HttpResponse:
    dashboard = _dashboard(request, pk)
    board = selectors.dashboard_panels(
        dashboard=dashboard, language=translation.get_language() or ""
    )
    context = {
        "dashboard": dashboard,
        "panels": board.panels,
        "minimum_n": board.minimum_n,
        "can_edit": services.can_edit(request.membership, dashboard),
        "tile_form": TileForm(initial={"period": "week", "dimension": "channel"}),
        "filters": selectors.filter_labels(dashboard),
    }
    return render(request, "boards/detail.html", context)


@member_required(Capability.VIEW_DASHBOARDS)
@require_http_methods(["GET", "POST"])
def dashboard_edit(request: OrganizationRequest, pk: int) -> HttpResponse:
    dashboard = _dashboard(request, pk)
    if not services.can_edit(request.membership, dashboard):
        return _refused(
            request,
            PermissionDenied(
                _("Only the person who made this dashboard or an admin can change it.")
            ),
        )
    form = DashboardForm(
        request.POST or None,
        organization=request.organization,
        initial=DashboardForm.initial_of(dashboard),
    )
    if request.method == "POST" and form.is_valid() and _save(request, form, dashboard):
        messages.success(request, _("Dashboard saved."))
        return redirect("web:analytics_dashboard", pk=dashboard.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "dashboard": dashboard}
    return render(request, "boards/form.html", context, status=status)


@member_required(Capability.VIEW_DASHBOARDS)
@require_POST
def dashboard_delete(request: OrganizationRequest, pk: int) -> HttpResponse:
    dashboard = _dashboard(request, pk)
    try:
        services.dashboard_delete(dashboard=dashboard, by=request.membership)
    except PermissionDenied as error:
        return _refused(request, error)
    messages.success(request, _("Dashboard deleted."))
    return redirect("web:analytics_dashboards")


@member_required(Capability.VIEW_DASHBOARDS)
@require_POST
def dashboard_copy(request: OrganizationRequest, pk: int) -> HttpResponse:
    copy = services.dashboard_copy(dashboard=_dashboard(request, pk), by=request.membership)
    messages.success(request, _("This is your own copy: change it as you like."))
    return redirect("web:analytics_dashboard", pk=copy.pk)


@member_required(Capability.VIEW_DASHBOARDS)
@require_POST
def tile_add(request: OrganizationRequest, pk: int) -> HttpResponse:
    dashboard = _dashboard(request, pk)
    form = TileForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("web:analytics_dashboard", pk=dashboard.pk)
    data = form.cleaned_data
    try:
        services.tile_add(
            dashboard=dashboard,
            by=request.membership,
            kind=data["kind"],
            metric=data["metric"] or "nps",
            period=data["period"] or "week",
            dimension=data["dimension"] or "channel",
            title=data["title"],
        )
    except PermissionDenied as error:
        return _refused(request, error)
    except ValidationFailed as error:
        messages.error(request, error.message)
    return redirect("web:analytics_dashboard", pk=dashboard.pk)


@member_required(Capability.VIEW_DASHBOARDS)
@require_POST
def tile_change(request: OrganizationRequest, pk: int) -> HttpResponse:
    """Move a tile up or down (`move` = up/down) or remove it (`remove`)."""
    tile = _tile(request, pk)
    action = request.POST.get("action", "")
    try:
        if action == "remove":
            services.tile_remove(tile=tile, by=request.membership)
        elif action in ("up", "down"):
            services.tile_move(tile=tile, by=request.membership, step=-1 if action == "up" else 1)
        else:
            messages.error(request, _("Unknown tile action; use up, down or remove."))
    except PermissionDenied as error:
        return _refused(request, error)
    return redirect("web:analytics_dashboard", pk=tile.dashboard_id)
