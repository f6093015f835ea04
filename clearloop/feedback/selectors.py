"""Reads for the feedback inbox; every function is scoped to one organization.

`feedback_list` is the one query behind the inbox page, the API list and bulk tagging:
filters combine (AND), and a search intersects the item's search tokens before it
confirms each term with a substring test (see `clearloop.feedback.search`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clearloop.accounts.models import Membership, Organization
from clearloop.customers.models import Customer
from clearloop.feedback import search
from clearloop.feedback.models import (
    FeedbackItem,
    FeedbackSource,
    ItemTag,
    ListeningMatch,
    ListeningRule,
    SavedView,
    SearchToken,
    Tag,
    TaggingRule,
)
from clearloop.surveys.models import Answer, QuestionKind, ResponseChannel
from clearloop.surveys.results import NPS_GROUP_CHOICES, NPS_GROUPS

# A channel is how the words reached us: the survey's distribution channel for a survey
# comment, the source for everything else. "Email" therefore finds emails *and* comments
# answered through an email invitation, which is what someone filtering by channel means.
CHANNEL_CHOICES: list[tuple[str, Any]] = [
    (ResponseChannel.EMAIL.value, _("Email")),
    (ResponseChannel.LINK.value, _("Survey link")),
    (ResponseChannel.QR.value, _("QR code")),
    (ResponseChannel.WIDGET.value, _("Website widget")),
    (ResponseChannel.API.value, _("Survey API")),
    *[
        (value, label)
        for value, label in FeedbackSource.choices
        if value not in (FeedbackSource.SURVEY_COMMENT, FeedbackSource.EMAIL)
    ],
]
FEW_HOLDERS = 2000
RATING_CHOICES: list[tuple[str, Any]] = [
    *[(str(stars), _("%(stars)d stars") % {"stars": stars}) for stars in range(5, 0, -1)],
    *NPS_GROUP_CHOICES,
]
HAS_CASE_CHOICES: list[tuple[str, Any]] = [
    ("yes", _("With a case")),
    ("open", _("With an open case")),
    ("no", _("Without a case")),
]


@dataclass(frozen=True)
class FeedbackFilters:
    """What the inbox is narrowed to. Empty means any; dates are days in the current
    time zone, both ends included; `rating` is 1-5 stars or an NPS group."""

    source: str = ""
    channel: str = ""
    language: str = ""
    rating: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    segment: str = ""
    tag: int | None = None
    q: str = ""
    # Text analysis: the item's sentiment, one of its topics (id), an aspect it talks
    # about ("delivery", or "delivery:negative").
    sentiment: str = ""
    topic: int | None = None
    aspect: str = ""
    signal: str = ""  # an urgency or intent signal: churn_intent, anger, legal_threat, …
    # Whether a case follows the item up: "yes", "open" (one not yet resolved) or "no".
    has_case: str = ""


def _channel_q(channel: str) -> Q:
    q = Q(pk__in=[])
    if channel in FeedbackSource.values and channel != FeedbackSource.SURVEY_COMMENT:
        q |= Q(source=channel)
    if channel in ResponseChannel.values:
        q |= Q(source=FeedbackSource.SURVEY_COMMENT, response__channel=channel)
    return q


def _nps_answers() -> QuerySet[Answer]:
    # The response's NPS answer; Answer's (response, question, row) index serves it.
    return Answer.objects.filter(
        response_id=OuterRef("response_id"), question__kind=QuestionKind.NPS
    )


def _rating_q(rating: str) -> Q:
    if rating.isdigit():
        return Q(rating=int(rating))
    low, high = NPS_GROUPS.get(rating, (1, 0))
    return Q(Exists(_nps_answers().filter(number__gte=low, number__lte=high)))


def _case_q(has_case: str) -> Q:
    """Items with (or without) a case: one opened on the item itself or, for a survey
    comment, on the response it was written in."""
    from clearloop.cases.models import OPEN_STATUSES, Case  # cases builds on feedback

    cases = Case.objects.filter(organization_id=OuterRef("organization_id"))
    if has_case == "open":
        cases = cases.filter(status__in=OPEN_STATUSES)
    followed_up = Q(Exists(cases.filter(feedback_item_id=OuterRef("pk")))) | Q(
        Exists(cases.filter(response_id=OuterRef("response_id")))
    )
    return ~followed_up if has_case == "no" else followed_up


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _searched(organization_id: int, query: str) -> QuerySet[FeedbackItem]:
    """The organization's items containing every term of `query`: the items holding all
    the terms' tokens, confirmed by a substring test of each term."""
    terms = search.query_terms(query)
    tokens = {search.token_hash(token) for term in terms for token in search.term_tokens(term)}
    items = FeedbackItem.objects.for_organization(organization_id)
    if tokens:
        holders = (
            SearchToken.objects.filter(organization_id=organization_id, token__in=tokens)
            .values("item_id")
            .annotate(found=Count("token"))
            .filter(found=len(tokens))
            .values_list("item_id", flat=True)
        )
        few = list(holders[: FEW_HOLDERS + 1])
        if len(few) <= FEW_HOLDERS:
            # A rare term's few holders are fetched first. "+ 0" hides the organization
            # column from SQLite's planner, which would otherwise walk the whole inbox in
            # date order looking for them; the scoping stays.
            items = (
                FeedbackItem.objects.filter(pk__in=few)
                .alias(tenant=F("organization_id") + 0)
                .filter(tenant=organization_id)
            )
        else:
            items = items.filter(pk__in=holders)
    for term in terms:
        items = items.filter(text__icontains=term)
    return items


