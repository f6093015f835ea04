# ruff: noqa: RUF001
import pytest

from clearloop.textanalysis.engine import (
    analyze_one,
    analyze_sentences,
    get_provider,
    split_clauses,
)


def label(text, language):
    return analyze_one(text, language).label


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("The staff were lovely and the food was delicious.", "en", "positive"),
        ("Terrible service, I waited an hour and nobody apologised.", "en", "negative"),
        ("Never again.", "en", "negative"),
        ("My parcel never arrived.", "en", "negative"),
        ("服务很周到，菜也很好吃。", "zh", "positive"),
        ("太难吃了，再也不来了。", "zh", "negative"),
        ("外卖送了一个多小时，都凉了。", "zh", "negative"),
        ("スタッフがとても親切で、料理も美味しかったです。", "ja", "positive"),
        ("最悪の対応でした。", "ja", "negative"),
        ("配達が遅すぎる。", "ja", "negative"),
    ],
)
def test_clear_cases(text, language, expected):
    assert label(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Not bad at all.", "en", "positive"),
        ("The food was not good.", "en", "negative"),
        ("No complaints.", "en", "positive"),
        ("I would not recommend it.", "en", "negative"),
        ("不太好", "zh", "negative"),
        ("不满意", "zh", "negative"),
        ("还不错", "zh", "positive"),
        ("没有任何问题", "zh", "positive"),
        ("美味しくない", "ja", "negative"),
        ("悪くない", "ja", "positive"),
        ("問題ありません", "ja", "positive"),
        ("不満はひとつもありません。", "ja", "positive"),
    ],
)
def test_negation(text, language, expected):
    assert label(text, language) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("great food but delivery took an hour", "en"),
        ("菜很好吃，但是送得太慢了", "zh"),
        ("料理は美味しいけど、配達が遅い", "ja"),
    ],
)
def test_contrast_splits_into_a_positive_then_a_negative_clause(text, language):
    parts = analyze_sentences(text, language, clauses=True)
    assert [r.label for _, _, r in parts] == ["positive", "negative"]
    assert [text[s:e] for s, e, _ in parts] == [text[s:e] for s, e in split_clauses(text, language)]


def test_after_a_contrast_the_last_clause_weighs_more():
    assert (
        label("The room was nice but the staff were rude and the bed was dirty.", "en")
        == "negative"
    )
    assert label("A bit pricey, but the food was excellent.", "en") == "positive"
    assert label("虽然有点贵，但是非常好吃", "zh") == "positive"
    assert label("少し高いけど、とても美味しい", "ja") == "positive"


def test_irony_cues_count_against():
    assert label("Oh great, my order is late again.", "en") == "negative"
    assert (
        label("Waiting 40 minutes for a coffee. Said no one ever... love waiting.", "en")
        == "negative"
    )


@pytest.mark.parametrize(
    ("text", "language"),
    [("Please send me the invoice for order 1234.", "en"), ("我的订单号是12345", "zh"),
     ("領収書を送っていただけますか？", "ja"), ("", "en"), ("", "ja")],
)  # fmt: skip
def test_statements_of_fact_are_neutral(text, language):
    assert label(text, language) == "neutral"


def test_scores_stay_in_range_and_match_labels():
    texts = [
        "best best best!!! amazing wonderful perfect " * 20,
        "worst awful " * 50,
        "最高" * 200,
        "最悪" * 200,
        "好吃" * 300,
        "太差了" * 100,
        "ok",
        "!!!",
        "😀",
    ]
    languages = ["en", "en", "ja", "ja", "zh", "zh", "en", "en", "und"]
    results = get_provider().analyze(texts, languages)
    assert len(results) == len(texts)
    for result in results:
        assert -1 <= result.score <= 1
        assert result.label == (
            "neutral" if abs(result.score) < 0.2 else "positive" if result.score > 0 else "negative"
        )
    assert [r.label for r in results[:6]] == ["positive", "negative"] * 3


def test_a_batch_needs_one_language_per_text():
    with pytest.raises(ValueError, match="one language per text"):
        get_provider().analyze(["a", "b"], ["en"])


def test_other_latin_languages_fall_back_to_english_rules():
    assert get_provider().analyze(["great!"], ["fr"])[0].label == "positive"
