"""When scheduled reports are due and which period each run covers (pure)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from clearloop.reports.schedule import covered_period, latest_run

TOKYO = ZoneInfo("Asia/Tokyo")


def _run(frequency: str, now: dt.datetime, weekday: int = 0, day: int = 1, hour: int = 7):
    return latest_run(frequency=frequency, weekday=weekday, day_of_month=day, hour=hour, now=now)


def test_weekly_run_is_the_last_weekday_at_the_hour() -> None:
    monday_8 = dt.datetime(2026, 3, 9, 8, tzinfo=TOKYO)  # a Monday
    assert _run("weekly", monday_8) == dt.datetime(2026, 3, 9, 7, tzinfo=TOKYO)
    monday_6 = dt.datetime(2026, 3, 9, 6, tzinfo=TOKYO)  # before the hour: last week's
    assert _run("weekly", monday_6) == dt.datetime(2026, 3, 2, 7, tzinfo=TOKYO)
    thursday = dt.datetime(2026, 3, 12, 23, tzinfo=TOKYO)
    assert _run("weekly", thursday, weekday=4) == dt.datetime(2026, 3, 6, 7, tzinfo=TOKYO)


def test_monthly_run_is_the_day_of_this_or_last_month() -> None:
    assert _run("monthly", dt.datetime(2026, 3, 15, tzinfo=TOKYO), day=10) == dt.datetime(
        2026, 3, 10, 7, tzinfo=TOKYO
    )
    assert _run("monthly", dt.datetime(2026, 3, 5, tzinfo=TOKYO), day=10) == dt.datetime(
        2026, 2, 10, 7, tzinfo=TOKYO
    )
    assert _run("monthly", dt.datetime(2026, 1, 1, 6, tzinfo=TOKYO)) == dt.datetime(
        2025, 12, 1, 7, tzinfo=TOKYO
    )


def test_periods_are_the_week_or_calendar_month_before_the_run() -> None:
    assert covered_period(frequency="weekly", run_day=dt.date(2026, 3, 9)) == (
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 8),
    )
    assert covered_period(frequency="monthly", run_day=dt.date(2026, 3, 10)) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 28),
    )
    assert covered_period(frequency="monthly", run_day=dt.date(2026, 1, 1)) == (
        dt.date(2025, 12, 1),
        dt.date(2025, 12, 31),
    )


def test_bad_schedules_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        _run("weekly", dt.datetime(2026, 3, 9))
    with pytest.raises(ValueError, match="28"):
        _run("monthly", dt.datetime(2026, 3, 9, tzinfo=TOKYO), day=31)
    with pytest.raises(ValueError, match="frequency"):
        _run("daily", dt.datetime(2026, 3, 9, tzinfo=TOKYO))
