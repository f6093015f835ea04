"""Analysing items, backfill runs, topics and the taxonomy, corrections and accuracy,
emerging topics, signals for case rules; every task safe to run twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from clearloop.conftest import Persona
from clearloop.core.errors import Conflict, PermissionDenied, ValidationFailed
from clearloop.customers.tests.factories import CustomerFactory
from clearloop.feedback.models import FeedbackItem
from clearloop.feedback.services import feedback_item_create
from clearloop.feedback.tests.factories import FeedbackItemFactory
from clearloop.textanalysis import selectors, services, tasks
from clearloop.textanalysis.models import (
    AnalysisRun,
    AspectMention,
    ItemAnalysis,
    RunStatus,
    SentenceSentiment,
    Topic,
    TopicAssignment,
)
from clearloop.textanalysis.tests.factories import analysed, many

pytestmark = pytest.mark.django_db


def test_an_item_is_analysed_with_sentences_aspects_and_signals(alice: Persona) -> None:
    item = analysed(
        organization=alice.organization,
        language="",
        text="The food was great but delivery took an hour. I will cancel my account.",
    )
    analysis = ItemAnalysis.objects.get(item=item)
    assert (analysis.language, analysis.provider, analysis.provider_version) == ("en", "fake", "1")
    assert SentenceSentiment.objects.filter(item=item).count() == 2
    aspects = dict(AspectMention.objects.filter(item=item).values_list("aspect", "sentiment"))
    assert aspects["food"] == "positive" and aspects["delivery"] == "negative"
    signals = selectors.signals_for_items(organization=alice.organization, item_ids=[item.pk])
    assert signals == {item.pk: ["churn_intent"]}
    item.refresh_from_db()
    assert item.language == "en"  # filled in, since it was not known


def test_analysing_twice_changes_nothing(alice: Persona) -> None:
    item = analysed(organization=alice.organization, text="Lovely sofa, awful delivery.")
    before = list(AspectMention.objects.filter(item=item).values_list("aspect", "sentiment"))
    tasks.text_analyze_items.enqueue(organization_id=alice.organization.pk, item_ids=[item.pk])
    tasks.text_analyze_items.enqueue(organization_id=alice.organization.pk, item_ids=[item.pk])
    after = list(AspectMention.objects.filter(item=item).values_list("aspect", "sentiment"))
    assert before == after and ItemAnalysis.objects.filter(item=item).count() == 1


def test_another_organizations_items_are_not_analysed(alice: Persona, charlie: Persona) -> None:
    item = FeedbackItemFactory(organization=charlie.organization)
    assert services.items_analyze(organization_id=alice.organization.pk, item_ids=[item.pk]) == 0
    assert not ItemAnalysis.objects.filter(item=item).exists()


def test_new_feedback_is_analysed_once_its_transaction_commits(
    alice: Persona, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        item = feedback_item_create(
            organization=alice.organization,
            source="review",
            text="Great staff!",
            occurred_at=timezone.now(),
        )
    assert ItemAnalysis.objects.get(item=item).sentiment == "positive"


def test_the_sweep_picks_up_items_no_writer_reported(alice: Persona) -> None:
    item = FeedbackItemFactory(organization=alice.organization, text="Rude staff")
    assert tasks.text_analyze_pending.enqueue().return_value == 1
    assert tasks.text_analyze_pending.enqueue().return_value == 0
    assert ItemAnalysis.objects.get(item=item).sentiment == "negative"


def test_a_customer_writing_again_within_two_weeks_is_a_repeat_contact(alice: Persona) -> None:
    customer = CustomerFactory(organization=alice.organization)
    now = timezone.now()
    FeedbackItemFactory(
        organization=alice.organization, customer=customer, occurred_at=now - dt.timedelta(days=3)
    )
    item = analysed(
        organization=alice.organization, customer=customer, occurred_at=now, text="Hello"
    )
    signals = selectors.signals_for_items(organization=alice.organization, item_ids=[item.pk])
    assert signals[item.pk] == ["repeat_contact"]


def test_backfill_shows_progress_resumes_and_refuses_a_second_run(alice: Persona) -> None:
    for n in range(7):
        FeedbackItemFactory(organization=alice.organization, text=f"Great {n}")
    run = AnalysisRun.objects.create(organization=alice.organization, kind="backfill", total=7)
    original = services.CHUNK
    services.CHUNK = 3
    try:
        assert services.backfill_step(run_id=run.pk, budget_seconds=0.0) is False
        run.refresh_from_db()
        assert (run.done, run.status) == (3, RunStatus.RUNNING)
        assert services.backfill_step(run_id=run.pk) is True
    finally:
        services.CHUNK = original
    run.refresh_from_db()
    assert (run.done, run.total, run.status, run.percent) == (7, 7, RunStatus.DONE, 100)
    assert ItemAnalysis.objects.filter(organization=alice.organization).count() == 7
    assert services.backfill_step(run_id=run.pk) is True  # a late duplicate does nothing
    services.backfill_start(organization=alice.organization, by=alice.membership)
    with pytest.raises(Conflict):
        services.backfill_start(organization=alice.organization, by=alice.membership)


def _refund_corpus(alice: Persona, at: dt.datetime, refunds: int, others: int) -> None:
    texts = [f"Still waiting for my refund, order {n}" for n in range(refunds)]
    texts += [
        f"The sofa cushion fabric is {w}"
        for w, _n in zip(["soft", "firm", "blue", "grey"] * 50, range(others), strict=False)
    ]
    many(alice.organization, texts, at)


def test_topics_are_discovered_named_and_assigned(alice: Persona) -> None:
    _refund_corpus(alice, timezone.now(), refunds=20, others=20)
    found = services.topics_discover(organization_id=alice.organization.pk, count=2)
    names = [topic.name for topic in found]
    refund = next(topic for topic in found if "refund" in topic.name)
    assert len(found) == 2, names
    assert TopicAssignment.objects.filter(topic=refund).count() == 20
    # New feedback on the same issue is assigned when it is analysed.
    item = analysed(organization=alice.organization, text="My refund never came")
    assert TopicAssignment.objects.filter(topic=refund, item=item).exists()
    # Discovering again keeps the same topic rows.
    again = services.topics_discover(organization_id=alice.organization.pk, count=2)
    assert refund.pk in {topic.pk for topic in again}


def test_the_taxonomy_rename_merge_and_keyword_rules(
    alice: Persona, bob: Persona, charlie: Persona
) -> None:
    items = many(
        alice.organization, ["Refund please", "Parcel lost", "Money back now"], timezone.now()
    )
    refunds = Topic.objects.create(organization=alice.organization, name="x", terms={"refund": 1.0})
    money = Topic.objects.create(
        organization=alice.organization, name="money", keywords=["money back"]
    )
    services.topics_reassign(organization_id=alice.organization.pk)
    services.topic_rename(topic=refunds, name="Refunds", by=alice.membership)
    merged = services.topic_merge(source=money, target=refunds, by=alice.membership)
    assert merged.keywords == ["money back"] and merged.curated
    assert set(merged.assignments.values_list("item_id", flat=True)) == {items[0].pk, items[2].pk}
    money.refresh_from_db()
    assert money.merged_into == refunds
    with pytest.raises(Conflict):
        services.topic_rename(topic=money, name="again", by=alice.membership)
    services.topic_keywords_set(topic=refunds, keywords=["Parcel", " parcel "], by=alice.membership)
    services.topics_reassign(organization_id=alice.organization.pk, topic_ids=[refunds.pk])
    assert refunds.keywords == ["parcel"]
    assert refunds.assignments.filter(item=items[1]).exists()
    with pytest.raises(ValidationFailed):
        services.topic_rename(topic=refunds, name=" ", by=alice.membership)
    viewer = alice.membership
    viewer.role = "viewer"
    with pytest.raises(PermissionDenied):
        services.topic_rename(topic=refunds, name="No", by=viewer)
    other = Topic.objects.create(organization=charlie.organization, name="theirs")
    with pytest.raises(Exception, match="No topic"):
        services.topic_merge(source=other, target=refunds, by=bob.membership)


def test_a_correction_changes_the_reported_accuracy_and_survives_reanalysis(alice: Persona) -> None:
    first = analysed(organization=alice.organization, text="Lovely staff")
    second = analysed(organization=alice.organization, text="料理が最悪", language="ja")
    services.correction_record(item=first, kind="sentiment", value="positive", by=alice.membership)
    [english] = selectors.accuracy_by_language(organization=alice.organization)
    assert (english.language, english.reviewed, english.agreed, english.accuracy) == (
        "en",
        1,
        1,
        1.0,
    )
    services.correction_record(item=first, kind="sentiment", value="neutral", by=alice.membership)
    [english] = selectors.accuracy_by_language(organization=alice.organization)
    assert (english.reviewed, english.accuracy) == (1, 0.0)
    services.correction_record(item=second, kind="sentiment", value="negative", by=alice.membership)
    by_language = {
        a.language: a.accuracy
        for a in selectors.accuracy_by_language(organization=alice.organization)
    }
    assert by_language == {"en": 0.0, "ja": 1.0}
    services.items_analyze(organization_id=alice.organization.pk, item_ids=[first.pk])
    analysis = ItemAnalysis.objects.get(item=first)
    assert (analysis.sentiment, analysis.model_sentiment, analysis.sentiment_corrected) == (
        "neutral",
        "positive",
        True,
    )


def test_aspect_and_topic_corrections(alice: Persona) -> None:
    item = analysed(organization=alice.organization, text="Lovely sofa, awful delivery.")
    topic = Topic.objects.create(organization=alice.organization, name="Sofas")
    services.correction_record(
        item=item, kind="aspect", subject="delivery", value="positive", by=alice.membership
    )
    services.correction_record(
        item=item, kind="aspect", subject="price", value="negative", by=alice.membership
    )
    services.correction_record(
        item=item, kind="topic", subject=str(topic.pk), value="yes", by=alice.membership
    )
    services.items_analyze(organization_id=alice.organization.pk, item_ids=[item.pk])
    aspects = dict(AspectMention.objects.filter(item=item).values_list("aspect", "sentiment"))
    assert aspects["delivery"] == "positive" and aspects["price"] == "negative"
    assert TopicAssignment.objects.filter(item=item, topic=topic, origin="correction").exists()
    accuracy = selectors.accuracy_by_language(organization=alice.organization, kind="aspect")
    assert [(a.reviewed, a.agreed) for a in accuracy] == [(2, 0)]
    with pytest.raises(ValidationFailed):
        services.correction_record(
            item=item, kind="aspect", subject="nope", value="positive", by=alice.membership
        )
    with pytest.raises(ValidationFailed):
        services.correction_record(item=item, kind="sentiment", value="great", by=alice.membership)


def test_a_topic_whose_share_rises_is_flagged_as_emerging(alice: Persona) -> None:
    now = timezone.now()
    topic = Topic.objects.create(
        organization=alice.organization, name="Refunds", keywords=["refund"]
    )
    steady = Topic.objects.create(organization=alice.organization, name="Sofas", keywords=["sofa"])
    for week in range(1, 5):
        at = now - dt.timedelta(days=7 * week + 2)
        many(alice.organization, ["refund late"] * 1 + ["sofa fine"] * 5 + ["hello"] * 14, at)
    many(
        alice.organization,
        ["refund late"] * 9 + ["sofa fine"] * 5 + ["hello"] * 6,
        now - dt.timedelta(days=1),
    )
    emerging = selectors.emerging_topics(organization=alice.organization, now=now)
    assert [e.topic for e in emerging] == [topic]
    assert emerging[0].recent_share == pytest.approx(0.45)
    assert steady not in [e.topic for e in emerging]
    rows = {
        row.topic.name: row for row in selectors.topics_overview(organization=alice.organization)
    }
    assert rows["Refunds"].emerging and rows["Refunds"].count == 13
    assert sum(n for _week, n in rows["Refunds"].weeks) == 13


def test_a_rise_that_one_topic_in_ten_shows_by_chance_is_not_emerging(alice: Persona) -> None:
    # Refunds rise from 5% to 12%: one-sided p = 0.005, "significant" alone, but ten
    # topics were tested at once; adjusted for them (Benjamini-Hochberg) p = 0.05.
    now = timezone.now()
    words = ["refund", "sofa", "lamp", "rug", "chair", "table", "curtain", "pillow", "towel"]
    words.append("mirror")
    for word in words:
        Topic.objects.create(organization=alice.organization, name=word, keywords=[word])
    for week in range(1, 5):
        texts = [f"{word} again" for word in words for _ in range(5)] + ["hello"] * 50
        many(alice.organization, texts, now - dt.timedelta(days=7 * week + 2))
    recent = ["refund again"] * 12 + [f"{w} again" for w in words[1:] for _ in range(5)]
    many(alice.organization, recent + ["hello"] * 43, now - dt.timedelta(days=1))

    assert selectors.emerging_topics(organization=alice.organization, now=now) == []
    loose = selectors.emerging_topics(organization=alice.organization, now=now, alpha=0.06)
    assert [e.topic.name for e in loose] == ["refund"]
    assert loose[0].p_value == pytest.approx(0.0527, abs=0.002)


def test_inbox_filters_by_sentiment_topic_and_aspect(alice: Persona) -> None:
    items = many(
        alice.organization, ["Lovely sofa", "Awful delivery", "Rude staff"], timezone.now()
    )
    topic = Topic.objects.create(organization=alice.organization, name="Staff", keywords=["staff"])
    services.topics_reassign(organization_id=alice.organization.pk)
    base = FeedbackItem.objects.for_organization(alice.organization)
    assert set(selectors.filter_items(base, sentiment="negative")) == {items[1], items[2]}
    assert list(selectors.filter_items(base, topic=topic.pk)) == [items[2]]
    assert list(selectors.filter_items(base, aspect="delivery:negative")) == [items[1]]
    assert list(selectors.filter_items(base, aspect="delivery:positive")) == []
    angry = analysed(organization=alice.organization, text="This is unacceptable!!")
    assert list(selectors.filter_items(base, signal="anger")) == [angry]


def test_the_written_language_wins_over_the_stored_one(alice: Persona) -> None:
    item = analysed(organization=alice.organization, language="en", text="配送太慢了。很失望")
    assert ItemAnalysis.objects.get(item=item).language == "zh"
    assert AspectMention.objects.filter(item=item, aspect="delivery").exists()
