from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from clearloop.accounts.models import Organization
from clearloop.goals.tests.data import add_scores, nps_scores

TODAY = dt.date(2025, 6, 2)


@pytest.fixture
def frozen_today() -> Iterator[dt.date]:
    with time_machine.travel(dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC), tick=False):
        yield TODAY


@pytest.fixture
def rising_nps(acme: Organization, frozen_today: dt.date) -> dt.date:
    """60 days of NPS answers (40 a day) rising from about 20 to about 35."""
    rng = random.Random(7)
    for offset in range(60, 0, -1):
        day = frozen_today - dt.timedelta(days=offset)
        progress = (60 - offset) / 60
        add_scores(acme, day, nps_scores(40, 0.40 + 0.08 * progress, 0.20 - 0.07 * progress, rng))
    return frozen_today


@pytest.fixture
def goal_data(rising_nps: dt.date) -> dict[str, Any]:
    today = rising_nps
    return {
        "name": "NPS to 40",
        "metric": "nps",
        "scope": "organization:",
        "baseline_start": (today - dt.timedelta(days=60)).isoformat(),
        "baseline_end": (today - dt.timedelta(days=31)).isoformat(),
        "target": "40",
        "deadline": (today + dt.timedelta(days=60)).isoformat(),
    }
