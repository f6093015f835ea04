"""The analysis of a batch of texts, without the database: language, sentiment of the
text and of each sentence, aspects with their own sentiment, and urgency signals.

The provider is called at most twice per batch, whatever its size: once for the texts,
their sentences and their aspect clauses, and once more for the few aspect clauses whose
own words carry no sentiment (they borrow it from the stretch of the sentence between
contrast words). Services, the `analyze_text` command and `bench/text_pipeline.py` all
call `analyze_texts`.

An aspect clause is a piece of a sentence between commas and contrast words ("but",
但是, けど): "the food was great but delivery took an hour" gives two clauses, food
positive and delivery negative (a delay cue makes a neutral clause on delivery or wait
time negative, since "took an hour" is a complaint no sentiment lexicon scores).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from clearloop.textanalysis import lexicon, tokenize
from clearloop.textanalysis.engine import (
    SentimentProvider,
    SentimentResult,
    detect_language,
    split_sentences,
)

DELAY_SCORE = -0.5


@dataclass(frozen=True)
class AspectResult:
    aspect: str
    sentence: int
    start: int
    end: int
    label: str
    score: float


@dataclass(frozen=True)
class SentenceResult:
    start: int
    end: int
    label: str
    score: float


@dataclass(frozen=True)
class SignalResult:
    kind: str
    evidence: str


@dataclass
class TextAnalysis:
    language: str
    label: str
    score: float
    sentences: list[SentenceResult] = field(default_factory=list)
    aspects: list[AspectResult] = field(default_factory=list)
    signals: list[SignalResult] = field(default_factory=list)

    def aspect_summary(self) -> list[dict[str, object]]:
        """One entry per aspect: the mean score of its mentions and the label it gives."""
        scores: dict[str, list[float]] = {}
        for mention in self.aspects:
            scores.setdefault(mention.aspect, []).append(mention.score)
        summary = []
        for aspect, values in scores.items():
            mean = sum(values) / len(values)
            summary.append({"aspect": aspect, "sentiment": label_of(mean), "score": round(mean, 3)})
        return summary


def label_of(score: float) -> str:
    if score >= 0.05:
        return "positive"
    if score <= -0.05:
        return "negative"
    return "neutral"


@dataclass
class _Clause:
    sentence: int
    start: int
    end: int
    segment: tuple[int, int]
    aspects: list[str]


_ASPECT_INDEX: dict[str, dict[str, list[str]]] = {}


def _aspect_index(key: str) -> dict[str, list[str]]:
    """keyword → aspects, per lexicon language (built once)."""
    if key not in _ASPECT_INDEX:
        index: dict[str, list[str]] = {}
        for aspect, keywords in lexicon.ASPECT_KEYWORDS[key].items():
            for keyword in keywords:
                index.setdefault(keyword.lower(), []).append(aspect)
        if key == "zh":
            tokenize.add_chinese_words(set(index))
        _ASPECT_INDEX[key] = index
    return _ASPECT_INDEX[key]


def aspects_in(text: str, language: str) -> list[str]:
    """The aspects a piece of text talks about, in the order the lexicon lists them."""
    key = lexicon.language_key(language)
    index = _aspect_index(key)
    found: set[str] = set()
    for phrase in tokenize.phrases(tokenize.words(text, key), key):
        found.update(index.get(phrase, ()))
    return [aspect for aspect in lexicon.ASPECT_KEYWORDS[key] if aspect in found]


def _pieces(text: str, start: int, end: int, breaks: re.Pattern[str]) -> list[tuple[int, int]]:
    spans, cursor = [], start
    for match in breaks.finditer(text, start, end):
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, end))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _segments(text: str, start: int, end: int, key: str) -> list[tuple[int, int]]:
    """Stretches of a sentence between contrast words (commas do not cut them)."""
    return _pieces(text, start, end, lexicon.CONTRAST[key])


def _clauses(text: str, sentence: int, start: int, end: int, key: str) -> list[_Clause]:
    clauses = []
    for segment in _segments(text, start, end, key):
        for a, b in _pieces(text, segment[0], segment[1], lexicon.CLAUSE_BREAKS[key]):
            found = aspects_in(text[a:b], key)
            if found:
                clauses.append(_Clause(sentence, a, b, segment, found))
    return clauses


def signals_in(text: str, language: str) -> list[SignalResult]:
    """Urgency and intent found in the text (English patterns also run on CJK texts,
    which often quote English brand or legal words)."""
    key = lexicon.language_key(language)
    found = []
    for kind, patterns in lexicon.SIGNAL_PATTERNS.items():
        for pattern in {patterns[key], patterns["en"]}:
            match = pattern.search(text)
            if match:
                found.append(SignalResult(kind, match.group(0)[:200]))
                break
    return found


def analyze_texts(
    texts: Sequence[str],
    provider: SentimentProvider,
    languages: Sequence[str | None] | None = None,
    *,
    trust_languages: bool = True,
) -> list[TextAnalysis]:
    """Analyse a batch. `languages` (one per text; None or "" to detect) are taken as
    given, or with `trust_languages=False` only where detection cannot tell ("und"):
    an item's stored language says which survey or site it came through, which is not
    always the language its author wrote in."""
    given = list(languages or [None] * len(texts))
    detected = [
        _language(text, code, trust_languages) for text, code in zip(texts, given, strict=True)
    ]
    units: list[str] = []
    unit_languages: list[str] = []

    def unit(piece: str, language: str) -> int:
        units.append(piece)
        unit_languages.append(language)
        return len(units) - 1

    plans = []
    for text, language in zip(texts, detected, strict=True):
        key = lexicon.language_key(language)
        spans = split_sentences(text, language) or [(0, len(text))]
        whole = unit(text, language)
        sentences = [(s, e, unit(text[s:e], language)) for s, e in spans]
        clauses = [c for n, (s, e) in enumerate(spans) for c in _clauses(text, n, s, e, key)]
        plans.append(
            (whole, sentences, [(c, unit(text[c.start : c.end], language)) for c in clauses])
        )
    scored = provider.analyze(units, unit_languages) if units else []
    results = [
        _assemble(text, language, whole, sentences, clauses, scored)
        for text, language, (whole, sentences, clauses) in zip(texts, detected, plans, strict=True)
    ]
    _borrow_segment_sentiment(texts, detected, plans, results, provider)
    return results


def _language(text: str, given: str | None, trust: bool) -> str:
    if given and trust:
        return given
    found = detect_language(text)
    return given if found == "und" and given else found


def _assemble(
    text: str,
    language: str,
    whole: int,
    sentences: list[tuple[int, int, int]],
    clauses: list[tuple[_Clause, int]],
    scored: list[SentimentResult],
) -> TextAnalysis:
    key = lexicon.language_key(language)
    analysis = TextAnalysis(language, scored[whole].label, _clip(scored[whole].score))
    analysis.sentences = [
        SentenceResult(s, e, scored[n].label, _clip(scored[n].score)) for s, e, n in sentences
    ]
    delay = lexicon.DELAY_CUES[key]
    for clause, n in clauses:
        result = scored[n]
        piece = text[clause.start : clause.end]
        for aspect in clause.aspects:
            label, score = result.label, _clip(result.score)
            if label == "neutral" and aspect in lexicon.DELAY_ASPECTS and delay.search(piece):
                label, score = "negative", DELAY_SCORE
            analysis.aspects.append(
                AspectResult(aspect, clause.sentence, clause.start, clause.end, label, score)
            )
    analysis.signals = signals_in(text, language)
    return analysis


def _borrow_segment_sentiment(
    texts: Sequence[str],
    languages: Sequence[str],
    plans: list[tuple[int, list[tuple[int, int, int]], list[tuple[_Clause, int]]]],
    results: list[TextAnalysis],
    provider: SentimentProvider,
) -> None:
    """Neutral aspect clauses take the sentiment of their contrast segment ("the
    delivery, which I had paid extra for, was late": the clause "the delivery" is
    neutral, the segment is not). One more provider call for the whole batch."""
    wanted: dict[tuple[int, int, int], int] = {}
    pieces: list[str] = []
    piece_languages: list[str] = []
    for n, (text, result) in enumerate(zip(texts, results, strict=True)):
        clauses = {(c.start, c.end): c for c, _unit in plans[n][2]}
        for mention in result.aspects:
            clause = clauses[(mention.start, mention.end)]
            if mention.label == "neutral" and clause.segment != (clause.start, clause.end):
                where = (n, *clause.segment)
                if where not in wanted:
                    wanted[where] = len(pieces)
                    pieces.append(text[clause.segment[0] : clause.segment[1]])
                    piece_languages.append(languages[n])
    if not pieces:
        return
    scored = provider.analyze(pieces, piece_languages)
    for n, result in enumerate(results):
        clauses = {(c.start, c.end): c for c, _unit in plans[n][2]}
        updated = []
        for mention in result.aspects:
            clause = clauses[(mention.start, mention.end)]
            index = wanted.get((n, *clause.segment))
            if mention.label == "neutral" and index is not None:
                borrowed = scored[index]
                mention = AspectResult(
                    mention.aspect,
                    mention.sentence,
                    mention.start,
                    mention.end,
                    borrowed.label,
                    _clip(borrowed.score),
                )
            updated.append(mention)
        result.aspects = updated


def _clip(score: float) -> float:
    return round(max(-1.0, min(1.0, float(score))), 4)
