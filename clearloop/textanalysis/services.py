"""Writes of text analysis: analysing feedback items, backfill runs, topic discovery,
the topic taxonomy (rename, merge, keyword rules) and analysts' corrections.

New feedback is analysed by `text_analyze_items` enqueued from
`clearloop.feedback.services.feedback_items_added` (every writer calls it), and the
periodic `text_analyze_pending` catches items no writer reported (survey comments among
them). Analysing an item twice replaces its results and re-applies its corrections, so
every task here is safe to run again.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clearloop.accounts.models import Language, Membership, Organization
from clearloop.core.errors import Conflict, PermissionDenied, ValidationFailed
from clearloop.core.scoping import assert_same_organization
from clearloop.core.tasks import enqueue_on_commit
from clearloop.feedback.models import FeedbackItem
from clearloop.feedback.permissions import may_curate
from clearloop.textanalysis import lexicon, pipeline, topics
from clearloop.textanalysis.engine import SentimentProvider, get_provider
from clearloop.textanalysis.models import (
    AnalysisRun,
    Aspect,
    AspectMention,
    AssignmentOrigin,
    Correction,
    CorrectionKind,
    ItemAnalysis,
    ItemSignal,
    RunKind,
    RunStatus,
    SentenceSentiment,
    Sentiment,
    SignalKind,
    Topic,
    TopicAssignment,
    TopicOrigin,
)

CHUNK = 500
PENDING_WINDOW = dt.timedelta(days=2)
REPEAT_WINDOW = dt.timedelta(days=7)
STEP_SECONDS = 20.0
DISCOVERY_SAMPLE = 4000
ITEM_LANGUAGES: dict[str, str] = {
    "en": Language.ENGLISH,
    "zh": Language.CHINESE_SIMPLIFIED,
    "ja": Language.JAPANESE,
}
ASSIGNMENT_FIELDS = ("pk", "text", "language", "organization_id")


# --- The provider -----------------------------------------------------------------------


def provider_options() -> dict[str, Any]:
    return dict(getattr(settings, "CLEARLOOP_TEXT_PROVIDER_OPTIONS", {}) or {})


@functools.cache
def _provider(name: str, options: tuple[tuple[str, Any], ...]) -> SentimentProvider:
    return get_provider(name, **dict(options))


def current_provider() -> SentimentProvider:
    """The provider named by CLEARLOOP_TEXT_PROVIDER, built once per process."""
    name = getattr(settings, "CLEARLOOP_TEXT_PROVIDER", "builtin")
    options = provider_options() if name != "builtin" else {}
    return _provider(name, tuple(sorted(options.items())))


# --- Analysing items --------------------------------------------------------------------


def analyze_later(*, organization_id: int, item_ids: Sequence[int]) -> None:
    """Have the new items analysed once the writer's transaction commits."""
    from clearloop.textanalysis.tasks import text_analyze_items

    for start in range(0, len(item_ids), CHUNK * 4):
        enqueue_on_commit(
            text_analyze_items,
            organization_id=organization_id,
            item_ids=list(item_ids[start : start + CHUNK * 4]),
        )


def items_analyze(*, organization_id: int, item_ids: Sequence[int]) -> int:
    """Analyse (again) the organization's items among `item_ids`; returns how many."""
    done = 0
    matcher = topic_matcher(organization_id=organization_id)
    for start in range(0, len(item_ids), CHUNK):
        done += _analyze_chunk(organization_id, item_ids[start : start + CHUNK], matcher)
    return done


@transaction.atomic
def _analyze_chunk(
    organization_id: int, item_ids: Sequence[int], matcher: topics.TopicMatcher
) -> int:
    items = list(
        FeedbackItem.objects.for_organization(organization_id)
        .filter(pk__in=item_ids)
        .only("pk", "text", "language", "customer_id", "occurred_at")
        .order_by("pk")
    )
    if not items:
        return 0
    provider = current_provider()
    results = pipeline.analyze_texts(
        [item.text for item in items],
        provider,
        [_engine_language(item.language) for item in items],
        trust_languages=False,
    )
    ids = [item.pk for item in items]
    for model in (SentenceSentiment, AspectMention, ItemSignal):
        model.objects.filter(item_id__in=ids).delete()
    TopicAssignment.objects.filter(item_id__in=ids).exclude(
        origin=AssignmentOrigin.CORRECTION
    ).delete()
    _store_analyses(organization_id, items, results, provider)
    _store_details(organization_id, items, results)
    _store_repeat_contacts(organization_id, items)
    _store_topics(organization_id, items, results, matcher)
    _fill_item_languages(items, results)
    _apply_corrections(organization_id, ids)
    _analysed(organization_id, ids)
    return len(items)


