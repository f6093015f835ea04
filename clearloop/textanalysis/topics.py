"""Recurring issues found in a set of texts: key phrases, then non-negative matrix
factorisation of their TF-IDF matrix (numpy only), each topic named by its key phrases.

    terms = document_terms(text, language)          # words and two-word phrases
    found = discover([terms, ...], topics=8)         # -> [DiscoveredTopic, ...]
    matcher = TopicMatcher.of(found)                  # assigns any later text
    matcher.match(terms)                             # -> [topic index, ...]

Pure functions over plain values: the services store what they return, the command runs
them on a file. Deterministic for the same input (NNDSVD-style start, fixed iterations).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from clearloop.textanalysis import lexicon, tokenize

MIN_DOCUMENT_FREQUENCY = 2
MAX_DOCUMENT_SHARE = 0.6
MAX_VOCABULARY = 3000
ITERATIONS = 150
TERMS_PER_TOPIC = 10
NAME_PHRASES = 3
MATCH_THRESHOLD = 0.2
MIN_TOPIC_DOCUMENTS = 3
SAME_TOPIC_COSINE = 0.3


@dataclass(frozen=True)
class DiscoveredTopic:
    terms: list[tuple[str, float]]  # key phrases with weights summing to 1, best first
    documents: list[int]  # indices of the documents it was found in

    @property
    def key_phrases(self) -> list[str]:
        return [term for term, _weight in self.terms]

    @property
    def name(self) -> str:
        return name_of(self.key_phrases)


def document_terms(text: str, language: str) -> list[str]:
    """Key-phrase candidates: content words that are not stop words, and adjacent pairs
    of them (so 'delivery late' and 配送太慢 can name a topic)."""
    key = lexicon.language_key(language)
    stop = lexicon.STOP_WORDS.get(key, frozenset())
    words = [
        w
        for w in tokenize.content_words(text, language or key)
        if w not in stop and not w.isdigit() and (len(w) > 1 or key != "en")
    ]
    if key == "zh":  # single Chinese characters are mostly particles
        words = [w for w in words if len(w) > 1]
    glue = tokenize.joiner(key)
    return words + [a + glue + b for a, b in itertools.pairwise(words) if a != b]


def name_of(phrases: Sequence[str]) -> str:
    """A topic's name: its best phrases, skipping words already inside a chosen phrase."""
    chosen: list[str] = []
    for phrase in phrases:
        if any(phrase in other or other in phrase for other in chosen):
            continue
        chosen.append(phrase)
        if len(chosen) == NAME_PHRASES:
            break
    return " · ".join(chosen)


def _vocabulary(documents: Sequence[Sequence[str]]) -> list[str]:
    frequency: Counter[str] = Counter()
    for terms in documents:
        frequency.update(set(terms))
    ceiling = max(MIN_DOCUMENT_FREQUENCY, int(MAX_DOCUMENT_SHARE * len(documents)))
    kept = [(t, f) for t, f in frequency.items() if MIN_DOCUMENT_FREQUENCY <= f <= ceiling]
    kept.sort(key=lambda pair: (-pair[1], pair[0]))
    return [term for term, _f in kept[:MAX_VOCABULARY]]


def tfidf(documents: Sequence[Sequence[str]], vocabulary: list[str]) -> np.ndarray:
    """Rows are documents, L2-normalised sublinear TF-IDF."""
    index = {term: n for n, term in enumerate(vocabulary)}
    matrix = np.zeros((len(documents), len(vocabulary)), dtype=np.float32)
    for row, terms in enumerate(documents):
        for term, count in Counter(terms).items():
            column = index.get(term)
            if column is not None:
                matrix[row, column] = 1.0 + math.log(count)
    df = np.count_nonzero(matrix, axis=0)
    matrix *= np.log((1 + len(documents)) / (1 + df)) + 1
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


def nmf(matrix: np.ndarray, k: int, iterations: int = ITERATIONS) -> tuple[np.ndarray, np.ndarray]:
    """X ≈ W·H with W, H ≥ 0 (Lee-Seung multiplicative updates on the Frobenius loss),
    started from the leading singular vectors (NNDSVD) so the result is deterministic."""
    w, h = _nndsvd(matrix, k)
    epsilon = 1e-9
    for _ in range(iterations):
        h *= (w.T @ matrix) / (w.T @ w @ h + epsilon)
        w *= (matrix @ h.T) / (w @ (h @ h.T) + epsilon)
    return w, h


