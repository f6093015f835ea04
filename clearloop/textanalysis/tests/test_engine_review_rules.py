# ruff: noqa: RUF001
"""The general rules the built-in engine applies to review wording (issue 7): concessions,
slang, negation scope, rhetorical questions, comparisons, in each language."""

import pytest

from clearloop.textanalysis.engine import analyze_one
from clearloop.textanalysis.engine.cjk import chinese_rules, lexicon_evidence, normalize


def label(text, language):
    return analyze_one(text, language).label


def zh_lexical(text):
    return lexicon_evidence(normalize(text), chinese_rules())


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Although the wait was long, the pizza was fantastic.", "en", "positive"),
        ("The pizza was fine, although the staff were rude and the table was filthy.", "en",
         "negative"),
        ("Even though the lobby is lovely, the rooms are dirty and noisy.", "en", "negative"),
        ("虽然价格有点贵，还是很好吃", "zh", "positive"),
        ("很好吃，虽然有点贵", "zh", "positive"),
        ("尽管装修很漂亮，菜太难吃了", "zh", "negative"),
        ("値段は少し高いものの、味は最高でした", "ja", "positive"),
        ("見た目はいいけど、味は美味しくなかった", "ja", "negative"),
    ],
)  # fmt: skip
def test_a_concession_weighs_less_than_the_rest_of_its_sentence(text, language, expected):
    assert label(text, language) == expected


def test_a_concession_opening_is_not_read_as_irony():
    # "好吃, 就是/虽然 …" starts with praise and turns: a concession, not a sarcastic opener
    assert zh_lexical("好吃,虽然有点贵") > 0


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("这家店绝绝子，闭眼入", "zh", "positive"),
        ("又踩雷了，智商税", "zh", "negative"),
        ("一般般，中看不中用", "zh", "negative"),
        ("yyds，已回购", "zh", "positive"),
        ("拉胯，劝退", "zh", "negative"),
        ("神対応でした。リピ確です", "ja", "positive"),
        ("塩対応で微妙でした", "ja", "negative"),
        ("コスパ抜群", "ja", "positive"),
        ("Hidden gem, can't recommend it enough.", "en", "positive"),
        ("Could have been better.", "en", "negative"),
        ("Couldn't have been better.", "en", "positive"),
        ("Meh, I've had better.", "en", "negative"),
    ],
)
def test_review_slang_and_set_phrases(text, language, expected):
    assert label(text, language) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("特别好吃", "positive"),  # 特 别: 别 is no negator here
        ("东西一般,不过服务很热情", "positive"),  # 不过 is a connective
        ("不要太好吃", "positive"),  # an intensifier
        ("特别不方便", "negative"),
        ("一点都不好吃", "negative"),
    ],
)
def test_chinese_words_that_contain_a_negator_do_not_negate(text, expected):
    assert label(text, "zh") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("とても満足とは言えません", "negative"),
        ("もうリピはしないです", "negative"),
        ("掃除が行き届いていない", "negative"),
        ("後悔しない買い物でした", "positive"),
        ("冷めてなくて嬉しい", "positive"),
    ],
)
def test_japanese_negation_after_the_term(text, expected):
    assert label(text, "ja") == expected


def test_a_rhetorical_question_turns_its_sentence_around():
    assert zh_lexical("难道这就是五星级的服务吗?") < 0
    assert label("难道这就是五星级的服务吗？", "zh") == "negative"
    assert label("どこが美味しいの？", "ja") == "negative"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("还不如楼下的快餐", "zh"),
        ("比以前差远了，大不如前", "zh"),
        ("隣の店の方がずっと美味しい", "ja"),
        ("前はもっと美味しかったのに、味が落ちた", "ja"),
        ("It has gone downhill, expected more.", "en"),
    ],
)
def test_an_unfavourable_comparison_is_negative(text, language):
    assert label(text, language) == "negative"
