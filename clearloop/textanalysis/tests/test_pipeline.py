# ruff: noqa: RUF001
"""The analysis without the database: aspects with their own sentiment, signals,
topics found in corpora with planted themes (en, zh, ja), and the statistics."""

from __future__ import annotations

import random

import pytest

from clearloop.textanalysis import pipeline, topics
from clearloop.textanalysis.engine import get_provider
from clearloop.textanalysis.tests.helpers import FakeProvider


def _aspects(text: str, language: str | None = None, provider=None) -> dict[str, str]:
    [result] = pipeline.analyze_texts([text], provider or FakeProvider(), [language])
    return {mention.aspect: mention.label for mention in result.aspects}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The food was great but delivery took an hour.", "en"),
        ("饭菜很好吃，但是配送太慢了。", "zh"),
        ("料理は美味しいけど、配達が遅いです。", "ja"),
    ],
)
def test_a_mixed_sentence_is_positive_on_food_and_negative_on_delivery(text, language):
    found = _aspects(text, language)
    assert found["food"] == "positive"
    assert found["delivery"] == "negative"


def test_aspects_split_with_the_real_default_provider_on_a_clear_sentence():
    found = _aspects("The food was great but the delivery was terribly slow.", "en", get_provider())
    assert found["food"] == "positive" and found["delivery"] == "negative"


def test_a_neutral_clause_borrows_the_sentiment_of_its_segment():
    found = _aspects("The delivery, which I had paid extra for, was awful.", "en")
    assert found == {"delivery": "negative"}


def test_sentences_get_their_own_sentiment_and_language_is_detected():
    [result] = pipeline.analyze_texts(["Lovely staff. The app is broken!"], FakeProvider())
    assert result.language == "en"
    assert [s.label for s in result.sentences] == ["positive", "negative"]
    assert result.label == "neutral"


def test_the_provider_is_called_at_most_twice_per_batch():
    FakeProvider.calls = 0
    texts = ["The delivery, which I had paid extra for, was awful."] * 50
    pipeline.analyze_texts(texts, FakeProvider())
    assert FakeProvider.calls == 2


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Please cancel my subscription now.", "churn_intent"),
        ("我要退订这个会员", "churn_intent"),
        ("来月で解約します", "churn_intent"),
        ("This is RIDICULOUS, fix it!!", "anger"),
        ("我会找律师起诉你们", "legal_threat"),
        ("I will talk to my lawyer.", "legal_threat"),
        ("The charger caught fire last night", "safety_issue"),
        ("子供が火傷しました", "safety_issue"),
        ("This is the third time I have written to you", "repeat_contact"),
        ("何度も問い合わせています", "repeat_contact"),
    ],
)
def test_urgency_and_intent_signals(text, kind):
    assert kind in {s.kind for s in pipeline.signals_in(text, "")} | {
        s.kind for s in pipeline.analyze_texts([text], FakeProvider())[0].signals
    }


def test_calm_text_raises_no_signal():
    assert pipeline.signals_in("The sofa arrived on Tuesday, thanks.", "en") == []


PLANTED = {
    "en": [
        (
            "delivery",
            [
                "The delivery was late again",
                "Courier delivery late, parcel came days after",
                "Late delivery and no tracking",
                "Parcel delivery was late by a week",
            ],
        ),
        (
            "refund",
            [
                "The refund never reached my card",
                "Still waiting for my refund",
                "Refund took a month",
                "Where is my refund for the lamp",
            ],
        ),
        (
            "checkout",
            [
                "The app crashes at checkout",
                "Checkout crashes every time",
                "App crashes at checkout when I pay",
                "Checkout page crashes in the app",
            ],
        ),
    ],
    "zh": [
        (
            "快递",
            [
                "配送太慢了，快递三天才到",
                "快递配送很慢，等了一周",
                "配送速度慢，快递员也不联系",
                "这次配送又慢了，快递很慢",
            ],
        ),
        (
            "退款",
            [
                "退款一直没有到账",
                "申请退款一个月了还没退款",
                "退款流程太麻烦",
                "退款到现在都没有处理",
            ],
        ),
        (
            "沙发",
            [
                "沙发质量很好，坐着舒服",
                "沙发做工不错，质量很好",
                "质量很好的沙发，颜色也漂亮",
                "沙发质量好，非常满意",
            ],
        ),
    ],
    "ja": [
        (
            "配達",
            [
                "配達が遅い。荷物がまだ届かない",
                "配達が遅くて荷物が三日後に届いた",
                "荷物の配達が遅いです",
                "配達がいつも遅い、荷物が来ない",
            ],
        ),
        (
            "返金",
            [
                "返金がまだ振り込まれない",
                "返金の手続きが遅い、返金はいつですか",
                "返金してほしいのに返金がない",
                "返金が一か月たっても来ない",
            ],
        ),
        (
            "接客",
            [
                "スタッフの接客がとても丁寧でした",
                "接客が丁寧なスタッフに感謝",
                "スタッフの接客が素晴らしい",
                "丁寧な接客で、スタッフが親切",
            ],
        ),
    ],
}


@pytest.mark.parametrize("language", ["en", "zh", "ja"])
def test_topics_are_found_in_a_corpus_with_planted_themes(language):
    rnd = random.Random(5)
    texts, truth = [], []
    for theme, (_word, variants) in enumerate(PLANTED[language]):
        for _ in range(25):
            texts.append(rnd.choice(variants))
            truth.append(theme)
    found = topics.discover([topics.document_terms(t, language) for t in texts], topics=3)
    for theme, (word, _variants) in enumerate(PLANTED[language]):
        named = [topic for topic in found if word in " ".join(topic.key_phrases[:4])]
        assert named, f"no topic names {word!r}: {[t.name for t in found]}"
        members = named[0].documents
        purity = sum(truth[n] == theme for n in members) / len(members)
        assert purity >= 0.7 and len(members) >= 15


def test_the_matcher_assigns_later_texts_and_keyword_rules_win():
    matcher = topics.TopicMatcher(
        (
            topics.TopicRule(1, {"refund": 0.5, "card": 0.2}),
            topics.TopicRule(2, {}, keywords=("退款",)),
        )
    )
    assert [hit[0] for hit in matcher.match(["refund", "late"])] == [1]
    assert matcher.match(["x"], "我想要退款") == [(2, 1.0, True)]
    assert matcher.match(["late"]) == []


def test_accuracy_interval_is_the_wilson_interval():
    from clearloop.textanalysis.selectors import Accuracy

    low, high = Accuracy("en", reviewed=10, agreed=8).interval
    assert low == pytest.approx(0.4902, abs=1e-3) and high == pytest.approx(0.9433, abs=1e-3)
    assert Accuracy("en", reviewed=0, agreed=0).interval == (0.0, 1.0)


def test_randomized_singular_values_match_the_full_svd():
    import numpy as np

    rng = np.random.default_rng(3)  # topics make a TF-IDF matrix close to low rank
    matrix = rng.random((60, 5)) @ rng.random((5, 40)) + 0.01 * rng.random((60, 40))
    matrix = matrix.astype(np.float32)
    _u, values, _vt = topics.leading_singular_vectors(matrix, 5)
    exact = np.linalg.svd(matrix, compute_uv=False)[:5]
    assert np.allclose(values, exact, rtol=1e-3)
