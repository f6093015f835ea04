"""Reads of text analysis, each scoped to one organization: an item's analysis, signals
for triage and case rules, topics with counts, sentiment and trend, emerging topics for
alerts, the sentiment trend and topic-by-sentiment chart, and accuracy from corrections.
The database does the counting (GROUP BY); Python only shapes the rows."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from clearloop.accounts.models import Organization
from clearloop.analytics import metrics, significance
from clearloop.core.scoping import get_for_organization_or_404
from clearloop.feedback.models import FeedbackItem
from clearloop.textanalysis.models import (
    AnalysisRun,
    AspectMention,
    Correction,
    CorrectionKind,
    ItemAnalysis,
    ItemSignal,
    RunKind,
    Sentiment,
    Topic,
    TopicAssignment,
)

EMERGING_ALPHA = 0.01
EMERGING_MIN_COUNT = 5
RECENT_DAYS = 7
BASELINE_DAYS = 28


def _org_id(organization: Organization | int) -> int:
    return organization if isinstance(organization, int) else organization.pk


# --- Items ------------------------------------------------------------------------------


def filter_items(
    items: QuerySet[FeedbackItem],
    *,
    sentiment: str = "",
    topic: int | None = None,
    aspect: str = "",
    signal: str = "",
) -> QuerySet[FeedbackItem]:
    """The inbox's text filters: the item's sentiment, one of its topics, an aspect it
    talks about ("delivery", or "delivery:negative" for that aspect judged negative),
    an urgency or intent signal it raised."""
    if signal:
        items = items.filter(Exists(ItemSignal.objects.filter(item_id=OuterRef("pk"), kind=signal)))
    if sentiment:
        items = items.filter(analysis__sentiment=sentiment)
    if topic:
        items = items.filter(
            Exists(TopicAssignment.objects.filter(item_id=OuterRef("pk"), topic_id=topic))
        )
    if aspect:
        name, _sep, judged = aspect.partition(":")
        mentions = AspectMention.objects.filter(item_id=OuterRef("pk"), aspect=name)
        if judged:
            mentions = mentions.filter(sentiment=judged)
        items = items.filter(Exists(mentions))
    return items


@dataclass
class ItemText:
    analysis: ItemAnalysis | None
    sentences: list[Any] = field(default_factory=list)
    aspects: list[AspectMention] = field(default_factory=list)
    signals: list[ItemSignal] = field(default_factory=list)
    topics: list[TopicAssignment] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)


def item_text(*, item: FeedbackItem) -> ItemText:
    """Everything text analysis knows of one item (five small queries)."""
    analysis = ItemAnalysis.objects.filter(item=item).first()
    return ItemText(
        analysis=analysis,
        sentences=list(item.sentences.all()),
        aspects=list(item.aspect_mentions.all()),
        signals=list(item.text_signals.order_by("kind")),
        topics=list(item.topic_assignments.select_related("topic").order_by("-weight")),
        corrections=list(item.text_corrections.select_related("by__user")),
    )


def signals_for_items(
    *, organization: Organization | int, item_ids: Iterable[int]
) -> dict[int, list[str]]:
    """Urgency and intent signals per item, for triage and case rules:
    {item id: ["anger", "churn_intent", ...]} (items without signals are left out)."""
    rows = (
        ItemSignal.objects.for_organization(organization)
        .filter(item_id__in=list(item_ids))
        .order_by("item_id", "kind")
        .values_list("item_id", "kind")
    )
    found: dict[int, list[str]] = {}
    for item_id, kind in rows:
        found.setdefault(item_id, []).append(kind)
    return found


def items_with_signal(*, organization: Organization | int, kind: str) -> QuerySet[FeedbackItem]:
    return FeedbackItem.objects.for_organization(organization).filter(
        Exists(ItemSignal.objects.filter(item_id=OuterRef("pk"), kind=kind))
    )


# --- Topics -----------------------------------------------------------------------------


def live_topics(*, organization: Organization | int) -> QuerySet[Topic]:
    return Topic.objects.for_organization(organization).filter(merged_into__isnull=True)


def topic_detail(*, organization: Organization | int, pk: Any) -> Topic:
    return get_for_organization_or_404(Topic, organization=organization, pk=pk)


@dataclass
class TopicRow:
    topic: Topic
    count: int = 0
    negative: int = 0
    neutral: int = 0
    positive: int = 0
    mean_score: float | None = None
    weeks: list[tuple[dt.date, int]] = field(default_factory=list)
    emerging: EmergingTopic | None = None

    @property
    def negative_share(self) -> float:
        return self.negative / self.count if self.count else 0.0


def _assignments(organization_id: int, since: dt.datetime | None) -> QuerySet[TopicAssignment]:
    rows = TopicAssignment.objects.for_organization(organization_id).filter(
        topic__merged_into__isnull=True
    )
    if since is not None:
        rows = rows.filter(item__occurred_at__gte=since)
    return rows


def topics_overview(
    *, organization: Organization | int, since: dt.datetime | None = None, weeks: int = 12
) -> list[TopicRow]:
    """Live topics, most frequent first, with sentiment counts, mean score, weekly
    counts for the last `weeks` weeks and the emerging flag (four GROUP BYs)."""
    organization_id = _org_id(organization)
    rows = {topic.pk: TopicRow(topic) for topic in live_topics(organization=organization_id)}
    by_sentiment = (
        _assignments(organization_id, since)
        .values("topic_id", "item__analysis__sentiment")
        .annotate(n=Count("pk"), mean=Avg("item__analysis__score"))
    )
    for entry in by_sentiment:
        row = rows.get(entry["topic_id"])
        if row is None:
            continue
        row.count += entry["n"]
        label = entry["item__analysis__sentiment"]
        if label in Sentiment.values:
            setattr(row, label, getattr(row, label) + entry["n"])
    means = (
        _assignments(organization_id, since)
        .values("topic_id")
        .annotate(mean=Avg("item__analysis__score"))
    )
    for entry in means:
        if entry["topic_id"] in rows:
            rows[entry["topic_id"]].mean_score = entry["mean"]
    _add_weeks(organization_id, rows, weeks)
    for emerging in emerging_topics(organization=organization_id):
        if emerging.topic.pk in rows:
            rows[emerging.topic.pk].emerging = emerging
    return sorted(rows.values(), key=lambda row: (-row.count, row.topic.name))


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _add_weeks(organization_id: int, rows: dict[int, TopicRow], weeks: int) -> None:
    first = _week_start(timezone.localdate()) - dt.timedelta(weeks=weeks - 1)
    since = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    counts = (
        _assignments(organization_id, since)
        .annotate(week=TruncWeek("item__occurred_at"))
        .values("topic_id", "week")
        .annotate(n=Count("pk"))
    )
    by_topic: dict[int, dict[dt.date, int]] = {}
    for entry in counts:
        week = entry["week"]
        day = week.date() if isinstance(week, dt.datetime) else week
        by_topic.setdefault(entry["topic_id"], {})[day] = entry["n"]
    days = [first + dt.timedelta(weeks=n) for n in range(weeks)]
    for topic_id, row in rows.items():
        found = by_topic.get(topic_id, {})
        row.weeks = [(day, found.get(day, 0)) for day in days]


@dataclass(frozen=True)
class EmergingTopic:
    topic: Topic
    recent: int
    recent_total: int
    baseline: int
    baseline_total: int
    z: float
    p_value: float

    @property
    def recent_share(self) -> float:
        return self.recent / self.recent_total if self.recent_total else 0.0

    @property
    def baseline_share(self) -> float:
        return self.baseline / self.baseline_total if self.baseline_total else 0.0


def _upper_tail(z: float) -> float:
    """One-sided p of a rise: the recent share is larger than the baseline share."""
    return 0.5 * math.erfc(z / math.sqrt(2))


def emerging_topics(
    *,
    organization: Organization | int,
    now: dt.datetime | None = None,
    recent_days: int = RECENT_DAYS,
    baseline_days: int = BASELINE_DAYS,
    alpha: float = EMERGING_ALPHA,
    min_count: int = EMERGING_MIN_COUNT,
) -> list[EmergingTopic]:
    """Topics whose share of the feedback in the last `recent_days` is significantly
    above their share in the `baseline_days` before (one-sided two-proportion z-test,
    Benjamini-Hochberg-adjusted over the topics tested, at `alpha`; at least `min_count`
    recent texts). Strongest rise first. The alerts issue
    calls this."""
    organization_id = _org_id(organization)
    now = now or timezone.now()
    recent_start = now - dt.timedelta(days=recent_days)
    baseline_start = recent_start - dt.timedelta(days=baseline_days)
    items = FeedbackItem.objects.for_organization(organization_id)
    totals = items.aggregate(
        recent=Count("pk", filter=Q(occurred_at__gte=recent_start, occurred_at__lt=now)),
        baseline=Count(
            "pk", filter=Q(occurred_at__gte=baseline_start, occurred_at__lt=recent_start)
        ),
    )
    counts = (
        _assignments(organization_id, baseline_start)
        .filter(item__occurred_at__lt=now)
        .values("topic_id")
        .annotate(
            recent=Count("pk", filter=Q(item__occurred_at__gte=recent_start)),
            baseline=Count("pk", filter=Q(item__occurred_at__lt=recent_start)),
        )
        .filter(recent__gte=min_count)
    )
    topics = {t.pk: t for t in live_topics(organization=organization_id)}
    tested = []
    for entry in counts:
        test = significance.two_proportion_z_test(
            entry["recent"], totals["recent"], entry["baseline"], totals["baseline"]
        )
        if test is not None and entry["topic_id"] in topics:
            tested.append((entry, test.statistic, _upper_tail(test.statistic)))
    # Every live topic is tested at once, so the p-values are adjusted for the number of
    # topics (Benjamini-Hochberg): with 40 topics and no correction, two would "emerge"
    # out of noise every week.
    adjusted = significance.benjamini_hochberg([p for _entry, _z, p in tested])
    found = [
        EmergingTopic(
            topics[entry["topic_id"]],
            entry["recent"],
            totals["recent"],
            entry["baseline"],
            totals["baseline"],
            round(z, 3),
            p_value,
        )
        for (entry, z, _p), p_value in zip(tested, adjusted, strict=True)
        if p_value < alpha
    ]
    return sorted(found, key=lambda e: -e.z)


# --- Charts -----------------------------------------------------------------------------


def sentiment_trend(
    *, organization: Organization | int, since: dt.datetime
) -> list[dict[str, Any]]:
    """Analysed items per week and sentiment since `since`: [{week, sentiment, n}]."""
    rows = (
        ItemAnalysis.objects.for_organization(organization)
        .filter(item__occurred_at__gte=since)
        .annotate(week=TruncWeek("item__occurred_at"))
        .values("week", "sentiment")
        .annotate(n=Count("pk"))
        .order_by("week")
    )
    return [
        {
            "week": (r["week"].date() if isinstance(r["week"], dt.datetime) else r["week"]),
            "sentiment": r["sentiment"],
            "n": r["n"],
        }
        for r in rows
    ]


def aspect_sentiment(
    *, organization: Organization | int, since: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """Mentions per aspect and sentiment: [{aspect, sentiment, n}]."""
    rows = AspectMention.objects.for_organization(organization)
    if since is not None:
        rows = rows.filter(item__occurred_at__gte=since)
    return list(rows.values("aspect", "sentiment").annotate(n=Count("pk")).order_by("aspect"))


# --- Accuracy ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Accuracy:
    language: str
    reviewed: int
    agreed: int

    @property
    def accuracy(self) -> float:
        return self.agreed / self.reviewed if self.reviewed else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        share = metrics.top_box_share(self.agreed, self.reviewed)  # the Wilson interval
        if share.low is None or share.high is None:
            return (0.0, 1.0)
        return (share.low / 100, share.high / 100)


def accuracy_by_language(
    *, organization: Organization | int, kind: str = CorrectionKind.SENTIMENT
) -> list[Accuracy]:
    """How often the model agreed with the analysts' answers, per language."""
    rows = (
        Correction.objects.for_organization(organization)
        .filter(kind=kind)
        .values("language")
        .annotate(reviewed=Count("pk"), agreed=Count("pk", filter=Q(predicted=F("corrected"))))
        .order_by("language")
    )
    return [Accuracy(r["language"], r["reviewed"], r["agreed"]) for r in rows]


def recent_corrections(
    *, organization: Organization | int, limit: int = 50
) -> QuerySet[Correction]:
    return (
        Correction.objects.for_organization(organization)
        .select_related("item", "by__user")
        .order_by("-updated_at", "-pk")[:limit]
    )


def latest_backfill(*, organization: Organization | int) -> AnalysisRun | None:
    return AnalysisRun.objects.for_organization(organization).filter(kind=RunKind.BACKFILL).first()


def analysis_coverage(*, organization: Organization | int) -> dict[str, int]:
    items = FeedbackItem.objects.for_organization(organization)
    return items.aggregate(total=Count("pk"), analysed=Count("analysis"))
