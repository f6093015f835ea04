"""The web UI shell: the dashboard and the area pages. Each view reads through the
owning app's selectors and renders. (The survey pages live in `clearloop.surveys.views`.)"""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from clearloop.accounts.decorators import OrganizationRequest, member_required
from clearloop.accounts.roles import Capability
from clearloop.analytics.dashboards import home_dashboard

PAGE_SIZE = 50


@member_required(Capability.VIEW_DASHBOARDS)
def home(request: OrganizationRequest) -> HttpResponse:
    context = home_dashboard(organization=request.organization)
    return render(request, "web/home.html", context)


@member_required()
def settings_index(request: OrganizationRequest) -> HttpResponse:
    if request.membership.allows(Capability.MANAGE_MEMBERS):
        return redirect("accounts:members")
    return redirect("accounts:preferences")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: the process is up and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