def _analysed(organization_id: int, item_ids: list[int]) -> None:
    # Case rules on sentiment, signals and topics could not hold when the item arrived.
    from clearloop.cases.hooks import feedback_analyzed

    feedback_analyzed(organization_id, item_ids)


def _engine_language(language: str) -> str:
    return {"zh-hans": "zh"}.get(language, language)


def _store_analyses(
    organization_id: int,
    items: list[FeedbackItem],
    results: list[pipeline.TextAnalysis],
    provider: SentimentProvider,
) -> None:
    now = timezone.now()
    version = str(getattr(provider, "version", ""))[:40]
    ItemAnalysis.objects.bulk_create(
        [
            ItemAnalysis(
                organization_id=organization_id,
                item_id=item.pk,
                language=result.language[:10],
                sentiment=result.label,
                score=result.score,
                model_sentiment=result.label,
                sentiment_corrected=False,
                provider=provider.name[:40],
                provider_version=version,
                analyzed_at=now,
            )
            for item, result in zip(items, results, strict=True)
        ],
        update_conflicts=True,
        unique_fields=["item"],
        update_fields=[
            "language",
            "sentiment",
            "score",
            "model_sentiment",
            "sentiment_corrected",
            "provider",
            "provider_version",
            "analyzed_at",
            "updated_at",
        ],
    )


def _store_details(
    organization_id: int, items: list[FeedbackItem], results: list[pipeline.TextAnalysis]
) -> None:
    sentences, mentions, signals = [], [], []
    for item, result in zip(items, results, strict=True):
        org = {"organization_id": organization_id, "item_id": item.pk}
        sentences += [
            SentenceSentiment(
                **org, index=n, start=s.start, end=s.end, sentiment=s.label, score=s.score
            )
            for n, s in enumerate(result.sentences[:32000])
        ]
        mentions += [
            AspectMention(
                **org,
                aspect=m.aspect,
                sentence=min(m.sentence, 32000),
                start=m.start,
                end=m.end,
                sentiment=m.label,
                score=m.score,
            )
            for m in result.aspects
        ]
        signals += [ItemSignal(**org, kind=s.kind, evidence=s.evidence) for s in result.signals]
    SentenceSentiment.objects.bulk_create(sentences, batch_size=1000)
    AspectMention.objects.bulk_create(mentions, batch_size=1000)
    ItemSignal.objects.bulk_create(signals, batch_size=1000, ignore_conflicts=True)


def _store_repeat_contacts(organization_id: int, items: list[FeedbackItem]) -> None:
    """A customer who wrote to us within REPEAT_WINDOW before is contacting us again."""
    with_customer = [item for item in items if item.customer_id]
    if not with_customer:
        return
    earliest = min(item.occurred_at for item in with_customer) - REPEAT_WINDOW
    latest = max(item.occurred_at for item in with_customer)
    history: dict[int, list[tuple[dt.datetime, int]]] = {}
    rows = (
        FeedbackItem.objects.for_organization(organization_id)
        .filter(
            customer_id__in={item.customer_id for item in with_customer},
            occurred_at__gte=earliest,
            occurred_at__lte=latest,
        )
        .values_list("customer_id", "occurred_at", "pk")
    )
    for customer_id, at, pk in rows:
        history.setdefault(customer_id, []).append((at, pk))
    signals = []
    for item in with_customer:
        before = [
            pk
            for at, pk in history.get(item.customer_id or 0, [])
            if pk != item.pk and item.occurred_at - REPEAT_WINDOW <= at <= item.occurred_at
        ]
        if before:
            evidence = _("%(count)d earlier messages in 7 days") % {"count": len(before)}
            signals.append(
                ItemSignal(
                    organization_id=organization_id,
                    item_id=item.pk,
                    kind=SignalKind.REPEAT_CONTACT,
                    evidence=evidence[:200],
                )
            )
    ItemSignal.objects.bulk_create(signals, ignore_conflicts=True)


