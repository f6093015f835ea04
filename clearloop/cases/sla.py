"""The SLA clock: business time arithmetic over plain values, no database.

A `BusinessCalendar` says when a team works: opening intervals per weekday in its own time
zone, and holidays (whole local days off). An empty week means around the clock. Two
operations carry everything else:

- `business_seconds_between(start, end, calendar)`: working seconds inside [start, end);
- `add_business_seconds(start, seconds, calendar)`: the first moment at which `seconds` of
  working time have passed since `start`.

Local opening hours are turned into absolute instants day by day (``ZoneInfo``), so a DST
change shortens or lengthens that day's wall-clock arithmetic correctly: a 09:00-17:00 day is
8 hours of work on either side of a change, and a night shift across the change counts the
real elapsed time. Pauses (waiting on the customer) are closed intervals of absolute time;
the business time inside them is added to the target, so the due time moves by exactly the
working time spent waiting. While a pause is open the case has no due time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo

UTC = dt.UTC
MAX_DAYS = 3 * 366
"""How far ahead a due time is searched for; a calendar with no working day in three years
is a configuration error, not a clock."""

Interval = tuple[dt.time, dt.time]


@dataclass(frozen=True)
class BusinessCalendar:
    time_zone: str = "UTC"
    # weekday (0 = Monday) -> opening intervals in local time; end may be 00:00 (midnight)
    week: Mapping[int, Sequence[Interval]] = field(default_factory=dict)
    holidays: frozenset[dt.date] = frozenset()

    @property
    def around_the_clock(self) -> bool:
        return not any(self.week.values())

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


ALWAYS_OPEN = BusinessCalendar()


def parse_week(document: Mapping[str, Iterable[Sequence[str]]]) -> dict[int, list[Interval]]:
    """``{"0": [["09:00", "17:00"]], ...}`` (JSON-friendly) into a calendar's week.
    Raises ValueError for an unknown weekday, a bad time or an interval that ends first."""
    week: dict[int, list[Interval]] = {}
    for day, intervals in document.items():
        weekday = int(day)
        if not 0 <= weekday <= 6:
            raise ValueError(f"weekday {day!r} is not 0 (Monday) to 6 (Sunday)")
        parsed = []
        for start_text, end_text in intervals:
            start, end = dt.time.fromisoformat(start_text), dt.time.fromisoformat(end_text)
            if end != dt.time(0) and end <= start:
                raise ValueError(f"{start_text}-{end_text} ends before it starts")
            parsed.append((start, end))
        week[weekday] = sorted(parsed)
    return week


def _require_aware(*moments: dt.datetime) -> None:
    for moment in moments:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("SLA clock arithmetic needs timezone-aware datetimes")


def _local_instant(day: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    if time == dt.time(0):  # an interval ending at midnight ends at the next day's start
        day, time = day + dt.timedelta(days=1), dt.time(0)
    return dt.datetime.combine(day, time, tzinfo=zone).astimezone(UTC)


def _open_periods(
    calendar: BusinessCalendar, start: dt.datetime
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Absolute working periods in order, from the local day that contains `start`."""
    zone = calendar.zone
    day = start.astimezone(zone).date() - dt.timedelta(days=1)  # a night shift may carry over
    for _offset in range(MAX_DAYS + 2):
        if day not in calendar.holidays:
            for open_at, close_at in calendar.week.get(day.weekday(), ()):
                begin, end = _local_instant(day, open_at, zone), _local_instant(day, close_at, zone)
                if end > begin:
                    yield begin, end
        day += dt.timedelta(days=1)


def business_seconds_between(
    start: dt.datetime, end: dt.datetime, calendar: BusinessCalendar
) -> float:
    """Working seconds in [start, end); 0 when end is not after start."""
    _require_aware(start, end)
    if end <= start:
        return 0.0
    if calendar.around_the_clock:
        return (end - start).total_seconds()
    total = 0.0
    for begin, finish in _open_periods(calendar, start):
        if begin >= end:
            break
        overlap_start, overlap_end = max(begin, start), min(finish, end)
        if overlap_end > overlap_start:
            total += (overlap_end - overlap_start).total_seconds()
    return total


def add_business_seconds(
    start: dt.datetime, seconds: float, calendar: BusinessCalendar
) -> dt.datetime:
    """The moment `seconds` of working time after `start` (returned in UTC)."""
    _require_aware(start)
    if seconds < 0:
        raise ValueError("cannot add a negative amount of business time")
    start = start.astimezone(UTC)
    if calendar.around_the_clock:
        return start + dt.timedelta(seconds=seconds)
    left = seconds
    for begin, finish in _open_periods(calendar, start):
        if finish <= start:
            continue
        begin = max(begin, start)
        available = (finish - begin).total_seconds()
        if left <= available:
            return begin + dt.timedelta(seconds=left)
        left -= available
    raise ValueError(f"the calendar has no working time in the next {MAX_DAYS} days")


Pause = tuple[dt.datetime, dt.datetime | None]


def paused_business_seconds(pauses: Iterable[Pause], calendar: BusinessCalendar) -> float:
    """Working time spent inside closed pauses."""
    return sum(
        business_seconds_between(begin, end, calendar) for begin, end in pauses if end is not None
    )


def due_at(
    *,
    started_at: dt.datetime,
    target_seconds: float,
    calendar: BusinessCalendar,
    pauses: Iterable[Pause] = (),
) -> dt.datetime | None:
    """When `target_seconds` of working time, not counting pauses, have passed since
    `started_at`; None while a pause is still open (the clock is stopped)."""
    pauses = list(pauses)
    if any(end is None for _begin, end in pauses):
        return None
    extra = paused_business_seconds(pauses, calendar)
    return add_business_seconds(started_at, target_seconds + extra, calendar)


class ClockState(StrEnum):
    RUNNING = "running"
    WARNING = "warning"
    BREACHED = "breached"
    PAUSED = "paused"
    MET = "met"


def clock_state(
    *,
    due: dt.datetime | None,
    now: dt.datetime,
    warn_seconds: float,
    done_at: dt.datetime | None = None,
) -> ClockState:
    """Where a clock stands. `warn_seconds` is wall time before the due moment (a warning
    should reach a person before the breach whatever the calendar says). `done_at`: when the
    target was reached (first response sent, case resolved)."""
    _require_aware(now)
    if done_at is not None:
        if due is None:
            return ClockState.MET
        return ClockState.MET if done_at <= due else ClockState.BREACHED
    if due is None:
        return ClockState.PAUSED
    if now >= due:
        return ClockState.BREACHED
    if now >= due - dt.timedelta(seconds=warn_seconds):
        return ClockState.WARNING
    return ClockState.RUNNING
