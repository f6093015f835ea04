"""The staff pages of text analysis, under /text/ in the `web` namespace: the overview
(sentiment trend, topic-by-sentiment and aspect charts, accuracy from corrections, the
backfill), the topics page with the taxonomy, a topic with its texts, and corrections
posted from the feedback item page.

Thin views: parse a form, call one service or selector, render. Reading needs
VIEW_FEEDBACK; changing the taxonomy or correcting needs a curating role, like tagging
(`clearloop.feedback.permissions`). Another organization's objects are 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
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
from clearloop.feedback.models import FeedbackItem
from clearloop.feedback.permissions import may_curate
from clearloop.textanalysis import charts, selectors, services
from clearloop.textanalysis.forms import (
    CorrectionForm,
    TopicCreateForm,
    TopicKeywordsForm,
    TopicMergeForm,
    TopicRenameForm,
)
from clearloop.textanalysis.models import Topic
from clearloop.textanalysis.tasks import text_topics_discover

TREND_WEEKS = 12
SAMPLE_TEXTS = 20

read_feedback = member_required(Capability.VIEW_FEEDBACK)


def curator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @read_feedback
    @wraps(view)
    def wrapped(request: OrganizationRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_curate(request.membership.role):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _since() -> dt.datetime:
    first = timezone.localdate() - dt.timedelta(weeks=TREND_WEEKS)
    return timezone.make_aware(dt.datetime.combine(first, dt.time.min))


@read_feedback
def overview(request: OrganizationRequest) -> HttpResponse:
    organization = request.organization
    since = _since()
    rows = selectors.topics_overview(organization=organization, weeks=TREND_WEEKS)
    context = {
        "coverage": selectors.analysis_coverage(organization=organization),
        "run": selectors.latest_backfill(organization=organization),
        "chart_data": charts.overview_data(
            trend=selectors.sentiment_trend(organization=organization, since=since),
            topics=rows,
            aspects=selectors.aspect_sentiment(organization=organization, since=since),
            inbox_url=reverse("web:feedback"),
        ),
        "accuracy": selectors.accuracy_by_language(organization=organization),
        "aspect_accuracy": selectors.accuracy_by_language(organization=organization, kind="aspect"),
        "corrections": selectors.recent_corrections(organization=organization, limit=10),
        "emerging": [row for row in rows if row.emerging],
        "may_curate": may_curate(request.membership.role),
    }
    return render(request, "textanalysis/overview.html", context)


@read_feedback
def run_progress(request: OrganizationRequest) -> HttpResponse:
    """The latest backfill's progress card; the overview polls it while the run works."""
    run = selectors.latest_backfill(organization=request.organization)
    return render(request, "textanalysis/_run.html", {"run": run})


@require_POST
@curator_required
def backfill_start(request: OrganizationRequest) -> HttpResponse:
    try:
        services.backfill_start(organization=request.organization, by=request.membership)
        messages.success(request, _("Existing feedback is being analysed in the background."))
    except ClearloopError as error:
        messages.error(request, error.message)
    return redirect("web:text")


def _topics_page(
    request: OrganizationRequest, create_form: TopicCreateForm | None = None
) -> HttpResponse:
    rows = selectors.topics_overview(organization=request.organization, weeks=TREND_WEEKS)
    context = {
        "rows": [(row, charts.sparkline(row.weeks)) for row in rows],
        "create_form": create_form or TopicCreateForm(),
        "may_curate": may_curate(request.membership.role),
    }
    return render(request, "textanalysis/topics.html", context, status=400 if create_form else 200)


@read_feedback
def topics(request: OrganizationRequest) -> HttpResponse:
    return _topics_page(request)


@require_POST
@curator_required
def topics_discover(request: OrganizationRequest) -> HttpResponse:
    text_topics_discover.enqueue(organization_id=request.organization.pk)
    messages.success(request, _("Topics are being discovered; this page shows them when done."))
    return redirect("web:text_topics")