def _store_topics(
    organization_id: int,
    items: list[FeedbackItem],
    results: list[pipeline.TextAnalysis],
    matcher: topics.TopicMatcher,
) -> None:
    if not matcher.rules:
        return
    assignments = []
    for item, result in zip(items, results, strict=True):
        terms = topics.document_terms(item.text, result.language)
        for key, weight, by_keyword in matcher.match(terms, item.text):
            assignments.append(
                TopicAssignment(
                    organization_id=organization_id,
                    topic_id=key,
                    item_id=item.pk,
                    origin=AssignmentOrigin.RULE if by_keyword else AssignmentOrigin.MODEL,
                    weight=weight,
                )
            )
    TopicAssignment.objects.bulk_create(assignments, batch_size=1000, ignore_conflicts=True)


def _fill_item_languages(items: list[FeedbackItem], results: list[pipeline.TextAnalysis]) -> None:
    """The item's language is 'not known yet' until analysis fills it in."""
    by_language: dict[str, list[int]] = {}
    for item, result in zip(items, results, strict=True):
        code = ITEM_LANGUAGES.get(result.language)
        if not item.language and code:
            by_language.setdefault(code, []).append(item.pk)
    for code, ids in by_language.items():
        FeedbackItem.objects.filter(pk__in=ids, language="").update(language=code)


def analyze_pending(
    *, limit: int = 20 * CHUNK, created_within: dt.timedelta | None = PENDING_WINDOW
) -> int:
    """Analyse recent items no task has analysed yet (at most `limit`); returns how many."""
    pending = FeedbackItem.objects.filter(analysis__isnull=True)
    if created_within is not None:
        pending = pending.filter(created_at__gte=timezone.now() - created_within)
    by_organization: dict[int, list[int]] = {}
    for organization_id, pk in pending.order_by("pk").values_list("organization_id", "pk")[:limit]:
        by_organization.setdefault(organization_id, []).append(pk)
    return sum(
        items_analyze(organization_id=organization_id, item_ids=ids)
        for organization_id, ids in by_organization.items()
    )


# --- Backfill ---------------------------------------------------------------------------


def _require_curator(by: Membership) -> None:
    if not may_curate(by.role):
        raise PermissionDenied(_("Your role may read text analysis but not change it."))


@transaction.atomic
def backfill_start(*, organization: Organization, by: Membership | None = None) -> AnalysisRun:
    """Analyse every existing item of the organization again, in the background."""
    if by is not None:
        _require_curator(by)
    running = AnalysisRun.objects.for_organization(organization).filter(
        kind=RunKind.BACKFILL, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    )
    if running.exists():
        raise Conflict(_("An analysis of existing feedback is already running."))
    run = AnalysisRun.objects.create(
        organization=organization,
        kind=RunKind.BACKFILL,
        total=FeedbackItem.objects.for_organization(organization).count(),
        started_by=by if by is not None and by.pk else None,
    )
    from clearloop.textanalysis.tasks import text_backfill

    enqueue_on_commit(text_backfill, run_id=run.pk)
    return run


def backfill_step(*, run_id: int, budget_seconds: float = STEP_SECONDS) -> bool:
    """Work on a backfill for about `budget_seconds`; True when it is finished. Each
    chunk moves the cursor in the transaction that stores its results, so a worker
    killed mid-run loses at most one chunk's work and the next step resumes."""
    deadline = time.monotonic() + budget_seconds
    run = AnalysisRun.objects.filter(pk=run_id, kind=RunKind.BACKFILL).first()
    if run is None or run.status in (RunStatus.DONE, RunStatus.FAILED):
        return True
    AnalysisRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    matcher = topic_matcher(organization_id=run.organization_id)
    while True:
        ids = list(
            FeedbackItem.objects.for_organization(run.organization_id)
            .filter(pk__gt=run.cursor)
            .order_by("pk")
            .values_list("pk", flat=True)[:CHUNK]
        )
        if not ids:
            _finish(run)
            return True
        with transaction.atomic():
            count = _analyze_chunk(run.organization_id, ids, matcher)
            run.cursor = ids[-1]
            run.done = min(run.total, run.done + count)
            run.save(update_fields=["cursor", "done", "updated_at"])
        if time.monotonic() >= deadline:
            return False


def _finish(run: AnalysisRun) -> None:
    run.status = RunStatus.DONE
    run.done = max(run.done, run.total) if run.total else run.done
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "done", "finished_at", "updated_at"])


# --- Topics -----------------------------------------------------------------------------


