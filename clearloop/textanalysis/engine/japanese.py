"""Japanese: word n-gram weights learned from Japanese reviews, plus lexicon rules.

The learned part is the linear model of asari (MIT, © Hiroki Nakayama), converted by
`train.py` into a table of word unigrams and bigrams with their idf and weight
(`data/ja-ngrams.tsv.gz`). asari segments with Janome; here a longest-match over the
model's own vocabulary stands in for it (no dictionary to ship, ~5,000 texts/s), which
agrees with asari's decision on about 85% of texts, and the lexicon rules of `cjk.py`
(negation after the term, degree words, contrast) are added on top.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from functools import lru_cache

from clearloop.textanalysis.engine.cjk import Rules
from clearloop.textanalysis.engine.resources import read_rows, read_table

LONGEST_TOKEN = 8
# What follows a term to negate it: 美味しく|ない, 問題|はひとつもありません, 満足|できなかった,
# リピ|はしない, 行き届い|ていない, 満足|とは言えません
NEGATION_AFTER = re.compile(
    r"(?:は|も|が|で|では|に|とは|とも)?"
    r"(?:ひとつも|一つも|全く|まったく|全然|特に|あまり|少しも|そんなに|それほど)?"
    r"(?:でき|出来|し|され|てい|て|言え|いえ|思え|思わ)?(?:ない|なかった|なく|ません|ず(?!っ)|"
    r"じゃない|じゃなかった|なし|無し|ありません|ありませんでした|ならない|なりません)"
)

CONTRAST = (
    "けど", "けれど", "しかし", "でも", "ですが", "だが", "ものの", "が、", "ただ、",
    "ただし", "とはいえ",
)  # fmt: skip


@dataclass(frozen=True)
class NgramModel:
    unigrams: dict[str, tuple[float, float]]  # token -> (idf, weight)
    bigrams: dict[tuple[str, str], tuple[float, float]]
    bias: float
    scale: float


@lru_cache(maxsize=1)
def model() -> NgramModel:
    unigrams: dict[str, tuple[float, float]] = {}
    bigrams: dict[tuple[str, str], tuple[float, float]] = {}
    meta: dict[str, float] = {}
    for term, values in read_rows("ja-ngrams.tsv.gz"):
        if term.startswith("__"):
            meta[term] = values[0]
        elif " " in term:
            first, second = term.split(" ", 1)
            bigrams[(first, second)] = (values[0], values[1])
        else:
            unigrams[term] = (values[0], values[1])
    return NgramModel(unigrams, bigrams, meta.get("__bias__", 0.0), meta.get("__scale__", 1.0))


def segment(text: str) -> list[str]:
    """Longest match over the model's vocabulary; unknown characters stand alone."""
    vocabulary = model().unigrams
    tokens, i = [], 0
    while i < len(text):
        for n in range(min(LONGEST_TOKEN, len(text) - i), 0, -1):
            if n == 1 or text[i : i + n] in vocabulary:
                break
        if not text[i : i + n].isspace():
            tokens.append(text[i : i + n])
        i += n
    return tokens


def learned(text: str) -> float:
    """asari's decision value (tf-idf, L2-normalized, linear) as log-odds."""
    m = model()
    tokens = segment(text)
    counts: dict[str | tuple[str, str], int] = {}
    for token in tokens:
        counts[token] = counts.get(token, 0) + 1
    for pair in itertools.pairwise(tokens):
        counts[pair] = counts.get(pair, 0) + 1
    dot = norm = 0.0
    for feature, count in counts.items():
        entry = m.unigrams.get(feature) if isinstance(feature, str) else m.bigrams.get(feature)
        if entry:
            idf, weight = entry
            dot += count * idf * weight
            norm += (count * idf) ** 2
    if not norm:
        return 0.0
    return m.scale * (dot / math.sqrt(norm) + m.bias)


def _inflections(term: str, weight: float) -> dict[str, float]:
    """An i-adjective's forms: 美味しい → 美味しく, 美味しかった, 美味しくて, 美味しさ."""
    forms = {term: weight}
    if term.endswith("い") and not term.endswith(("ない", "ません")) and len(term) >= 2:
        stem = term[:-1]
        for ending in ("く", "かった", "くて", "さ", "すぎ", "すぎる"):
            forms.setdefault(stem + ending, weight * (1.2 if ending.startswith("す") else 1))
    return forms


@lru_cache(maxsize=1)
def rules() -> Rules:
    lexicon: dict[str, float] = {}
    for term, weight in read_table("ja-domain.tsv"):
        for form, value in _inflections(term, weight).items():
            lexicon.setdefault(form, value)
    return Rules(
        lexicon=lexicon,
        negation_after=NEGATION_AFTER,
        degree={
            "とても": 1.3,
            "すごく": 1.3,
            "凄く": 1.3,
            "本当に": 1.3,
            "非常に": 1.4,
            "かなり": 1.2,
            "めちゃくちゃ": 1.4,
            "めっちゃ": 1.4,
            "超": 1.3,
            "大変": 1.3,
            "最高に": 1.4,
            "少し": 0.7,
            "ちょっと": 0.7,
            "やや": 0.7,
            "若干": 0.7,
        },
        contrast=CONTRAST,
        rhetorical=("どこが",),
        elsewhere=("の店の方が", "のお店の方が", "の店のほうが", "のお店のほうが"),
        learned=learned,
        learned_weight=0.7,
        learned_offset=-1.0,
        turned_learned_weight=0.5,
        prior=-0.1,
    )
