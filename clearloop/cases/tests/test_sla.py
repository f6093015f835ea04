"""The SLA clock against hand-computed reference values: weekends, holidays, pauses, time
zones and DST changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from clearloop.cases import sla

UTC = dt.UTC
NY = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
NINE_TO_FIVE = {str(d): [["09:00", "17:00"]] for d in range(5)}
HOUR = 3600


def calendar(zone: str = "UTC", week=None, holidays=()) -> sla.BusinessCalendar:
    return sla.BusinessCalendar(
        zone, sla.parse_week(NINE_TO_FIVE if week is None else week), frozenset(holidays)
    )


def at(y, m, d, h=0, mi=0, zone=UTC) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=zone)


def test_around_the_clock_is_plain_arithmetic():
    start = at(2026, 3, 6, 22)
    assert sla.add_business_seconds(start, 5 * HOUR, sla.ALWAYS_OPEN) == at(2026, 3, 7, 3)
    assert sla.business_seconds_between(start, at(2026, 3, 7, 3), sla.ALWAYS_OPEN) == 5 * HOUR


def test_inside_business_hours_counts_forward_the_same_day():
    assert sla.add_business_seconds(at(2026, 3, 2, 10), 4 * HOUR, calendar()) == at(2026, 3, 2, 14)


def test_before_opening_starts_at_opening():
    assert sla.add_business_seconds(at(2026, 3, 2, 6), 1 * HOUR, calendar()) == at(2026, 3, 2, 10)


def test_friday_afternoon_runs_over_the_weekend_to_monday():
    # Friday 2026-03-06 15:00 + 4h of work: 2h on Friday, 2h on Monday morning
    assert sla.add_business_seconds(at(2026, 3, 6, 15), 4 * HOUR, calendar()) == at(2026, 3, 9, 11)


def test_saturday_counts_nothing():
    assert sla.business_seconds_between(at(2026, 3, 7, 0), at(2026, 3, 9, 0), calendar()) == 0


def test_a_holiday_is_skipped():
    cal = calendar(holidays=[dt.date(2026, 3, 9)])  # Monday off
    assert sla.add_business_seconds(at(2026, 3, 6, 15), 4 * HOUR, cal) == at(2026, 3, 10, 11)
    assert sla.business_seconds_between(at(2026, 3, 9, 0), at(2026, 3, 10, 0), cal) == 0


def test_a_24_hour_target_is_three_working_days():
    assert sla.add_business_seconds(at(2026, 3, 2, 9), 24 * HOUR, calendar()) == at(2026, 3, 4, 17)


def test_exactly_at_closing_lands_at_closing():
    assert sla.add_business_seconds(at(2026, 3, 2, 9), 8 * HOUR, calendar()) == at(2026, 3, 2, 17)


def test_business_hours_are_local_to_the_team():
    # Tokyo 09:00-17:00 is 00:00-08:00 UTC; a ticket at 07:00 UTC Monday + 2h -> Tuesday 01:00 UTC
    cal = calendar("Asia/Tokyo")
    assert sla.add_business_seconds(at(2026, 3, 2, 7), 2 * HOUR, cal) == at(2026, 3, 3, 1)


def test_tokyo_monday_morning_is_sunday_in_utc():
    cal = calendar("Asia/Tokyo")
    sunday_utc = at(2026, 3, 1, 23)  # Monday 08:00 in Tokyo
    assert sla.add_business_seconds(sunday_utc, HOUR, cal) == at(2026, 3, 2, 10, zone=TOKYO)


def test_new_york_hours_follow_the_spring_dst_change():
    # US DST starts 2026-03-08: 09:00 EST is 14:00 UTC on Friday, 09:00 EDT is 13:00 UTC Monday
    cal = calendar("America/New_York")
    friday_close = at(2026, 3, 6, 17, zone=NY)
    assert sla.add_business_seconds(friday_close, HOUR, cal) == at(2026, 3, 9, 14)
    assert (
        sla.business_seconds_between(at(2026, 3, 9, 9, zone=NY), at(2026, 3, 9, 17, zone=NY), cal)
        == 8 * HOUR
    )


def test_a_night_shift_across_the_autumn_change_counts_real_time():
    # 2026-11-01 01:00-03:00 New York local contains the repeated hour: 3 real hours
    cal = calendar("America/New_York", week={"6": [["01:00", "03:00"]]})
    start = at(2026, 11, 1, 0, zone=NY)
    assert sla.business_seconds_between(start, start + dt.timedelta(hours=6), cal) == 3 * HOUR


def test_a_spring_forward_night_shift_is_one_hour_shorter():
    cal = calendar("America/New_York", week={"6": [["01:00", "04:00"]]})
    start = at(2026, 3, 8, 0, zone=NY)
    assert sla.business_seconds_between(start, start + dt.timedelta(hours=6), cal) == 2 * HOUR


def test_an_interval_ending_at_midnight():
    cal = calendar(week={"0": [["20:00", "00:00"]]})
    assert sla.add_business_seconds(at(2026, 3, 2, 21), 3 * HOUR, cal) == at(2026, 3, 3, 0)
    assert sla.add_business_seconds(at(2026, 3, 2, 21), 4 * HOUR, cal) == at(2026, 3, 9, 21)


def test_split_shifts_skip_lunch():
    cal = calendar(week={"0": [["09:00", "12:00"], ["13:00", "17:00"]]})
    assert sla.add_business_seconds(at(2026, 3, 2, 11), 2 * HOUR, cal) == at(2026, 3, 2, 14)


def test_pauses_move_the_due_time_by_the_working_time_spent_waiting():
    cal = calendar()
    start = at(2026, 3, 2, 9)
    # waiting on the customer Monday 10:00 -> Tuesday 10:00 = 8 working hours
    pauses = [(at(2026, 3, 2, 10), at(2026, 3, 3, 10))]
    assert sla.due_at(started_at=start, target_seconds=4 * HOUR, calendar=cal, pauses=pauses) == at(
        2026, 3, 3, 13
    )


def test_a_pause_over_the_weekend_costs_no_working_time():
    cal = calendar()
    pauses = [(at(2026, 3, 6, 17), at(2026, 3, 9, 9))]
    due = sla.due_at(
        started_at=at(2026, 3, 6, 15), target_seconds=4 * HOUR, calendar=cal, pauses=pauses
    )
    assert due == at(2026, 3, 9, 11)


def test_an_open_pause_stops_the_clock():
    due = sla.due_at(
        started_at=at(2026, 3, 2, 9),
        target_seconds=HOUR,
        calendar=calendar(),
        pauses=[(at(2026, 3, 2, 9, 30), None)],
    )
    assert due is None


def test_add_and_between_are_inverse():
    cal = calendar("Asia/Tokyo", holidays=[dt.date(2026, 3, 4)])
    start = at(2026, 3, 2, 5, 17)
    for hours in (0.5, 3, 8, 17, 40):
        end = sla.add_business_seconds(start, hours * HOUR, cal)
        assert sla.business_seconds_between(start, end, cal) == pytest.approx(hours * HOUR)


@pytest.mark.parametrize(
    ("now", "done", "state"),
    [
        (at(2026, 3, 2, 9), None, sla.ClockState.RUNNING),
        (at(2026, 3, 2, 11, 30), None, sla.ClockState.WARNING),
        (at(2026, 3, 2, 12), None, sla.ClockState.BREACHED),
        (at(2026, 3, 2, 13), at(2026, 3, 2, 11), sla.ClockState.MET),
        (at(2026, 3, 2, 13), at(2026, 3, 2, 12, 30), sla.ClockState.BREACHED),
    ],
)
def test_clock_state(now, done, state):
    assert (
        sla.clock_state(due=at(2026, 3, 2, 12), now=now, warn_seconds=HOUR, done_at=done) == state
    )


def test_a_paused_clock_has_no_state_but_paused():
    assert sla.clock_state(due=None, now=at(2026, 3, 2), warn_seconds=0) == sla.ClockState.PAUSED


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        sla.add_business_seconds(dt.datetime(2026, 3, 2, 9), HOUR, calendar())


def test_a_calendar_without_working_time_is_an_error():
    cal = sla.BusinessCalendar("UTC", {0: []}, frozenset())
    assert cal.around_the_clock  # an empty week is 24x7 by definition
    closed = calendar(week={"0": [["09:00", "17:00"]]}, holidays=[])
    with pytest.raises(ValueError):
        sla.add_business_seconds(
            at(2026, 3, 2),
            HOUR,
            sla.BusinessCalendar(
                "UTC",
                closed.week,
                frozenset(dt.date(2026, 3, 2) + dt.timedelta(days=7 * n) for n in range(200)),
            ),
        )


def test_bad_opening_hours_are_refused():
    with pytest.raises(ValueError):
        sla.parse_week({"0": [["17:00", "09:00"]]})
    with pytest.raises(ValueError):
        sla.parse_week({"8": [["09:00", "17:00"]]})