def topic_matcher(*, organization_id: int) -> topics.TopicMatcher:
    live = Topic.objects.for_organization(organization_id).filter(merged_into__isnull=True)
    rules = [
        topics.TopicRule(
            key=topic.pk,
            terms={str(term): float(weight) for term, weight in (topic.terms or {}).items()},
            keywords=tuple(str(word).lower() for word in topic.keywords or []),
        )
        for topic in live.only("pk", "terms", "keywords")
    ]
    return topics.TopicMatcher(tuple(rules))


def _texts_for_discovery(organization_id: int, sample: int) -> list[tuple[str, str]]:
    rows = (
        FeedbackItem.objects.for_organization(organization_id)
        .order_by("-occurred_at", "-pk")
        .values_list("text", "language", "analysis__language")[:sample]
    )
    return [(text, detected or _engine_language(language)) for text, language, detected in rows]


def topics_discover(
    *, organization_id: int, sample: int = DISCOVERY_SAMPLE, count: int | None = None
) -> list[Topic]:
    """Find the organization's recurring issues in its latest `sample` texts, replace
    the discovered topics no analyst kept, and assign every item again."""
    by_language: dict[str, list[list[str]]] = {}
    for text, language in _texts_for_discovery(organization_id, sample):
        key = lexicon.language_key(language)
        by_language.setdefault(key, []).append(topics.document_terms(text, key))
    # Each language separately: words of different scripts never share a topic anyway,
    # and a smaller language still gets topics of its own.
    found = [
        topic for documents in by_language.values() for topic in topics.discover(documents, count)
    ]
    with transaction.atomic():
        kept = _replace_discovered(organization_id, found)
    topics_reassign(organization_id=organization_id)
    return kept


def _replace_discovered(organization_id: int, found: list[topics.DiscoveredTopic]) -> list[Topic]:
    existing = list(
        Topic.objects.for_organization(organization_id).filter(
            origin=TopicOrigin.DISCOVERED, curated=False, merged_into__isnull=True
        )
    )
    curated = list(Topic.objects.for_organization(organization_id).filter(curated=True))
    result = []
    reused: set[int] = set()
    for discovered in found:
        phrases = discovered.key_phrases
        if any(set(phrases[:3]) & set(topic.key_phrases[:3]) for topic in curated):
            continue  # an analyst already keeps this issue in the taxonomy
        twin = next(
            (
                topic
                for topic in existing
                if topic.pk not in reused and set(phrases[:3]) & set(topic.key_phrases[:3])
            ),
            None,
        )
        topic = twin or Topic(organization_id=organization_id, origin=TopicOrigin.DISCOVERED)
        topic.name = discovered.name[:120] or _("Topic")
        topic.key_phrases = phrases
        topic.terms = dict(discovered.terms)
        topic.save()
        reused.add(topic.pk)
        result.append(topic)
    Topic.objects.filter(pk__in=[t.pk for t in existing if t.pk not in reused]).delete()
    return result


def topics_reassign(*, organization_id: int, topic_ids: Iterable[int] | None = None) -> int:
    """Assign the organization's items to its live topics again (all of them, or only
    `topic_ids`); analysts' corrections stay. Returns the assignments made."""
    matcher = topic_matcher(organization_id=organization_id)
    wanted = set(topic_ids) if topic_ids is not None else None
    if wanted is not None:
        matcher = topics.TopicMatcher(tuple(r for r in matcher.rules if r.key in wanted))
    stale = TopicAssignment.objects.for_organization(organization_id).exclude(
        origin=AssignmentOrigin.CORRECTION
    )
    if wanted is not None:
        stale = stale.filter(topic_id__in=wanted)
    stale.delete()
    items = (
        FeedbackItem.objects.for_organization(organization_id)
        .values_list("pk", "text", "analysis__language", "language")
        .order_by("pk")
    )
    made = 0
    batch: list[TopicAssignment] = []
    for pk, text, detected, language in items.iterator(chunk_size=2000):
        terms = topics.document_terms(text, detected or _engine_language(language))
        for key, weight, by_keyword in matcher.match(terms, text):
            batch.append(
                TopicAssignment(
                    organization_id=organization_id,
                    topic_id=key,
                    item_id=pk,
                    origin=AssignmentOrigin.RULE if by_keyword else AssignmentOrigin.MODEL,
                    weight=weight,
                )
            )
        if len(batch) >= 2000:
            made += len(TopicAssignment.objects.bulk_create(batch, ignore_conflicts=True))
            batch = []
    made += len(TopicAssignment.objects.bulk_create(batch, ignore_conflicts=True))
    _reapply_topic_corrections(organization_id)
    return made


