"""The alert pages under /alerts/ in the `web` namespace: the list of what fired and why
(with acknowledge and resolve), and the rules with a form for a new one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clearloop.accounts.decorators import OrganizationRequest, member_required
from clearloop.accounts.roles import Capability
from clearloop.alerts import selectors, services
from clearloop.alerts.forms import AlertRuleForm
from clearloop.alerts.models import Alert, AlertStatus, DigestFrequency, DigestSubscription
from clearloop.core.errors import ValidationFailed
from clearloop.core.scoping import get_for_organization_or_404
from clearloop.goals.forms import add_service_errors, parse_scope


@member_required(Capability.VIEW_DASHBOARDS)
def alerts(request: OrganizationRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    context = {
        "alerts": selectors.alerts_list(organization=request.organization, status=status)[:200],
        "rules": selectors.rules_list(organization=request.organization),
        "status": status,
        "statuses": AlertStatus.choices,
        "can_manage": request.membership.allows(Capability.MANAGE_GOALS),
        "digest": DigestSubscription.objects.filter(membership=request.membership).first(),
        "frequencies": DigestFrequency.choices,
    }
    return render(request, "alerts/list.html", context)


@member_required(Capability.VIEW_DASHBOARDS)
@require_POST
def digest_subscribe(request: OrganizationRequest) -> HttpResponse:
    try:
        services.digest_subscribe(
            by=request.membership, frequency=request.POST.get("frequency", "")
        )
    except ValidationFailed as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Digest preference saved."))
    return redirect("web:alerts")


@member_required(Capability.MANAGE_GOALS)
@require_http_methods(["GET", "POST"])
def rule_new(request: OrganizationRequest) -> HttpResponse:
    form = AlertRuleForm(request.POST or None, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.alert_rule_create(
                organization=request.organization,
                by=request.membership,
                name=data["name"],
                kind=data["kind"],
                metric=data["metric"],
                scope=parse_scope(data["scope"]),
                comparison=data["comparison"],
                threshold=data["threshold"],
                window_days=data["window_days"],
                minimum_n=data["minimum_n"],
                channels=data["channels"],
                email_to=data["email_to"].split(","),
                webhook_url=data["webhook_url"],
                quiet_hours=data["quiet_hours"],
                listening_rule=data["listening_rule"],
                webhook_endpoint=data["webhook_endpoint"],
            )
        except ValidationFailed as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Alert rule saved."))
            return redirect("web:alerts")
    status = 400 if form.errors else 200
    return render(request, "alerts/rule_new.html", {"form": form}, status=status)


@member_required(Capability.VIEW_DASHBOARDS)
@require_POST
def alert_acknowledge(request: OrganizationRequest, pk: int) -> HttpResponse:
    alert = get_for_organization_or_404(Alert, organization=request.organization, pk=pk)
    services.alert_acknowledge(alert=alert, by=request.membership)
    return redirect("web:alerts")


@member_required(Capability.VIEW_DASHBOARDS)
@require_POST
def alert_resolve(request: OrganizationRequest, pk: int) -> HttpResponse:
    alert = get_for_organization_or_404(Alert, organization=request.organization, pk=pk)
    services.alert_resolve(alert=alert, by=request.membership)
    return redirect("web:alerts")
