"""Rollups give exactly the counts of the raw answers: for every grain, after new and
late responses (the every-minute refresh), and after a rebuild."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from clearloop.accounts.models import Organization
from clearloop.analytics import rollups
from clearloop.analytics.models import ScoreRollup
from clearloop.analytics.rollups import DIMENSIONS, GRAINS
from clearloop.analytics.selectors import (
    MetricFilters,
    _raw_rows,
    _rollup_rows,
    metric_counts,
    metric_spec,
    uses_rollups,
)
from clearloop.analytics.tests.data import START, World, build_world, populate


@pytest.fixture
def world(acme: Organization) -> World:
    built = build_world(acme)
    populate(built)
    return built


def _both(world: World, metric: str, filters: MetricFilters, group: str) -> tuple[Any, Any]:
    spec = metric_spec(metric)

    def normal(rows: Any) -> Any:
        if isinstance(rows, dict):
            rows = [rows]
        return sorted(
            (
                {key: value if key == "group" else (value or 0) for key, value in dict(row).items()}
                for row in rows
            ),
            key=lambda row: str(row.get("group")),
        )

    raw = normal(_raw_rows(world.organization, spec, filters, group))
    rolled = normal(_rollup_rows(world.organization, spec, filters, group))
    return [row for row in raw if row["n"]], [row for row in rolled if row["n"]]


def _value_of(world: World, dimension: str) -> str:
    return {
        "channel": "email",
        "language": "ja",
        "region": "North",
        "segment": "Consumer",
        "agent": str(world.agents[1].pk),
        "team": str(world.teams[0].pk),
    }[dimension]


def test_every_grain_counts_what_the_raw_answers_count(world: World) -> None:
    rollups.rollups_rebuild(organization=world.organization)
    for grain in GRAINS:
        for breakdown in grain:
            fixed = [dimension for dimension in grain if dimension != breakdown]
            filters = MetricFilters(
                dimensions=tuple((d, _value_of(world, d)) for d in fixed),
                date_from=START.date() + dt.timedelta(days=2),
            )
            assert uses_rollups(filters, breakdown)
            for metric in ("nps", "csat"):
                raw, rolled = _both(world, metric, filters, breakdown)
                assert raw == rolled, (grain, breakdown, metric)
        if not grain:
            for metric, period in itertools.product(("nps", "csat"), ("day", "week", "month")):
                raw, rolled = _both(world, metric, MetricFilters(), period)
                assert raw == rolled
                assert sum(row["n"] for row in raw) == 42


def test_matrix_rows_and_blank_dimensions_roll_up(world: World) -> None:
    rollups.rollups_rebuild(organization=world.organization)
    for row in ("quality", "delivery"):
        filters = MetricFilters(question_key="attributes", row=row)
        for dimension in ("agent", "region", "team"):
            raw, rolled = _both(world, "mean", filters, dimension)
            assert raw == rolled
            assert any(item["group"] in (None, "") for item in raw)
        none_filter = filters.with_dimension("agent", "none")
        assert _both(world, "mean", none_filter, "")[0] == _both(world, "mean", none_filter, "")[1]


def test_refresh_picks_up_new_and_late_responses(world: World) -> None:
    rollups.rollups_refresh(now=dt.datetime.now(dt.UTC))
    before = metric_counts(organization=world.organization, metric="nps", filters=MetricFilters())
    assert before[""]["n"] == 42
    # A late response: imported now, completed two weeks before the others.
    world.respond(nps=10, completed_at=START - dt.timedelta(days=14), channel="email")
    world.respond(nps=0, completed_at=START + dt.timedelta(days=1), channel="email")
    assert rollups.rollups_refresh(now=dt.datetime.now(dt.UTC)) >= 2
    filters = MetricFilters(dimensions=(("channel", "email"),))
    raw, rolled = _both(world, "nps", filters, "week")
    assert raw == rolled
    after = metric_counts(organization=world.organization, metric="nps", filters=MetricFilters())
    assert after[""]["n"] == 44
    assert after[""]["c10"] == before[""]["c10"] + 1


def test_refresh_twice_and_rebuild_give_the_same_rows(world: World) -> None:
    rollups.rollups_refresh(now=dt.datetime.now(dt.UTC))

    def rows() -> list[Any]:
        return sorted(
            ScoreRollup.objects.filter(organization=world.organization).values_list(
                "day",
                "question_key",
                "row",
                "grain",
                *DIMENSIONS[:4],
                "agent_id",
                "team_id",
                "n",
                "total",
            ),
            key=str,
        )

    first = rows()
    rollups.rollups_refresh(now=dt.datetime.now(dt.UTC))
    rollups.rollups_recount(
        organization=world.organization, cells={world.survey.pk: {START.date()}}
    )
    assert rows() == first
    count = rollups.rollups_rebuild(organization=world.organization)
    assert rows() == first
    assert count == len(first)
    assert count < len(GRAINS) * 42 * 5


def test_filters_rollups_cannot_serve_fall_back_to_raw(world: World) -> None:
    rollups.rollups_rebuild(organization=world.organization)
    three = MetricFilters(
        dimensions=(("channel", "email"), ("language", "en"), ("region", "North"))
    )
    assert not uses_rollups(three)
    hidden = MetricFilters(hidden_key="order", hidden_value="SO-1")
    assert not uses_rollups(hidden)
    counts = metric_counts(organization=world.organization, metric="nps", filters=hidden)
    assert counts[""]["n"] == sum(1 for index in range(42) if index % 5 == 1)
    product = MetricFilters(product="Sofa")
    assert (
        metric_counts(organization=world.organization, metric="nps", filters=product)[""]["n"] == 14
    )


def test_a_rollup_is_scoped_to_its_organization(world: World, globex: Organization) -> None:
    rollups.rollups_rebuild(organization=world.organization)
    assert metric_counts(organization=globex, metric="nps", filters=MetricFilters())[""]["n"] == 0


def test_crosstab_from_rollups_equals_raw(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from clearloop.analytics import selectors
    from clearloop.analytics.selectors import metric_crosstab

    rollups.rollups_rebuild(organization=world.organization)
    rolled = metric_crosstab(
        organization=world.organization,
        metric="nps",
        filters=MetricFilters(),
        rows="region",
        columns="channel",
    )
    with monkeypatch.context() as patched:
        patched.setattr(selectors, "GRAIN_NAMES", frozenset())  # no grain: raw answers
        raw = metric_crosstab(
            organization=world.organization,
            metric="nps",
            filters=MetricFilters(),
            rows="region",
            columns="channel",
        )
    assert rolled == raw
    forced_raw = metric_crosstab(
        organization=world.organization,
        metric="nps",
        filters=MetricFilters(dimensions=(("language", "en"),)),
        rows="region",
        columns="channel",
    )
    assert sum(e.n for e in rolled.values()) == 42
    assert 0 < sum(e.n for e in forced_raw.values()) < 42


def test_driver_moments_from_rollups_equal_the_raw_pivot(world: World) -> None:
    from clearloop.analytics import selectors
    from clearloop.analytics.models import DriverRollup

    question = selectors.driver_questions(organization=world.organization)[0]
    window = MetricFilters(date_from=START.date() + dt.timedelta(days=3))
    raw = selectors.driver_moments(
        organization=world.organization, question=question, filters=window
    )
    assert not DriverRollup.objects.exists()  # nothing built yet: counted from raw answers
    rollups.rollups_rebuild(organization=world.organization)
    rolled = selectors.driver_moments(
        organization=world.organization, question=question, filters=window
    )
    assert rolled.n == raw.n > 0
    assert list(rolled.sums) == pytest.approx(list(raw.sums))
    assert rolled.cross.ravel().tolist() == pytest.approx(raw.cross.ravel().tolist())
    world.respond(nps=10, ratings=(5, 5, 5), completed_at=START + dt.timedelta(days=5))
    rollups.rollups_refresh(now=dt.datetime.now(dt.UTC))
    after = selectors.driver_moments(
        organization=world.organization, question=question, filters=window
    )
    assert after.n == raw.n + 1