def _reapply_topic_corrections(organization_id: int) -> None:
    rejected = Correction.objects.for_organization(organization_id).filter(
        kind=CorrectionKind.TOPIC, corrected="no"
    )
    for correction in rejected.only("item_id", "subject"):
        TopicAssignment.objects.filter(
            item_id=correction.item_id, topic_id=_int(correction.subject)
        ).delete()


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


def _reassign_later(organization_id: int, topic_ids: list[int]) -> None:
    from clearloop.textanalysis.tasks import text_topics_reassign

    enqueue_on_commit(text_topics_reassign, organization_id=organization_id, topic_ids=topic_ids)


@transaction.atomic
def topic_create(
    *, organization: Organization, name: str, keywords: list[str], by: Membership
) -> Topic:
    """An analyst's own topic, defined by keyword rules; existing items are assigned."""
    _require_curator(by)
    name = name.strip()
    if not name:
        raise ValidationFailed(_("Give the topic a name."), fields={"name": "required"})
    keywords = _clean_keywords(keywords)
    if not keywords:
        raise ValidationFailed(
            _("List at least one keyword that marks texts on this topic."),
            fields={"keywords": "required"},
        )
    topic = Topic.objects.create(
        organization=organization,
        name=name[:120],
        origin=TopicOrigin.MANUAL,
        keywords=keywords,
        key_phrases=keywords[:10],
        curated=True,
    )
    _reassign_later(organization.pk, [topic.pk])
    return topic


