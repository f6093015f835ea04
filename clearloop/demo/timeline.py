"""Time in the demo world: the days things happen on, and the story the numbers tell.

The story, so the dashboards have something to find: satisfaction improves slowly over
the half-year; about five months ago a new freight carrier for bulky items in North
America and Europe started delivering late (the "carrier incident"), which hurt delivery
ratings and NPS until it was fixed about two and a half months ago; support volume dips at
weekends and waits are longest on Mondays.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from clearloop.demo.reference import ORGANIZATION_TIME_ZONE

WINDOW_DAYS = 180
# Relative volume Monday..Sunday.
SUPPORT_WEEKDAYS = (1.25, 1.1, 1.05, 1.0, 0.9, 0.6, 0.5)
SURVEY_WEEKDAYS = (1.1, 1.05, 1.0, 1.0, 0.95, 0.8, 0.85)
MONDAY = 0


def carrier_incident(days_ago: int) -> float:
    """How bad the carrier problem was on a day, 0 (none) to 1 (worst)."""
    if 110 <= days_ago <= 150:
        return 1.0
    if 150 < days_ago <= 165:
        return (165 - days_ago) / 15
    if 70 <= days_ago < 110:
        return (days_ago - 70) / 40
    return 0.0


def improvement(days_ago: int) -> float:
    """The slow upward trend in satisfaction: 0 at the start of the window, 0.35 now."""
    return 0.35 * max(0, WINDOW_DAYS - days_ago) / WINDOW_DAYS


@dataclass(frozen=True)
class Timeline:
    anchor: dt.date
    # Midnight at the start of the anchor day, organization time: everything happens before.
    horizon: dt.datetime
    _cumulative: dict[tuple[float, ...], list[float]] = field(default_factory=dict, compare=False)

    @classmethod
    def ending_before(cls, anchor: dt.date) -> Timeline:
        horizon = dt.datetime.combine(anchor, dt.time(), tzinfo=ZoneInfo(ORGANIZATION_TIME_ZONE))
        return cls(anchor=anchor, horizon=horizon)

    def date(self, days_ago: int) -> dt.date:
        return self.anchor - dt.timedelta(days=days_ago)

    def days_ago(self, moment: dt.datetime) -> int:
        local = moment.astimezone(self.horizon.tzinfo).date()
        return (self.anchor - local).days

    def weekday(self, days_ago: int) -> int:
        return self.date(days_ago).weekday()

    def pick_day(
        self, rng: random.Random, weekdays: tuple[float, ...], incident_boost: float = 0.0
    ) -> int:
        """A day in the window (1 = yesterday), weighted by weekday, the slow growth of
        the business and, with `incident_boost`, the carrier incident."""
        key = (*weekdays, incident_boost)
        if key not in self._cumulative:
            self._cumulative[key] = self._cumulative_weights(weekdays, incident_boost)
        return rng.choices(range(1, WINDOW_DAYS + 1), cum_weights=self._cumulative[key])[0]

    def _cumulative_weights(
        self, weekdays: tuple[float, ...], incident_boost: float
    ) -> list[float]:
        total, cumulative = 0.0, []
        for days_ago in range(1, WINDOW_DAYS + 1):
            growth = 1 + 0.2 * (WINDOW_DAYS - days_ago) / WINDOW_DAYS
            boost = 1 + incident_boost * carrier_incident(days_ago)
            total += weekdays[self.weekday(days_ago)] * growth * boost
            cumulative.append(total)
        return cumulative

    def local_time(
        self, rng: random.Random, days_ago: int, time_zone: str, hours: tuple[int, int] = (8, 21)
    ) -> dt.datetime:
        """A moment during local `hours` of that day, in the customer's own time zone;
        a day earlier when that moment would fall within an hour of the horizon (an evening
        in Los Angeles yesterday is already today in Singapore), so that what starts then
        also finishes before it."""
        day = self.date(days_ago)
        clock = dt.time(rng.randrange(*hours), rng.randrange(60), rng.randrange(60))
        moment = dt.datetime.combine(day, clock, tzinfo=ZoneInfo(time_zone))
        if moment < self.horizon - dt.timedelta(hours=1):
            return moment
        return moment - dt.timedelta(days=1)
