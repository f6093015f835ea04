"""Template tags other apps' pages use to show text analysis: a sentiment badge, and
the analysis panel of the feedback item page (with the correction forms)."""

from __future__ import annotations

from typing import Any

from django import template

from clearloop.feedback.models import FeedbackItem
from clearloop.textanalysis import selectors
from clearloop.textanalysis.forms import CORRECTION_VALUES
from clearloop.textanalysis.models import Aspect, Sentiment

register = template.Library()

BADGES = {"positive": "badge-good", "neutral": "badge", "negative": "badge-bad"}


@register.inclusion_tag("textanalysis/_sentiment.html")
def sentiment_badge(analysis: Any) -> dict[str, Any]:
    """`analysis` is an ItemAnalysis or None (items not analysed yet show nothing)."""
    if not analysis:
        return {"analysis": None}
    return {
        "analysis": analysis,
        "css": BADGES.get(analysis.sentiment, "badge"),
        "label": dict(Sentiment.choices).get(analysis.sentiment, analysis.sentiment),
    }


@register.inclusion_tag("textanalysis/_item_analysis.html", takes_context=True)
def item_analysis(context: dict[str, Any], item: FeedbackItem, may_curate: bool) -> dict[str, Any]:
    found = selectors.item_text(item=item)
    corrections = {(c.kind, c.subject): c for c in found.corrections}
    aspect_rows: dict[str, list[Any]] = {}
    for mention in found.aspects:
        aspect_rows.setdefault(mention.aspect, []).append(mention)
    labels = dict(Aspect.choices)
    aspects = [
        {
            "code": code,
            "label": labels.get(code, code),
            "mentions": mentions,
            "sentiment": mentions[0].sentiment,
            "css": BADGES.get(mentions[0].sentiment, "badge"),
            "quote": item.text[mentions[0].start : mentions[0].end],
            "correction": corrections.get(("aspect", code)),
        }
        for code, mentions in aspect_rows.items()
    ]
    sentences = [
        {
            "text": item.text[s.start : s.end],
            "label": dict(Sentiment.choices).get(s.sentiment, s.sentiment),
            "css": BADGES.get(s.sentiment, "badge"),
        }
        for s in found.sentences
    ]
    return {
        "item": item,
        "found": found,
        "aspects": aspects,
        "sentences": sentences,
        "sentiment_correction": corrections.get(("sentiment", "")),
        "sentiments": Sentiment.choices,
        "aspect_choices": Aspect.choices,
        "values": dict(CORRECTION_VALUES),
        "may_curate": may_curate,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }
