"""The 360° timeline of one customer: interactions, orders, survey responses, feedback
items and invitations sent, newest first.

The database merges and orders the kinds: each source contributes `(kind, id, at)` rows
to one UNION ALL, sorted and sliced there; then each kind on the page is loaded with one
query. A page costs at most 1 + len(TIMELINE_SOURCES) queries however long the history.

Cases (a later issue) join by adding a `TimelineSource` to `TIMELINE_SOURCES` — the hook
is that list — and a `customers/timeline/_case.html` template for its entries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, F, Model, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from clearloop.cases.models import Case
from clearloop.customers.models import Customer, Interaction, Order
from clearloop.feedback.models import FeedbackItem, FeedbackSource
from clearloop.surveys.models import Answer, QuestionKind, Response, SurveyInvitation

PAGE_SIZE = 20


@dataclass(frozen=True)
class TimelineSource:
    kind: str
    # The customer's rows of this kind, with the moment they belong at in the timeline.
    rows: Callable[[Customer], QuerySet[Any]]
    moment: Any
    # The objects of the given ids, loaded in one query, ready to render.
    load: Callable[[Iterable[int]], QuerySet[Any]]


def _response_rows(customer: Customer) -> QuerySet[Response]:
    return Response.objects.filter(customer=customer)


def _load_responses(ids: Iterable[int]) -> QuerySet[Response]:
    nps = Answer.objects.filter(
        response=OuterRef("pk"), question__kind=QuestionKind.NPS, number__isnull=False
    ).order_by("pk")
    return (
        Response.objects.filter(pk__in=ids)
        .select_related("survey", "feedback_item__analysis")
        .annotate(nps=Subquery(nps.values("number")[:1]))
    )


def _feedback_rows(customer: Customer) -> QuerySet[FeedbackItem]:
    # A survey comment shows inside its response's entry, not twice.
    return FeedbackItem.objects.filter(customer=customer).exclude(
        Q(source=FeedbackSource.SURVEY_COMMENT) & Q(response__isnull=False)
    )


TIMELINE_SOURCES: list[TimelineSource] = [
    TimelineSource(
        "interaction",
        lambda c: Interaction.objects.filter(customer=c),
        F("started_at"),
        lambda ids: Interaction.objects.filter(pk__in=ids).select_related("agent"),
    ),
    TimelineSource(
        "order",
        lambda c: Order.objects.filter(customer=c),
        F("ordered_at"),
        lambda ids: Order.objects.filter(pk__in=ids),
    ),
    TimelineSource(
        "response",
        _response_rows,
        Coalesce("completed_at", "started_at"),
        _load_responses,
    ),
    TimelineSource(
        "feedback",
        _feedback_rows,
        F("occurred_at"),
        lambda ids: FeedbackItem.objects.filter(pk__in=ids).select_related("analysis"),
    ),
    TimelineSource(
        "invitation",
        lambda c: SurveyInvitation.objects.filter(customer=c, sent_at__isnull=False),
        F("sent_at"),
        lambda ids: SurveyInvitation.objects.filter(pk__in=ids).select_related(
            "distribution__survey"
        ),
    ),
    TimelineSource(
        "case",
        lambda c: Case.objects.filter(customer=c),
        F("created_at"),
        lambda ids: Case.objects.filter(pk__in=ids).select_related("owner"),
    ),
]


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    at: dt.datetime
    item: Model


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    next_offset: int | None


def _keyed(source: TimelineSource, customer: Customer) -> QuerySet[Any]:
    return (
        source.rows(customer)
        .order_by()
        .annotate(
            entry_kind=Value(source.kind, output_field=CharField()),
            entry_id=F("pk"),
            entry_at=source.moment,
        )
        .values_list("entry_kind", "entry_id", "entry_at")
    )


def customer_timeline(
    *, customer: Customer, offset: int = 0, limit: int = PAGE_SIZE, kinds: Iterable[str] = ()
) -> TimelinePage:
    """`limit` entries of the customer's history from `offset`, newest first (ties by
    kind and id, so pages never overlap). `kinds` narrows to some sources."""
    sources = [s for s in TIMELINE_SOURCES if not kinds or s.kind in kinds]
    if not sources:
        return TimelinePage([], None)
    first, *others = [_keyed(source, customer) for source in sources]
    union = first.union(*others, all=True) if others else first
    offset = max(0, offset)
    rows = list(
        union.order_by("-entry_at", "-entry_kind", "-entry_id")[offset : offset + limit + 1]
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    loaded = _load(sources, rows)
    entries = [
        TimelineEntry(kind, at, loaded[kind][pk])
        for kind, pk, at in rows
        if pk in loaded.get(kind, {})
    ]
    return TimelinePage(entries, offset + limit if has_more else None)


def _load(
    sources: list[TimelineSource], rows: list[tuple[str, int, Any]]
) -> dict[str, dict[int, Any]]:
    ids: dict[str, list[int]] = {}
    for kind, pk, _at in rows:
        ids.setdefault(kind, []).append(pk)
    return {
        source.kind: {item.pk: item for item in source.load(ids[source.kind])}
        for source in sources
        if source.kind in ids
    }