def _filtered(items: QuerySet[FeedbackItem], filters: FeedbackFilters) -> Any:
    simple = {
        "source": filters.source,
        "language": filters.language,
        "customer__segment": filters.segment,
    }
    items = items.filter(**{key: value for key, value in simple.items() if value})
    if filters.channel:
        items = items.filter(_channel_q(filters.channel))
    if filters.rating:
        items = items.filter(_rating_q(filters.rating))
    if filters.date_from:
        items = items.filter(occurred_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        items = items.filter(occurred_at__lt=_day_start(filters.date_to + dt.timedelta(days=1)))
    if filters.tag:
        items = items.filter(item_tags__tag_id=filters.tag)
    if filters.has_case:
        items = items.filter(_case_q(filters.has_case))
    if filters.sentiment or filters.topic or filters.aspect or filters.signal:
        from clearloop.textanalysis.selectors import filter_items

        items = filter_items(
            items,
            sentiment=filters.sentiment,
            topic=filters.topic,
            aspect=filters.aspect,
            signal=filters.signal,
        )
    return items


def feedback_list(
    *,
    organization: Organization | int,
    source: str = "",
    language: str = "",
    filters: FeedbackFilters | None = None,
) -> QuerySet[FeedbackItem]:
    """The organization's feedback, newest first, with the customer loaded in the same
    query. `source` and `language` are shortcuts for the same fields of `filters`."""
    filters = filters or FeedbackFilters(source=source, language=language)
    organization_id = organization if isinstance(organization, int) else organization.pk
    if filters.q.strip():
        items = _searched(organization_id, filters.q)
    else:
        items = FeedbackItem.objects.for_organization(organization_id)
    items = _filtered(items.select_related("customer"), filters)
    return items.order_by("-occurred_at", "-pk")


def _tags_prefetch() -> Prefetch[Any]:
    return Prefetch(
        "item_tags", queryset=ItemTag.objects.select_related("tag").order_by("tag__name")
    )


def _latest_case() -> QuerySet[Any]:
    """The newest case following an item up (on the item, or on its survey response)."""
    from clearloop.cases.models import Case  # cases builds on feedback

    return Case.objects.filter(
        Q(feedback_item_id=OuterRef("pk")) | Q(response_id=OuterRef("response_id")),
        organization_id=OuterRef("organization_id"),
    ).order_by("-pk")


def with_display(items: QuerySet[FeedbackItem]) -> QuerySet[FeedbackItem]:
    """What a list shows per item, loaded without a query per row: tags (one query for
    the page), the response's survey and channel, the NPS score of survey comments, and
    the case that follows the item up."""
    nps = Subquery(_nps_answers().values("number")[:1])
    return (
        items.select_related("response", "analysis")
        .prefetch_related(_tags_prefetch())
        .annotate(
            nps_score=nps,
            case_pk=Subquery(_latest_case().values("pk")[:1]),
            case_status=Subquery(_latest_case().values("status")[:1]),
        )
    )


def feedback_detail(*, organization: Organization | int, pk: Any) -> FeedbackItem:
    from clearloop.core.scoping import get_for_organization_or_404

    item = get_for_organization_or_404(FeedbackItem, organization=organization, pk=pk)
    return with_display(FeedbackItem.objects.filter(pk=item.pk)).get()


def tags_list(*, organization: Organization | int) -> QuerySet[Tag]:
    return Tag.objects.for_organization(organization).order_by("name", "pk")


def tags_with_counts(*, organization: Organization | int) -> QuerySet[Tag]:
    return tags_list(organization=organization).annotate(items=Count("item_tags"))


def customer_segments(*, organization: Organization | int) -> list[str]:
    customers = Customer.objects.for_organization(organization).exclude(segment="")
    return sorted(customers.values_list("segment", flat=True).distinct())


def saved_views_for(*, membership: Membership) -> QuerySet[SavedView]:
    """Views shared with the organization and the member's own, shared first."""
    views = SavedView.objects.for_organization(membership.organization_id)
    return views.filter(Q(owner__isnull=True) | Q(owner=membership)).order_by(
        F("owner").asc(nulls_first=True), "name", "pk"
    )


def tagging_rules_list(*, organization: Organization | int) -> QuerySet[TaggingRule]:
    return TaggingRule.objects.for_organization(organization).select_related("tag")


def listening_rules_list(*, organization: Organization | int) -> QuerySet[ListeningRule]:
    return ListeningRule.objects.for_organization(organization).select_related("tag")


@dataclass(frozen=True)
class DayCount:
    day: dt.date
    count: int


def _days(since: dt.date, until: dt.date) -> list[dt.date]:
    return [since + dt.timedelta(days=n) for n in range((until - since).days + 1)]


def zero_days(since: dt.date, until: dt.date) -> list[DayCount]:
    return [DayCount(day, 0) for day in _days(since, until)]


def listening_counts(*, rule: ListeningRule, since: dt.date, until: dt.date) -> list[DayCount]:
    """Matches of `rule` per day from `since` to `until` (both included), zero days
    included; the counting is one GROUP BY in the database."""
    rows = (
        ListeningMatch.objects.filter(
            organization_id=rule.organization_id, rule=rule, day__gte=since, day__lte=until
        )
        .values("day")
        .annotate(count=Count("pk"))
    )
    counts = {row["day"]: row["count"] for row in rows}
    return [DayCount(day, counts.get(day, 0)) for day in _days(since, until)]


def listening_overview(
    *, organization: Organization | int, since: dt.date, until: dt.date
) -> dict[int, list[DayCount]]:
    """Per-day counts for every rule of the organization, in one GROUP BY."""
    rows = (
        ListeningMatch.objects.for_organization(organization)
        .filter(day__gte=since, day__lte=until)
        .values("rule_id", "day")
        .annotate(count=Count("pk"))
    )
    counts: dict[int, dict[dt.date, int]] = {}
    for row in rows:
        counts.setdefault(row["rule_id"], {})[row["day"]] = row["count"]
    return {
        rule_id: [DayCount(day, by_day.get(day, 0)) for day in _days(since, until)]
        for rule_id, by_day in counts.items()
    }
