"""Triage as plain functions: urgency from the score and the waiting time, importance from
the customer's segment and value, priority from the organization's urgency x importance
matrix. Text analysis will add sentiment to `urgency_of` (a `sentiment` argument)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from clearloop.cases.models import CasePriority, Level

DEFAULT_MATRIX: dict[str, str] = {
    "high:high": CasePriority.URGENT,
    "high:medium": CasePriority.HIGH,
    "high:low": CasePriority.HIGH,
    "medium:high": CasePriority.HIGH,
    "medium:medium": CasePriority.NORMAL,
    "medium:low": CasePriority.NORMAL,
    "low:high": CasePriority.NORMAL,
    "low:medium": CasePriority.LOW,
    "low:low": CasePriority.LOW,
}
HIGH_VALUE = Decimal("1000")


def urgency_of(*, nps: int | None = None, csat: int | None = None, waiting_hours: float = 0) -> str:
    """High: NPS 0-3, CSAT 1 or a day and a half of waiting; medium: any other detractor,
    CSAT 2 or a wait of 8 hours; else low."""
    if (nps is not None and nps <= 3) or csat == 1 or waiting_hours >= 36:
        return Level.HIGH
    if (nps is not None and nps <= 6) or csat == 2 or waiting_hours >= 8:
        return Level.MEDIUM
    return Level.LOW


def importance_of(*, segment: str, important_segments: list[str], spent: Decimal | None) -> str:
    if segment and segment.casefold() in {s.casefold() for s in important_segments}:
        return Level.HIGH
    if spent is not None and spent >= HIGH_VALUE:
        return Level.HIGH
    if spent:
        return Level.MEDIUM
    return Level.LOW


def priority_for(urgency: str, importance: str, matrix: Mapping[str, str] | None = None) -> str:
    key = f"{urgency}:{importance}"
    chosen = (matrix or {}).get(key) or DEFAULT_MATRIX[key]
    return chosen if chosen in CasePriority.values else DEFAULT_MATRIX[key]
