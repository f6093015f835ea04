"""Conditions of the rules that open cases: what each kind of condition checks, and how a
rule document is validated. Pure apart from `saved_segment`, which asks the database
through the `Facts.in_segment` callable it is handed.

A rule's conditions are a list of documents; each names its `kind`:

    {"kind": "nps_at_most", "value": 6}          the response's NPS answer <= 6
    {"kind": "csat_at_most", "value": 2}         any CSAT answer <= 2
    {"kind": "score_at_most", "question": "delivery", "value": 3}   that question's number
    {"kind": "rating_at_most", "value": 2}       stars given with a review
    {"kind": "keyword", "words": ["cancel", "退款", "解約"]}   in the comment or text
    {"kind": "customer_segment", "value": "VIP"}  the customer's segment field
    {"kind": "saved_segment", "segment_id": 3}   the customer is in a saved segment
    {"kind": "channel", "value": "email"}        the response's channel
    {"kind": "source", "value": "review"}        the feedback source ("survey" for responses)

Conditions on what text analysis found (`TEXT_KINDS`); they hold only once the item has
been analysed, so rules holding one are evaluated again right after the analysis is stored:

    {"kind": "sentiment_at_most", "value": -0.4}        the sentiment score (-1..1) <= -0.4
    {"kind": "sentiment_at_most", "value": "negative"}  judged negative ("neutral": or neutral)
    {"kind": "signal", "value": "churn_intent"}  an urgency or intent signal (`SIGNALS`)
    {"kind": "topic", "topic_id": 7}             the item belongs to that topic
    {"kind": "topic", "value": "Refunds"}        ... or to a topic of that name

Adding a kind is one entry in `CONDITIONS`: a cleaner for its document and a test over
`Facts`; what the new kind needs travels in `Facts.signals`, so no caller changes. Text
analysis fills in ``{"sentiment": -0.7, "sentiment_label": "negative", "signals":
["anger"], "topics": {7: "Refunds"}}``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from clearloop.core.errors import ValidationFailed
from clearloop.textanalysis.lexicon import SIGNAL_LABELS

MAX_WORDS = 50
SIGNALS = tuple(SIGNAL_LABELS)
"""The signals text analysis raises (`clearloop.textanalysis.models.SignalKind`)."""
# "At most negative" is negative; "at most neutral" is negative or neutral. "At most
# positive" would hold for every analysed item, which is never what anyone means.
SENTIMENT_LABELS = {"negative": ("negative",), "neutral": ("negative", "neutral")}
TEXT_KINDS = frozenset({"sentiment_at_most", "signal", "topic"})


@dataclass
class Facts:
    """What one response or feedback item brings to the rules."""

    source: str  # "survey" for a response, else the FeedbackSource
    channel: str = ""
    texts: list[str] = field(default_factory=list)
    scores: dict[str, list[int]] = field(default_factory=dict)  # kind -> numbers
    question_scores: dict[str, int] = field(default_factory=dict)  # question key -> number
    rating: int | None = None
    customer_segment: str = ""
    in_segment: Callable[[int], bool] = lambda _segment_id: False
    signals: dict[str, Any] = field(default_factory=dict)

    def lowest(self, kind: str) -> int | None:
        numbers = self.scores.get(kind) or []
        return min(numbers) if numbers else None


def _number(doc: Mapping[str, Any], name: str = "value") -> int:
    value = doc.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed(
            _("The condition %(kind)s needs a whole number in '%(name)s'.")
            % {"kind": doc.get("kind"), "name": name},
            fields={"conditions": "invalid"},
        )
    return value


def _text(doc: Mapping[str, Any], name: str = "value") -> str:
    value = str(doc.get(name) or "").strip()
    if not value:
        raise ValidationFailed(
            _("The condition %(kind)s needs a value in '%(name)s'.")
            % {"kind": doc.get("kind"), "name": name},
            fields={"conditions": "invalid"},
        )
    return value[:120]


def _clean_number(doc: Mapping[str, Any]) -> dict[str, Any]:
    return {"kind": doc["kind"], "value": _number(doc)}


def _clean_score(doc: Mapping[str, Any]) -> dict[str, Any]:
    return {"kind": doc["kind"], "question": _text(doc, "question"), "value": _number(doc)}


def _clean_words(doc: Mapping[str, Any]) -> dict[str, Any]:
    raw = doc.get("words")
    if isinstance(raw, str):
        raw = raw.split(",")
    words = [str(word).strip() for word in raw or [] if str(word).strip()]
    if not words or len(words) > MAX_WORDS:
        raise ValidationFailed(
            _("A keyword condition needs between 1 and %(max)d words.") % {"max": MAX_WORDS},
            fields={"conditions": "invalid"},
        )
    return {"kind": doc["kind"], "words": words}


def _clean_text(doc: Mapping[str, Any]) -> dict[str, Any]:
    return {"kind": doc["kind"], "value": _text(doc)}


def _clean_segment(doc: Mapping[str, Any]) -> dict[str, Any]:
    return {"kind": doc["kind"], "segment_id": _number(doc, "segment_id")}


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"conditions": "invalid"})


def _clean_sentiment(doc: Mapping[str, Any]) -> dict[str, Any]:
    value = doc.get("value")
    if isinstance(value, str) and value.strip().casefold() in SENTIMENT_LABELS:
        return {"kind": doc["kind"], "value": value.strip().casefold()}
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            value = None
    if isinstance(value, bool) or not isinstance(value, int | float) or not -1 <= value <= 1:
        raise _invalid(
            _(
                "A sentiment condition needs a score between -1 and 1 (e.g. -0.4) or the "
                "label 'negative' or 'neutral' in 'value'."
            )
        )
    return {"kind": doc["kind"], "value": float(value)}


def _clean_signal(doc: Mapping[str, Any]) -> dict[str, Any]:
    value = str(doc.get("value") or "").strip()
    if value not in SIGNALS:
        raise _invalid(
            _("Unknown signal %(value)r; use one of: %(signals)s.")
            % {"value": value, "signals": ", ".join(SIGNALS)}
        )
    return {"kind": doc["kind"], "value": value}


def _clean_topic(doc: Mapping[str, Any]) -> dict[str, Any]:
    if doc.get("topic_id") not in (None, ""):
        return {"kind": doc["kind"], "topic_id": _number(doc, "topic_id")}
    if str(doc.get("value") or "").strip():
        return {"kind": doc["kind"], "value": _text(doc)}
    raise _invalid(_("A topic condition needs a topic id in 'topic_id' or a name in 'value'."))


def _sentiment_holds(doc: Mapping[str, Any], facts: Facts) -> bool:
    if isinstance(doc["value"], str):
        return facts.signals.get("sentiment_label") in SENTIMENT_LABELS.get(doc["value"], ())
    score = facts.signals.get("sentiment")
    return score is not None and score <= doc["value"]


def _topic_holds(doc: Mapping[str, Any], facts: Facts) -> bool:
    topics: Mapping[int, str] = facts.signals.get("topics") or {}
    if "topic_id" in doc:
        return doc["topic_id"] in topics
    wanted = str(doc.get("value", "")).casefold()
    return any(name.casefold() == wanted for name in topics.values())


def _at_most(kind: str) -> Callable[[Mapping[str, Any], Facts], bool]:
    def holds(doc: Mapping[str, Any], facts: Facts) -> bool:
        lowest = facts.lowest(kind)
        return lowest is not None and lowest <= doc["value"]

    return holds


def _score_holds(doc: Mapping[str, Any], facts: Facts) -> bool:
    number = facts.question_scores.get(doc["question"])
    return number is not None and number <= doc["value"]


def _rating_holds(doc: Mapping[str, Any], facts: Facts) -> bool:
    return facts.rating is not None and facts.rating <= doc["value"]


def _keyword_holds(doc: Mapping[str, Any], facts: Facts) -> bool:
    haystack = "\n".join(facts.texts).casefold()
    return any(word.casefold() in haystack for word in doc["words"])


@dataclass(frozen=True)
class ConditionKind:
    label: str
    clean: Callable[[Mapping[str, Any]], dict[str, Any]]
    holds: Callable[[Mapping[str, Any], Facts], bool]


CONDITIONS: dict[str, ConditionKind] = {
    "nps_at_most": ConditionKind("NPS at most", _clean_number, _at_most("nps")),
    "csat_at_most": ConditionKind("CSAT at most", _clean_number, _at_most("csat")),
    "score_at_most": ConditionKind("Score question at most", _clean_score, _score_holds),
    "rating_at_most": ConditionKind("Star rating at most", _clean_number, _rating_holds),
    "keyword": ConditionKind("Text contains a keyword", _clean_words, _keyword_holds),
    "customer_segment": ConditionKind(
        "Customer segment is",
        _clean_text,
        lambda doc, facts: facts.customer_segment.casefold() == doc["value"].casefold(),
    ),
    "saved_segment": ConditionKind(
        "Customer is in saved segment",
        _clean_segment,
        lambda doc, facts: facts.in_segment(doc["segment_id"]),
    ),
    "channel": ConditionKind(
        "Channel is", _clean_text, lambda doc, facts: facts.channel == doc["value"]
    ),
    "source": ConditionKind(
        "Source is", _clean_text, lambda doc, facts: facts.source == doc["value"]
    ),
    "sentiment_at_most": ConditionKind("Sentiment at most", _clean_sentiment, _sentiment_holds),
    "signal": ConditionKind(
        "Text raises a signal",
        _clean_signal,
        lambda doc, facts: doc["value"] in (facts.signals.get("signals") or ()),
    ),
    "topic": ConditionKind("Feedback is on a topic", _clean_topic, _topic_holds),
}


def conditions_clean(raw: Any) -> list[dict[str, Any]]:
    """Validate a rule's condition list; `ValidationFailed` says which entry is wrong."""
    if not isinstance(raw, list) or not raw:
        raise ValidationFailed(
            _("A rule needs at least one condition."), fields={"conditions": "required"}
        )
    cleaned = []
    for doc in raw:
        kind = CONDITIONS.get(str(doc.get("kind")) if isinstance(doc, dict) else "")
        if kind is None:
            raise ValidationFailed(
                _("Unknown condition kind %(kind)r; use one of: %(kinds)s.")
                % {
                    "kind": doc.get("kind") if isinstance(doc, dict) else doc,
                    "kinds": ", ".join(CONDITIONS),
                },
                fields={"conditions": "unknown_kind"},
            )
        cleaned.append(kind.clean(doc))
    return cleaned


def needs_text_analysis(conditions: list[dict[str, Any]]) -> bool:
    """Whether the rule looks at what text analysis finds (so it runs again after it)."""
    return any(doc.get("kind") in TEXT_KINDS for doc in conditions)


def topic_ids(conditions: list[dict[str, Any]]) -> set[int]:
    return {
        doc["topic_id"] for doc in conditions if doc.get("kind") == "topic" and "topic_id" in doc
    }


def rule_holds(conditions: list[dict[str, Any]], facts: Facts, *, match_all: bool = True) -> bool:
    results = (
        CONDITIONS[doc["kind"]].holds(doc, facts)
        for doc in conditions
        if doc.get("kind") in CONDITIONS
    )
    return all(results) if match_all else any(results)
