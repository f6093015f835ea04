import pytest

from clearloop.textanalysis.engine import (
    detect_language,
    get_provider,
    split_sentences,
)


def test_builtin_provider_scores_a_batch_in_range():
    results = get_provider().analyze(["Great service", "配送太慢了"], ["en", "zh"])
    assert [r.label for r in results] == ["positive", "negative"]
    assert all(-1 <= r.score <= 1 for r in results)


def test_unknown_provider_is_refused_with_the_known_names():
    with pytest.raises(ValueError, match="builtin"):
        get_provider("nope")


def test_kana_means_japanese_and_han_alone_means_chinese():
    assert detect_language("配達が遅い") == "ja"
    assert detect_language("配送很慢") == "zh"


def test_sentences_split_on_western_and_cjk_stops():
    text = "Food was great. Delivery was late!料理は美味しい。配達が遅い"
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Food was great.",
        "Delivery was late!",
        "料理は美味しい。",
        "配達が遅い",
    ]