@require_POST
@curator_required
def topic_create(request: OrganizationRequest) -> HttpResponse:
    form = TopicCreateForm(request.POST)
    if not form.is_valid():
        return _topics_page(request, form)
    services.topic_create(
        organization=request.organization, by=request.membership, **form.cleaned_data
    )
    messages.success(request, _("The topic is added; matching texts are being assigned."))
    return redirect("web:text_topics")


def _topic(request: OrganizationRequest, pk: int) -> Topic:
    return get_for_organization_or_404(Topic, organization=request.organization, pk=pk)


@read_feedback
def topic(request: OrganizationRequest, pk: int) -> HttpResponse:
    found = _topic(request, pk)
    if found.merged_into_id:
        return redirect("web:text_topic", pk=found.merged_into_id)
    items = (
        FeedbackItem.objects.for_organization(request.organization)
        .filter(topic_assignments__topic=found)
        .select_related("analysis")
        .order_by("-occurred_at", "-pk")[:SAMPLE_TEXTS]
    )
    others = selectors.live_topics(organization=request.organization).exclude(pk=found.pk)
    context = {
        "topic": found,
        "items": items,
        "rename_form": TopicRenameForm(initial={"name": found.name}),
        "keywords_form": TopicKeywordsForm(initial={"keywords": ", ".join(found.keywords)}),
        "merge_form": TopicMergeForm(topics=list(others)),
        "has_others": others.exists(),
        "may_curate": may_curate(request.membership.role),
    }
    return render(request, "textanalysis/topic.html", context)


def _taxonomy_change(
    request: OrganizationRequest, pk: int, change: Callable[[Topic], Any]
) -> HttpResponse:
    found = _topic(request, pk)
    try:
        result = change(found)
    except ClearloopError as error:
        messages.error(request, error.message)
        return redirect("web:text_topic", pk=found.pk)
    return redirect("web:text_topic", pk=getattr(result, "pk", found.pk))


@require_POST
@curator_required
def topic_rename(request: OrganizationRequest, pk: int) -> HttpResponse:
    form = TopicRenameForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the topic a name."))
        return redirect("web:text_topic", pk=_topic(request, pk).pk)
    return _taxonomy_change(
        request,
        pk,
        lambda t: services.topic_rename(
            topic=t, name=form.cleaned_data["name"], by=request.membership
        ),
    )


@require_POST
@curator_required
def topic_keywords(request: OrganizationRequest, pk: int) -> HttpResponse:
    form = TopicKeywordsForm(request.POST)
    form.is_valid()
    words = form.cleaned_data.get("keywords", [])
    return _taxonomy_change(
        request,
        pk,
        lambda t: services.topic_keywords_set(topic=t, keywords=words, by=request.membership),
    )


@require_POST
@curator_required
def topic_merge(request: OrganizationRequest, pk: int) -> HttpResponse:
    others = list(selectors.live_topics(organization=request.organization).exclude(pk=pk))
    form = TopicMergeForm(request.POST, topics=others)
    if not form.is_valid():
        messages.error(request, _("Pick a topic to merge into."))
        return redirect("web:text_topic", pk=_topic(request, pk).pk)
    target = _topic(request, form.cleaned_data["target"])
    return _taxonomy_change(
        request, pk, lambda t: services.topic_merge(source=t, target=target, by=request.membership)
    )


@require_POST
@curator_required
def item_correct(request: OrganizationRequest, pk: int) -> HttpResponse:
    item = get_for_organization_or_404(FeedbackItem, organization=request.organization, pk=pk)
    form = CorrectionForm(request.POST)
    back = reverse("web:feedback_item", args=[item.pk])
    if not form.is_valid():
        messages.error(request, _("Pick an answer to record."))
        return redirect(back)
    try:
        services.correction_record(item=item, by=request.membership, **form.cleaned_data)
        messages.success(
            request, _("Thank you: the correction is recorded and counts toward accuracy.")
        )
    except ClearloopError as error:
        messages.error(request, error.message)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(back)
