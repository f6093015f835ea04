"""The staff pages of the feedback inbox, under /feedback/ in the `web` namespace: the
inbox with its filters and saved views, an item, tags and tagging rules, listening rules.

Thin views: parse a form, call one service or selector, render. Reading needs
VIEW_FEEDBACK; changing tags, rules and shared views needs a curating role
(`clearloop.feedback.permissions`). Another organization's objects are 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clearloop.accounts.decorators import OrganizationRequest, member_required
from clearloop.accounts.roles import Capability
from clearloop.core.errors import ClearloopError
from clearloop.core.scoping import get_for_organization_or_404
from clearloop.feedback import selectors, services
from clearloop.feedback.forms import (
    FilterForm,
    ItemTagForm,
    ListeningRuleForm,
    SavedViewForm,
    TagForm,
    TaggingRuleForm,
)
from clearloop.feedback.models import (
    FeedbackItem,
    ListeningRule,
    SavedView,
    Tag,
    TaggingRule,
)
from clearloop.feedback.permissions import may_curate
from clearloop.feedback.presentation import item_details, sparkline

PAGE_SIZE = 50
LISTENING_DAYS = 30

read_feedback = member_required(Capability.VIEW_FEEDBACK)


def curator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @read_feedback
    @wraps(view)
    def wrapped(request: OrganizationRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_curate(request.membership.role):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _filter_form(
    request: OrganizationRequest, data: QueryDict, tags: list[Tag] | None = None
) -> FilterForm:
    organization = request.organization
    if tags is None:
        tags = list(selectors.tags_list(organization=organization))
    from clearloop.textanalysis.selectors import live_topics

    return FilterForm(
        data,
        segments=selectors.customer_segments(organization=organization),
        tags=tags,
        topics=list(live_topics(organization=organization).only("pk", "name")),
    )


def _inbox_url(query: str = "") -> str:
    return reverse("web:feedback") + (f"?{query}" if query else "")


@read_feedback
def feedback(request: OrganizationRequest) -> HttpResponse:
    all_tags = list(selectors.tags_list(organization=request.organization))
    form = _filter_form(request, request.GET, all_tags)
    valid = form.is_valid()
    items = selectors.feedback_list(
        organization=request.organization,
        filters=form.filters() if valid else selectors.FeedbackFilters(),
    )
    if not valid:
        items = items.none()
    page = Paginator(selectors.with_display(items), PAGE_SIZE).get_page(request.GET.get("page"))
    query = form.query_string()
    context = {
        "form": form,
        "page": page,
        "query": query,
        "filtered": bool(query),
        "all_tags": all_tags,
        "saved_views": selectors.saved_views_for(membership=request.membership),
        "may_curate": may_curate(request.membership.role),
        "view_form": SavedViewForm(initial={"query": query}),
    }
    return render(request, "feedback/inbox.html", context, status=200 if valid else 400)


@read_feedback
def feedback_item(request: OrganizationRequest, pk: int) -> HttpResponse:
    item = selectors.feedback_detail(organization=request.organization, pk=pk)
    return render(
        request,
        "feedback/detail.html",
        {
            "item": item,
            "details": item_details(item),
            "all_tags": list(selectors.tags_list(organization=request.organization)),
            "may_curate": may_curate(request.membership.role),
        },
    )


def _item_tags_response(request: OrganizationRequest, item: FeedbackItem) -> HttpResponse:
    if request.htmx:
        item = selectors.feedback_detail(organization=request.organization, pk=item.pk)
        context = {
            "item": item,
            "all_tags": list(selectors.tags_list(organization=request.organization)),
            "may_curate": True,
        }
        return render(request, "feedback/_item_tags.html", context)
    return redirect(_safe_next(request) or reverse("web:feedback_item", args=[item.pk]))


def _safe_next(request: OrganizationRequest) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


@require_POST
@curator_required
def feedback_item_tag_add(request: OrganizationRequest, pk: int) -> HttpResponse:
    item = get_for_organization_or_404(FeedbackItem, organization=request.organization, pk=pk)
    form = ItemTagForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Pick a tag."), status=400)
    tag = get_for_organization_or_404(
        Tag, organization=request.organization, pk=form.cleaned_data["tag"]
    )
    services.item_tag_add(item=item, tag=tag, by=request.membership)
    return _item_tags_response(request, item)


@require_POST
@curator_required
def feedback_item_tag_remove(request: OrganizationRequest, pk: int, tag_pk: int) -> HttpResponse:
    item = get_for_organization_or_404(FeedbackItem, organization=request.organization, pk=pk)
    tag = get_for_organization_or_404(Tag, organization=request.organization, pk=tag_pk)
    services.item_tag_remove(item=item, tag=tag, by=request.membership)
    return _item_tags_response(request, item)


@require_POST
@curator_required
def feedback_bulk_tag(request: OrganizationRequest) -> HttpResponse:
    query = request.POST.get("query", "")
    form = _filter_form(request, QueryDict(query))
    tag_form = ItemTagForm(request.POST)
    if not (form.is_valid() and tag_form.is_valid()):
        messages.error(request, _("Pick a tag, and a valid filter, to tag the listed items."))
        return redirect(_inbox_url(query))
    tag = get_for_organization_or_404(
        Tag, organization=request.organization, pk=tag_form.cleaned_data["tag"]
    )
    items = selectors.feedback_list(organization=request.organization, filters=form.filters())
    count = services.tags_bulk_add(items=items, tag=tag, by=request.membership)
    messages.success(
        request, _("Tagged %(count)d items with “%(tag)s”.") % {"count": count, "tag": tag.name}
    )
    return redirect(_inbox_url(form.query_string()))


# --- Saved views --------------------------------------------------------------------------


@require_POST
@read_feedback
def saved_view_create(request: OrganizationRequest) -> HttpResponse:
    form = SavedViewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the view a name."))
        return redirect(_inbox_url(request.POST.get("query", "")))
    # Keep only what the filter bar knows, so a saved view never carries anything else.
    filters = _filter_form(request, QueryDict(form.cleaned_data["query"]))
    filters.is_valid()
    try:
        view = services.saved_view_create(
            membership=request.membership,
            name=form.cleaned_data["name"],
            query=filters.query_string(),
            shared=form.cleaned_data["shared"],
        )
    except ClearloopError as error:
        messages.error(request, error.message)
        return redirect(_inbox_url(filters.query_string()))
    messages.success(request, _("Saved the view “%(name)s”.") % {"name": view.name})
    return redirect(_inbox_url(view.query))


@require_POST
@read_feedback
def saved_view_delete(request: OrganizationRequest, pk: int) -> HttpResponse:
    view = get_for_organization_or_404(SavedView, organization=request.organization, pk=pk)
    if view.owner_id not in (None, request.membership.pk):
        raise Http404  # someone else's personal view does not exist for this member
    try:
        services.saved_view_delete(view=view, by=request.membership)
    except ClearloopError as error:
        messages.error(request, error.message)
    return redirect("web:feedback")


# --- Tags and tagging rules ---------------------------------------------------------------


def _tags_page(request: OrganizationRequest, **forms: Any) -> HttpResponse:
    organization = request.organization
    tags = list(selectors.tags_list(organization=organization))
    context = {
        "tags": selectors.tags_with_counts(organization=organization),
        "rules": selectors.tagging_rules_list(organization=organization),
        "tag_form": forms.get("tag_form") or TagForm(),
        "rule_form": forms.get("rule_form") or TaggingRuleForm(tags=tags),
        "may_curate": may_curate(request.membership.role),
    }
    status = 400 if forms else 200
    return render(request, "feedback/tags.html", context, status=status)


@read_feedback
def tags(request: OrganizationRequest) -> HttpResponse:
    return _tags_page(request)


@require_POST
@curator_required
def tag_create(request: OrganizationRequest) -> HttpResponse:
    form = TagForm(request.POST)
    if form.is_valid():
        try:
            services.tag_create(
                organization=request.organization, by=request.membership, **form.cleaned_data
            )
            return redirect("web:feedback_tags")
        except ClearloopError as error:
            form.add_error("name", error.message)
    return _tags_page(request, tag_form=form)


@require_POST
@curator_required
def tag_delete(request: OrganizationRequest, pk: int) -> HttpResponse:
    tag = get_for_organization_or_404(Tag, organization=request.organization, pk=pk)
    try:
        services.tag_delete(tag=tag, by=request.membership)
    except ClearloopError as error:
        messages.error(request, error.message)
    return redirect("web:feedback_tags")


@require_POST
@curator_required
def tagging_rule_create(request: OrganizationRequest) -> HttpResponse:
    tags_ = list(selectors.tags_list(organization=request.organization))
    form = TaggingRuleForm(request.POST, tags=tags_)
    if not form.is_valid():
        return _tags_page(request, rule_form=form)
    data = form.cleaned_data
    tag = get_for_organization_or_404(Tag, organization=request.organization, pk=data["tag"])
    services.tagging_rule_create(
        organization=request.organization,
        name=data["name"],
        tag=tag,
        phrases=data["phrases"],
        back_apply=data["back_apply"],
        by=request.membership,
    )
    messages.success(request, _("The rule tags new items from now on."))
    return redirect("web:feedback_tags")


@require_POST
@curator_required
def tagging_rule_delete(request: OrganizationRequest, pk: int) -> HttpResponse:
    rule = get_for_organization_or_404(TaggingRule, organization=request.organization, pk=pk)
    services.tagging_rule_delete(rule=rule, by=request.membership)
    return redirect("web:feedback_tags")


# --- Listening ----------------------------------------------------------------------------


def _listening_page(request: OrganizationRequest, form: ListeningRuleForm | None) -> HttpResponse:
    organization = request.organization
    until = timezone.localdate()
    since = until - dt.timedelta(days=LISTENING_DAYS - 1)
    counts = selectors.listening_overview(organization=organization, since=since, until=until)
    rules = [
        (rule, counts.get(rule.pk) or selectors.zero_days(since, until))
        for rule in selectors.listening_rules_list(organization=organization)
    ]
    context = {
        "rules": [(rule, sparkline(days), sum(day.count for day in days)) for rule, days in rules],
        "form": form or ListeningRuleForm(),
        "may_curate": may_curate(request.membership.role),
        "since": since,
        "until": until,
    }
    return render(request, "feedback/listening.html", context, status=400 if form else 200)


@read_feedback
def listening(request: OrganizationRequest) -> HttpResponse:
    return _listening_page(request, None)


@require_POST
@curator_required
def listening_rule_create(request: OrganizationRequest) -> HttpResponse:
    form = ListeningRuleForm(request.POST)
    if not form.is_valid():
        return _listening_page(request, form)
    services.listening_rule_create(
        organization=request.organization, by=request.membership, **form.cleaned_data
    )
    messages.success(request, _("The rule watches new items from now on."))
    return redirect("web:feedback_listening")


@require_POST
@curator_required
def listening_rule_toggle(request: OrganizationRequest, pk: int) -> HttpResponse:
    rule = get_for_organization_or_404(ListeningRule, organization=request.organization, pk=pk)
    services.listening_rule_set_active(rule=rule, active=not rule.active, by=request.membership)
    return redirect("web:feedback_listening")


@require_POST
@curator_required
def listening_rule_delete(request: OrganizationRequest, pk: int) -> HttpResponse:
    rule = get_for_organization_or_404(ListeningRule, organization=request.organization, pk=pk)
    services.listening_rule_delete(rule=rule, by=request.membership)
    return redirect("web:feedback_listening")
