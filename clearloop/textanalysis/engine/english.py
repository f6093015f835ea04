"""English sentiment: the VADER lexicon (MIT) with a customer-feedback layer on top.

VADER's valences are kept (scale -4 … 4), and `data/en-domain.tsv` adds what reviews and
complaints say without sentiment words ("took an hour", "never arrived", "charged twice"),
overrides words that are neutral in feedback ("support", "promised", "like") and names the
sarcasm cues ("oh great", "said no one ever"). The rules are VADER's in spirit, written
again for phrases: negation within three words flips and dampens, boosters and dampeners
scale, the clause after "but"/"however" outweighs the one before, and a positive word in
scare quotes ("express" delivery) counts against.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from clearloop.textanalysis.engine.resources import read_table

NEGATORS = frozenset(
    """not no never none nothing nowhere neither nor nobody without hardly barely
    cannot cant can't couldn't couldnt don't dont doesn't doesnt didn't didnt isn't isnt
    wasn't wasnt aren't arent weren't werent won't wont wouldn't wouldnt shouldn't
    shouldnt haven't havent hasn't hasnt hadn't hadnt ain't aint""".split()  # noqa: SIM905
)
BOOSTERS = {
    "very": 1.3, "really": 1.3, "so": 1.25, "extremely": 1.5, "super": 1.3, "absolutely": 1.4,
    "totally": 1.3, "completely": 1.3, "incredibly": 1.5, "truly": 1.3, "utterly": 1.4,
    "too": 1.2, "most": 1.2, "pretty": 1.05, "quite": 1.1, "highly": 1.3, "especially": 1.2,
    "such": 1.2, "insanely": 1.4, "ridiculously": 1.3, "seriously": 1.2, "unbelievably": 1.4,
    "slightly": 0.6, "somewhat": 0.7, "fairly": 0.85, "little": 0.7, "bit": 0.7,
    "kinda": 0.7, "sort": 0.7, "mostly": 0.85, "partly": 0.7, "almost": 0.7,
}  # fmt: skip
_TOKEN = re.compile(r"\d+/\d+|[a-z0-9]+(?:['-][a-z0-9]+)*|[!?.,;:]")
_WORDS = re.compile(r"[a-z0-9][a-z0-9' /-]*")
_QUOTED = re.compile(r"[\"“”]([^\"“”]{1,40})[\"“”]")
NEGATION_SCALAR = -0.74
NORMALIZATION = 15.0
# Feedback that states a fact without a sentiment word is more often a complaint ("the
# parcel was left outside"); a small negative prior sends it to the negative side while
# keeping it in the neutral band.
PRIOR = -0.1


@dataclass(frozen=True)
class Lexicon:
    phrases: dict[tuple[str, ...], float]
    longest: int


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    # VADER's emoticons would tokenize into bare punctuation: keep words only.
    entries = {t: w for t, w in read_table("en-vader.tsv.gz") if _WORDS.fullmatch(t)}
    entries.update(read_table("en-domain.tsv"))
    phrases = {tuple(_TOKEN.findall(term)): weight for term, weight in entries.items()}
    phrases.pop((), None)
    return Lexicon(phrases=phrases, longest=max(len(p) for p in phrases))


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("’", "'"))  # noqa: RUF001


def valence(text: str) -> float:
    """The summed valence of `text` (VADER scale, unbounded): the evidence, before squashing."""
    tokens = tokenize(text)
    quoted = _quoted_tokens(text)
    lex = lexicon()
    items: list[tuple[int, float]] = []  # (token index, weighted valence)
    i = 0
    while i < len(tokens):
        for n in range(min(lex.longest, len(tokens) - i), 0, -1):
            weight = lex.phrases.get(tuple(tokens[i : i + n]))
            if weight is not None:
                break
        else:
            i += 1
            continue
        phrase = tokens[i : i + n]
        if weight:
            weight = _modify(weight, tokens, i, phrase)
            if weight > 0 and any(t in quoted for t in phrase):
                weight = -0.8 * weight
            items.append((i, weight))
        i += n
    items = _sarcastic_opening(items, tokens)
    return _contrast_weighted(items, tokens) * _exclamation(tokens)


def _sarcastic_opening(
    items: list[tuple[int, float]], tokens: list[str]
) -> list[tuple[int, float]]:
    """ "Great, the app deleted my addresses again": a lone positive word opening a text whose
    rest is negative is irony, so it counts against."""
    opening = 2 if tokens[:1] in (["oh"], ["wow"], ["yeah"]) else 1
    if len(tokens) <= opening + 1 or tokens[opening] not in (",", "!", "."):
        return items
    head = [(i, w) for i, w in items if i < opening]
    rest = sum(w for i, w in items if i >= opening)
    if head and head[0][1] > 0 and rest < 0:
        return [(i, -abs(w)) for i, w in head] + [(i, w) for i, w in items if i >= opening]
    return items


def _modify(weight: float, tokens: list[str], start: int, phrase: list[str]) -> float:
    window = tokens[max(0, start - 3) : start]
    for stop in (".", ",", ";", "!", "?", "but"):
        if stop in window:  # negation and boosters do not cross a clause boundary
            window = window[len(window) - window[::-1].index(stop) :]
    if window and window[-1] in BOOSTERS:
        weight *= BOOSTERS[window[-1]]
    if not any(t in NEGATORS for t in phrase) and any(t in NEGATORS for t in window):
        weight *= NEGATION_SCALAR
    return weight


def _contrast_weighted(items: list[tuple[int, float]], tokens: list[str]) -> float:
    """Within a sentence, what follows the last "but" outweighs what precedes it; a
    concession ("although it was pricey, …") weighs less than the rest of its sentence;
    a "however" does the same across sentences ("Nice room. However, …")."""
    sentence_of: list[int] = []
    but_in: dict[int, int] = {}
    conceded: dict[int, tuple[int, int]] = {}  # sentence -> (start, end) of the concession
    sentence, sentence_start = 0, 0
    for index, word in enumerate(tokens):
        sentence_of.append(sentence)
        if word in ("but",):
            but_in[sentence] = index
        elif _opens_concession(tokens, index, sentence_start) and sentence not in conceded:
            end = next((j for j in range(index, len(tokens)) if tokens[j] in _CLAUSE_END), None)
            conceded[sentence] = (index, end if end is not None else len(tokens))
        if word in (".", "!", "?"):
            sentence += 1
            sentence_start = index + 1
    however = max((i for i, t in enumerate(tokens) if t == "however"), default=None)
    total = 0.0
    for index, weight in items:
        pivot = but_in.get(sentence_of[index])
        span = conceded.get(sentence_of[index])
        if pivot is not None:
            weight *= 0.5 if index < pivot else 1.5
        elif span is not None:
            weight *= 0.5 if span[0] <= index < span[1] else 1.5
        if however is not None:
            weight *= 0.5 if index < however else 1.5
        total += weight
    return total


_CLAUSE_END = frozenset(",;.!?")


def _opens_concession(tokens: list[str], index: int, sentence_start: int) -> bool:
    """ "although …", "even though …", "despite …", and "though …" opening a sentence (a
    trailing "…, pricey though" is an afterthought, not a concession)."""
    word = tokens[index]
    if word in ("although", "despite", "albeit"):
        return True
    return word == "though" and (index == sentence_start or tokens[index - 1] == "even")


def _exclamation(tokens: list[str]) -> float:
    return 1.0 + 0.1 * min(tokens.count("!"), 3)


def _quoted_tokens(text: str) -> set[str]:
    return {t for match in _QUOTED.finditer(text) for t in tokenize(match.group(1))}


def squash(total: float) -> float:
    """VADER's normalization of a valence sum into (-1, 1)."""
    return total / (total * total + NORMALIZATION) ** 0.5


def evidence(text: str) -> float:
    """Log-odds-like evidence whose tanh(x / 2) is VADER's compound score."""
    compound = max(-0.999, min(0.999, squash(valence(text))))
    return 2 * math.atanh(compound) + PRIOR