def _clean_keywords(keywords: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for word in keywords:
        word = word.strip().lower()
        if word and word not in seen:
            seen.append(word[:60])
    return seen[:50]


def _live(topic: Topic) -> None:
    if topic.merged_into_id is not None:
        raise Conflict(_("This topic was merged into another one; edit that one instead."))


@transaction.atomic
def topic_rename(*, topic: Topic, name: str, by: Membership) -> Topic:
    _require_curator(by)
    assert_same_organization(by.organization, topic)
    _live(topic)
    name = name.strip()
    if not name:
        raise ValidationFailed(_("Give the topic a name."), fields={"name": "required"})
    topic.name = name[:120]
    topic.curated = True
    topic.save(update_fields=["name", "curated", "updated_at"])
    return topic


@transaction.atomic
def topic_keywords_set(*, topic: Topic, keywords: list[str], by: Membership) -> Topic:
    """Keyword rules: any text containing one of them belongs to the topic."""
    _require_curator(by)
    assert_same_organization(by.organization, topic)
    _live(topic)
    topic.keywords = _clean_keywords(keywords)
    topic.curated = True
    topic.save(update_fields=["keywords", "curated", "updated_at"])
    _reassign_later(topic.organization_id, [topic.pk])
    return topic


@transaction.atomic
def topic_merge(*, source: Topic, target: Topic, by: Membership) -> Topic:
    """Fold `source` into `target`: its texts, key phrases and keywords move over."""
    _require_curator(by)
    assert_same_organization(by.organization, source, target)
    _live(source)
    _live(target)
    if source.pk == target.pk:
        raise ValidationFailed(_("Pick another topic to merge into."), fields={"target": "same"})
    moved = [
        TopicAssignment(
            organization_id=target.organization_id,
            topic=target,
            item_id=a.item_id,
            origin=a.origin,
            weight=a.weight,
        )
        for a in source.assignments.all()
    ]
    TopicAssignment.objects.bulk_create(moved, ignore_conflicts=True)
    source.assignments.all().delete()
    target.terms = {**(source.terms or {}), **(target.terms or {})}
    target.keywords = _clean_keywords([*target.keywords, *source.keywords])
    target.key_phrases = list(dict.fromkeys([*target.key_phrases, *source.key_phrases]))[:20]
    target.curated = True
    target.save(update_fields=["terms", "keywords", "key_phrases", "curated", "updated_at"])
    source.merged_into = target
    source.curated = True
    source.save(update_fields=["merged_into", "curated", "updated_at"])
    Topic.objects.filter(merged_into=source).update(merged_into=target)
    return target


# --- Corrections ------------------------------------------------------------------------

SENTIMENT_VALUES = set(Sentiment.values)
ASPECT_VALUES = SENTIMENT_VALUES | {"none"}
TOPIC_VALUES = {"yes", "no"}


def _predicted(item: FeedbackItem, kind: str, subject: str) -> str:
    if kind == CorrectionKind.SENTIMENT:
        analysis = ItemAnalysis.objects.filter(item=item).first()
        return analysis.model_sentiment if analysis else Sentiment.NEUTRAL
    if kind == CorrectionKind.ASPECT:
        mentions = AspectMention.objects.filter(item=item, aspect=subject, corrected=False)
        scores = list(mentions.values_list("score", flat=True))
        return pipeline.label_of(sum(scores) / len(scores)) if scores else "none"
    assigned = TopicAssignment.objects.filter(item=item, topic_id=_int(subject)).exclude(
        origin=AssignmentOrigin.CORRECTION
    )
    return "yes" if assigned.exists() else "no"


def _validate_correction(item: FeedbackItem, kind: str, subject: str, value: str) -> None:
    if kind == CorrectionKind.SENTIMENT:
        valid = value in SENTIMENT_VALUES
    elif kind == CorrectionKind.ASPECT:
        valid = value in ASPECT_VALUES and subject in Aspect.values
    elif kind == CorrectionKind.TOPIC:
        valid = value in TOPIC_VALUES
        topic = Topic.objects.for_organization(item.organization_id).filter(pk=_int(subject))
        if not topic.filter(merged_into__isnull=True).exists():
            raise ValidationFailed(_("No such topic."), fields={"subject": "not_found"})
    else:
        raise ValidationFailed(
            _("Correct a sentiment, an aspect or a topic."), fields={"kind": "invalid"}
        )
    if not valid:
        raise ValidationFailed(
            _("“%(value)s” is not an answer for this question.") % {"value": value},
            fields={"value": "invalid"},
        )


@transaction.atomic
def correction_record(
    *, item: FeedbackItem, kind: str, value: str, subject: str = "", by: Membership
) -> Correction:
    """Store an analyst's answer (agreeing with the model counts too) and apply it."""
    _require_curator(by)
    assert_same_organization(by.organization, item)
    subject = "" if kind == CorrectionKind.SENTIMENT else str(subject)
    _validate_correction(item, kind, subject, value)
    correction = Correction.objects.filter(item=item, kind=kind, subject=subject).first()
    if correction is None:
        analysis = ItemAnalysis.objects.filter(item=item).first()
        correction = Correction(
            organization_id=item.organization_id,
            item=item,
            kind=kind,
            subject=subject,
            language=(analysis.language if analysis else "") or _engine_language(item.language),
            predicted=_predicted(item, kind, subject),
        )
    correction.corrected = value
    correction.by = by if by.pk else None  # an API token acts without a stored membership
    correction.save()
    _apply([correction])
    return correction


def _apply_corrections(organization_id: int, item_ids: Sequence[int]) -> None:
    _apply(list(Correction.objects.for_organization(organization_id).filter(item_id__in=item_ids)))


def _apply(corrections: list[Correction]) -> None:
    for correction in corrections:
        if correction.kind == CorrectionKind.SENTIMENT:
            ItemAnalysis.objects.filter(item_id=correction.item_id).update(
                sentiment=correction.corrected, sentiment_corrected=True
            )
        elif correction.kind == CorrectionKind.ASPECT:
            _apply_aspect(correction)
        else:
            _apply_topic(correction)


_SCORES = {"negative": -0.6, "neutral": 0.0, "positive": 0.6}


def _apply_aspect(correction: Correction) -> None:
    mentions = AspectMention.objects.filter(item_id=correction.item_id, aspect=correction.subject)
    if correction.corrected == "none":
        mentions.delete()
        return
    score = _SCORES[correction.corrected]
    if mentions.update(sentiment=correction.corrected, score=score, corrected=True):
        return
    text = FeedbackItem.objects.values_list("text", flat=True).get(pk=correction.item_id)
    AspectMention.objects.create(
        organization_id=correction.organization_id,
        item_id=correction.item_id,
        aspect=correction.subject,
        sentence=0,
        start=0,
        end=len(text),
        sentiment=correction.corrected,
        score=score,
        corrected=True,
    )


def _apply_topic(correction: Correction) -> None:
    topic_id = _int(correction.subject)
    if correction.corrected == "no":
        TopicAssignment.objects.filter(item_id=correction.item_id, topic_id=topic_id).delete()
        return
    TopicAssignment.objects.update_or_create(
        item_id=correction.item_id,
        topic_id=topic_id,
        defaults={"organization_id": correction.organization_id, "origin": "correction"},
    )


def organizations_with_feedback() -> list[int]:
    return list(
        FeedbackItem.objects.order_by().values_list("organization_id", flat=True).distinct()
    )
