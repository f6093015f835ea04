"""When a scheduled report is due and which days it covers. Pure: datetimes in, dates out.

A weekly report runs on its weekday at its hour (the organization's time zone) and covers
the seven days before that day; a monthly one runs on its day of the month (1 to 28, so
every month has it) and covers the calendar month before. The latest run at or before
"now" names the period; each period is delivered once.
"""

from __future__ import annotations

import datetime as dt

WEEKLY, MONTHLY = "weekly", "monthly"


def _at(day: dt.date, hour: int, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zone)


def _month_before(day: dt.date) -> dt.date:
    """The same day of the month before (days are at most 28, so it exists)."""
    if day.month == 1:
        return day.replace(year=day.year - 1, month=12)
    return day.replace(month=day.month - 1)


def latest_run(
    *, frequency: str, weekday: int, day_of_month: int, hour: int, now: dt.datetime
) -> dt.datetime:
    """The latest scheduled moment at or before `now` (aware; its zone is the
    organization's)."""
    if now.tzinfo is None:
        raise ValueError("latest_run needs an aware datetime.")
    zone, today = now.tzinfo, now.date()
    if frequency == WEEKLY:
        run = _at(today - dt.timedelta(days=(today.weekday() - weekday) % 7), hour, zone)
        return run if run <= now else run - dt.timedelta(days=7)
    if frequency == MONTHLY:
        if not 1 <= day_of_month <= 28:
            raise ValueError("day_of_month must be between 1 and 28.")
        run = _at(today.replace(day=day_of_month), hour, zone)
        return run if run <= now else _at(_month_before(run.date()), hour, zone)
    raise ValueError(f"Unknown frequency {frequency!r}.")


def covered_period(*, frequency: str, run_day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day (both included) a run on `run_day` reports on."""
    if frequency == WEEKLY:
        return run_day - dt.timedelta(days=7), run_day - dt.timedelta(days=1)
    last = run_day.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last
