"""How an item's source metadata is shown: known keys per source get a label and come
first, anything else follows under its own key. Only http(s) URLs become links, so a
`javascript:` URL in imported metadata stays inert text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

from clearloop.feedback.models import FeedbackItem, FeedbackSource

LABELS: dict[str, Any] = {
    "site": _("Review site"),
    "url": _("Link"),
    "platform": _("Platform"),
    "author_handle": _("Author"),
    "hashtags": _("Hashtags"),
    "mentions": _("Mentions"),
    "subject": _("Subject"),
    "from": _("From"),
    "to": _("To"),
    "agent": _("Agent"),
    "duration_seconds": _("Duration (seconds)"),
    "participants": _("Participants"),
    "moderator": _("Moderator"),
    "app_version": _("App version"),
    "screen": _("Screen"),
}
BY_SOURCE: dict[str, tuple[str, ...]] = {
    FeedbackSource.REVIEW: ("site", "url"),
    FeedbackSource.SOCIAL: ("platform", "author_handle", "hashtags", "mentions", "url"),
    FeedbackSource.EMAIL: ("subject", "from", "to"),
    FeedbackSource.CHAT: ("agent",),
    FeedbackSource.CALL_NOTE: ("agent", "duration_seconds"),
    FeedbackSource.INTERVIEW: ("participants", "moderator"),
    FeedbackSource.IN_APP: ("app_version", "screen"),
    FeedbackSource.AGENT_REPORT: ("agent",),
}


@dataclass(frozen=True)
class Detail:
    label: Any
    value: str
    link: str = ""


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(part) for part in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {part}" for key, part in value.items())
    return str(value)


def _link(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    parts = urlsplit(value.strip())
    return value.strip() if parts.scheme in ("http", "https") and parts.netloc else ""


def item_details(item: FeedbackItem) -> list[Detail]:
    metadata = item.metadata if isinstance(item.metadata, dict) else {}
    known = [key for key in BY_SOURCE.get(item.source, ()) if metadata.get(key) not in (None, "")]
    others = sorted(key for key in metadata if key not in known)
    details = []
    for key in [*known, *others]:
        value = metadata[key]
        label = LABELS.get(key, key)
        details.append(Detail(label, _text(value), _link(value) if key == "url" else ""))
    return details


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    height: int
    day: Any
    count: int


SPARK_HEIGHT, SPARK_STEP, SPARK_WIDTH = 40, 10, 8


def sparkline(days: list[Any]) -> list[Bar]:
    """SVG bar geometry for daily counts (SVG attributes, not styles, so strict CSP holds);
    a day with matches is at least 2 units tall so it never vanishes."""
    peak = max((day.count for day in days), default=0) or 1
    bars = []
    for n, day in enumerate(days):
        height = max(2, round(SPARK_HEIGHT * day.count / peak)) if day.count else 0
        bars.append(Bar(n * SPARK_STEP, SPARK_HEIGHT - height, height, day.day, day.count))
    return bars