def leading_singular_vectors(
    matrix: np.ndarray, k: int, oversample: int = 10, power: int = 2
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The k leading singular triplets by randomized range finding (Halko, Martinsson and
    Tropp, 2011) with a fixed seed: a full SVD of a 4,000 x 3,000 matrix takes seconds,
    this takes milliseconds, and the same input gives the same topics."""
    rows, columns = matrix.shape
    size = min(k + oversample, rows, columns)
    sketch = np.random.default_rng(0).standard_normal((columns, size)).astype(matrix.dtype)
    basis, _r = np.linalg.qr(matrix @ sketch)
    for _ in range(power):
        basis, _r = np.linalg.qr(matrix @ (matrix.T @ basis))
    small_u, s, vt = np.linalg.svd(basis.T @ matrix, full_matrices=False)
    return (basis @ small_u)[:, :k], s[:k], vt[:k]


def _nndsvd(matrix: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    u, s, vt = leading_singular_vectors(matrix, k)
    rows, columns = matrix.shape
    w = np.zeros((rows, k), dtype=np.float32)
    h = np.zeros((k, columns), dtype=np.float32)
    for j in range(min(k, len(s))):
        x, y = u[:, j], vt[j, :]
        xp, xn = np.maximum(x, 0), np.maximum(-x, 0)
        yp, yn = np.maximum(y, 0), np.maximum(-y, 0)
        positive = np.linalg.norm(xp) * np.linalg.norm(yp)
        negative = np.linalg.norm(xn) * np.linalg.norm(yn)
        if positive >= negative:
            a, b, scale = xp, yp, positive
        else:
            a, b, scale = xn, yn, negative
        if scale <= 0:
            continue
        factor = math.sqrt(s[j] * scale)
        w[:, j] = factor * a / np.linalg.norm(a)
        h[j, :] = factor * b / np.linalg.norm(b)
    mean = float(matrix.mean()) or 1e-3
    w[w == 0] = mean / 100
    h[h == 0] = mean / 100
    return w, h


def suggested_topic_count(documents: int) -> int:
    """About one topic per 80 texts, between 3 and 12."""
    return max(3, min(12, round(documents / 80)))


def discover(
    documents: Sequence[Sequence[str]], topics: int | None = None
) -> list[DiscoveredTopic]:
    """Topics of `documents` (each a list of terms from `document_terms`), best first;
    topics found in fewer than MIN_TOPIC_DOCUMENTS texts are dropped."""
    vocabulary = _vocabulary(documents)
    if len(documents) < MIN_TOPIC_DOCUMENTS or len(vocabulary) < 2:
        return []
    k = min(topics or suggested_topic_count(len(documents)), len(vocabulary), len(documents))
    matrix = tfidf(documents, vocabulary)
    w, h = nmf(matrix, k)
    owner = w.argmax(axis=1)
    strong = w.max(axis=1) > 1e-6
    found = []
    centroids = []
    for j in range(k):
        members = [int(n) for n in np.flatnonzero((owner == j) & strong)]
        if len(members) < MIN_TOPIC_DOCUMENTS:
            continue
        top = np.argsort(-h[j])[:TERMS_PER_TOPIC]
        weights = h[j, top]
        total = float(weights.sum()) or 1.0
        terms = [
            (vocabulary[i], round(float(v) / total, 4))
            for i, v in zip(top, weights, strict=True)
            if v > 0
        ]
        found.append(DiscoveredTopic(terms, members))
        centre = matrix[members].mean(axis=0)
        centroids.append(centre / (np.linalg.norm(centre) or 1.0))
    order = sorted(range(len(found)), key=lambda n: -len(found[n].documents))
    return _without_duplicates([found[n] for n in order], [centroids[n] for n in order])


def _without_duplicates(
    found: list[DiscoveredTopic], centroids: list[np.ndarray]
) -> list[DiscoveredTopic]:
    """Two topics whose names share a phrase, or whose texts read alike (cosine of their
    mean TF-IDF vectors above SAME_TOPIC_COSINE), are one recurring issue said twice."""
    kept: list[DiscoveredTopic] = []
    kept_centroids: list[np.ndarray] = []
    for topic, centre in zip(found, centroids, strict=True):
        twin = next(
            (
                n
                for n, other in enumerate(kept)
                if _overlap(topic.key_phrases[:3], other.key_phrases[:3])
                or _cosine(centre, kept_centroids[n]) > SAME_TOPIC_COSINE
            ),
            None,
        )
        if twin is None:
            kept.append(topic)
            kept_centroids.append(centre)
        else:
            first = kept[twin]
            kept[twin] = DiscoveredTopic(first.terms, sorted(first.documents + topic.documents))
    return kept


def _overlap(first: Sequence[str], second: Sequence[str]) -> bool:
    return any(a in b or b in a for a in first for b in second)


@dataclass(frozen=True)
class TopicRule:
    """What assigns a text to one topic: weighted key phrases, and analysts' keywords
    (any keyword found in the text assigns it, whatever the weights say)."""

    key: int
    terms: dict[str, float]
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class TopicMatcher:
    rules: tuple[TopicRule, ...]

    @classmethod
    def of(cls, found: Sequence[DiscoveredTopic]) -> TopicMatcher:
        return cls(tuple(TopicRule(n, dict(topic.terms)) for n, topic in enumerate(found)))

    def match(self, terms: Sequence[str], text: str = "") -> list[tuple[int, float, bool]]:
        """(topic key, weight, by keyword) for every topic the text belongs to, best
        first: a keyword rule, or key phrases worth at least MATCH_THRESHOLD."""
        present = set(terms)
        lowered = text.lower()
        hits = []
        for rule in self.rules:
            if any(keyword in lowered for keyword in rule.keywords):
                hits.append((rule.key, 1.0, True))
                continue
            weight = sum(value for term, value in rule.terms.items() if term in present)
            if weight >= MATCH_THRESHOLD:
                hits.append((rule.key, round(weight, 4), False))
        hits.sort(key=lambda hit: -hit[1])
        return hits


def _cosine(first: np.ndarray, second: np.ndarray) -> float:
    return float(first @ second)
