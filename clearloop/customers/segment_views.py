"""The segment pages, under /customers/segments/ in the `web` namespace: the list with
counts, the builder (rule rows added and switched with htmx, a live count), delete."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from clearloop.accounts.decorators import OrganizationRequest, member_required
from clearloop.accounts.models import Language
from clearloop.accounts.roles import Capability
from clearloop.core.errors import PermissionDenied as Refused
from clearloop.core.errors import ValidationFailed
from clearloop.core.scoping import get_for_organization_or_404
from clearloop.customers import segments as rules
from clearloop.customers import selectors
from clearloop.customers.forms import SegmentForm, add_service_errors, rules_from_post
from clearloop.customers.models import InteractionChannel, Segment
from clearloop.customers.segments import EMPTY_RULES, RULE_KINDS, segment_rules_clean
from clearloop.customers.services import CAPABILITIES
from clearloop.feedback.models import FeedbackSource

KIND_LABELS = {
    "profile": gettext_lazy("Profile field"),
    "attribute": gettext_lazy("Custom attribute"),
    "spent": gettext_lazy("Spent"),
    "bought": gettext_lazy("Bought a product"),
    "channel": gettext_lazy("Contacted us by"),
    "feedback": gettext_lazy("Gave feedback on"),
    "nps": gettext_lazy("Latest NPS group"),
}


def _can_manage(request: OrganizationRequest) -> bool:
    return any(request.membership.allows(c) for c in CAPABILITIES)


def _choices(request: OrganizationRequest) -> dict[str, Any]:
    """What the rule rows offer in their selects."""
    return {
        "kinds": [(kind, KIND_LABELS[kind]) for kind in RULE_KINDS],
        "profile_fields": [
            ("segment", _("Segment")),
            ("region", _("Region")),
            ("country", _("Country")),
            ("language", _("Language")),
        ],
        "attributes": selectors.custom_attributes(organization=request.organization),
        "channels": InteractionChannel.choices,
        "sources": FeedbackSource.choices,
        "languages": Language.choices,
        "attribute_ops": [
            ("is", _("is")),
            ("is_not", _("is not")),
            ("contains", _("contains")),
            ("gt", _("more than / after")),
            ("lt", _("less than / before")),
        ],
        "nps_groups": [
            ("promoter", _("Promoter (9-10)")),
            ("passive", _("Passive (7-8)")),
            ("detractor", _("Detractor (0-6)")),
        ],
    }


@member_required(Capability.VIEW_CUSTOMERS)
def segments(request: OrganizationRequest) -> HttpResponse:
    context = {
        "segments": selectors.segments_with_counts(organization=request.organization),
        "can_manage": _can_manage(request),
    }
    return render(request, "customers/segments/list.html", context)


@member_required(Capability.VIEW_CUSTOMERS)
@require_http_methods(["GET", "POST"])
def segment_edit(request: OrganizationRequest, pk: int | None = None) -> HttpResponse:
    segment = (
        get_for_organization_or_404(Segment, organization=request.organization, pk=pk)
        if pk
        else None
    )
    stored = segment.rules if segment else EMPTY_RULES
    initial = {"name": segment.name if segment else "", "match": stored.get("match", "all")}
    form = SegmentForm(request.POST or None, initial=initial)
    document = rules_from_post(request.POST) if request.method == "POST" else stored
    if request.method == "POST":
        if not _can_manage(request):
            raise PermissionDenied
        saved = _save(request, form, segment, document)
        if saved is not None:
            messages.success(request, _("Segment saved."))
            # The list filtered by the new segment shows at once whom it selects.
            return redirect(f"{reverse('web:customers')}?saved={saved.pk}")
    context = {
        "segment": segment,
        "form": form,
        "rows": list(enumerate(document.get("rules", []))),
        "next_index": len(document.get("rules", [])),
        "can_manage": _can_manage(request),
        **_choices(request),
    }
    return render(
        request, "customers/segments/edit.html", context, status=400 if form.errors else 200
    )


def _save(
    request: OrganizationRequest,
    form: SegmentForm,
    segment: Segment | None,
    document: dict[str, Any],
) -> Segment | None:
    if not form.is_valid():
        return None
    document["match"] = form.cleaned_data["match"]
    name = form.cleaned_data["name"]
    try:
        if segment is None:
            return rules.segment_create(
                organization=request.organization, name=name, rules=document, by=request.membership
            )
        return rules.segment_update(
            segment=segment, name=name, rules=document, by=request.membership
        )
    except ValidationFailed as error:
        add_service_errors(form, error)
        return None


@member_required(Capability.VIEW_CUSTOMERS)
def segment_rule_row(request: OrganizationRequest) -> HttpResponse:
    """One rule row for `kind` at `index` (htmx: "Add rule" and switching a row's kind)."""
    index = request.GET.get("index", "0")
    # "Add rule" names no kind; switching a row's kind sends its select, r<index>-kind.
    kind = request.GET.get(f"r{index}-kind") or request.GET.get("kind", "profile")
    context = {
        "index": int(index) if index.isdigit() else 0,
        "rule": {"kind": kind if kind in RULE_KINDS else "profile"},
        "add": "add" in request.GET,
        **_choices(request),
    }
    return render(request, "customers/segments/_rule.html", context)


@member_required(Capability.VIEW_CUSTOMERS)
@require_POST
def segment_count(request: OrganizationRequest) -> HttpResponse:
    """The live count of the builder's current rules, or why they cannot be counted yet."""
    try:
        cleaned = segment_rules_clean(
            organization_id=request.organization.pk, rules=rules_from_post(request.POST)
        )
    except ValidationFailed as error:
        return render(request, "customers/segments/_count.html", {"error": error.message})
    count = selectors.segment_preview_count(organization=request.organization, rules=cleaned)
    return render(request, "customers/segments/_count.html", {"count": count})


@member_required(Capability.VIEW_CUSTOMERS)
@require_POST
def segment_delete(request: OrganizationRequest, pk: int) -> HttpResponse:
    segment = get_for_organization_or_404(Segment, organization=request.organization, pk=pk)
    try:
        rules.segment_delete(segment=segment, by=request.membership)
    except Refused as error:
        raise PermissionDenied from error
    messages.success(request, _("Segment deleted."))
    return redirect("web:segments")
