"""Chart data for the text pages, shaped for ECharts and passed through `json_script`
(no inline script under our CSP); each point carries the inbox filter it drills into."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.http import urlencode

from clearloop.textanalysis.models import Aspect, Sentiment

TOPICS_IN_CHART = 12


def _labels() -> dict[str, str]:
    return {value: str(label) for value, label in Sentiment.choices}


def overview_data(
    *,
    trend: list[dict[str, Any]],
    topics: list[Any],
    aspects: list[dict[str, Any]],
    inbox_url: str,
) -> dict[str, Any]:
    weeks = sorted({row["week"] for row in trend})
    counts = {(row["week"], row["sentiment"]): row["n"] for row in trend}
    sentiments = list(Sentiment.values)
    top = [row for row in topics if row.count][:TOPICS_IN_CHART]
    aspect_counts = {(row["aspect"], row["sentiment"]): row["n"] for row in aspects}
    aspect_names = [value for value in Aspect.values if any(k[0] == value for k in aspect_counts)]
    aspect_labels = dict(Aspect.choices)
    return {
        "labels": _labels(),
        "inbox": inbox_url,
        "trend": {
            "weeks": [week.isoformat() for week in weeks],
            "series": {s: [counts.get((week, s), 0) for week in weeks] for s in sentiments},
            "links": [
                _link(inbox_url, date_from=week, date_to=week + dt.timedelta(days=6))
                for week in weeks
            ],
        },
        "topics": {
            "names": [row.topic.name for row in top],
            "series": {s: [getattr(row, s) for row in top] for s in sentiments},
            "links": [
                [_link(inbox_url, topic=row.topic.pk, sentiment=s) for s in sentiments]
                for row in top
            ],
        },
        "aspects": {
            "names": [str(aspect_labels[a]) for a in aspect_names],
            "series": {s: [aspect_counts.get((a, s), 0) for a in aspect_names] for s in sentiments},
            "links": [
                [_link(inbox_url, aspect=f"{a}:{s}") for s in sentiments] for a in aspect_names
            ],
        },
    }


def _link(inbox_url: str, **filters: Any) -> str:
    return f"{inbox_url}?{urlencode({k: str(v) for k, v in filters.items()})}"


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    height: int
    day: dt.date
    count: int


HEIGHT, STEP = 28, 8


def sparkline(weeks: list[tuple[dt.date, int]]) -> list[Bar]:
    """SVG bar geometry for weekly counts (attributes, not styles: strict CSP holds)."""
    peak = max((count for _day, count in weeks), default=0) or 1
    bars = []
    for n, (day, count) in enumerate(weeks):
        height = max(2, round(HEIGHT * count / peak)) if count else 0
        bars.append(Bar(n * STEP, HEIGHT - height, height, day, count))
    return bars
