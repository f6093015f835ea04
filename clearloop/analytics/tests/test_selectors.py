"""The metric service: figures, intervals, trends in the organization's time zone,
breakdowns with tests and corrections, rates, drivers and CSI, with query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from clearloop.accounts.models import Organization
from clearloop.analytics import rollups, selectors
from clearloop.analytics.selectors import MetricFilters
from clearloop.analytics.tests.data import START, World, build_world, populate
from clearloop.customers.tests.factories import InteractionFactory


@pytest.fixture
def world(acme: Organization) -> World:
    return build_world(acme)


def _figure(world: World, metric: str = "nps", **filters: Any) -> selectors.MetricFigure:
    rollups.rollups_rebuild(organization=world.organization)
    return selectors.metric_figure(
        organization=world.organization, metric=metric, filters=MetricFilters(**filters)
    )


def test_nps_with_no_answers_has_no_value(world: World) -> None:
    figure = _figure(world)
    assert figure.estimate.n == 0
    assert figure.estimate.value is None and not figure.estimate.has_interval


def test_nps_of_all_promoters_is_100_with_a_zero_width_interval(world: World) -> None:
    for _ in range(3):
        world.respond(nps=10)
    estimate = _figure(world).estimate
    assert (estimate.value, estimate.low, estimate.high, estimate.n) == (100, 100, 100, 3)
    assert not estimate.enough


def test_nps_reference_value(world: World) -> None:
    # 5 promoters, 3 passives, 2 detractors: NPS 30, SE = 100·sqrt((0.5+0.2-0.09)/10)
    for score in (10, 9, 9, 10, 9, 7, 8, 8, 3, 6):
        world.respond(nps=score)
    estimate = _figure(world).estimate
    assert estimate.value == pytest.approx(30)
    assert estimate.standard_error == pytest.approx(24.698178, rel=1e-6)
    assert estimate.low == pytest.approx(30 - 1.959964 * 24.698178, rel=1e-5)


def test_one_csat_answer_has_a_share_and_a_mean_without_interval(world: World) -> None:
    world.respond(csat=4)
    assert _figure(world, "csat").estimate.value == 100
    mean = _figure(world, "csat_mean").estimate
    assert mean.value == 4 and mean.low is None


def test_ces_mean_and_easy_share(world: World) -> None:
    from clearloop.surveys.tests.factories import AnswerFactory, QuestionFactory

    ces = QuestionFactory(version=world.version, key="ces", kind="ces")
    for score in (7, 5, 2, 6):
        AnswerFactory(response=world.respond(), question=ces, number=score)
    assert _figure(world, "ces").estimate.value == 5
    assert _figure(world, "ces_easy").estimate.value == 75


def test_mean_rating_needs_a_question(world: World) -> None:
    from clearloop.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="needs a question"):
        _figure(world, "mean")
    with pytest.raises(ValidationFailed, match="Unknown metric"):
        _figure(world, "loyalty")


@pytest.mark.parametrize(("zone", "day"), [("UTC", 1), ("Asia/Tokyo", 2)])
def test_a_response_at_2330_utc_lands_on_the_next_day_in_tokyo(
    world: World, zone: str, day: int
) -> None:
    world.organization.time_zone = zone
    world.organization.save(update_fields=["time_zone"])
    world.respond(nps=9, completed_at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC))
    rollups.rollups_rebuild(organization=world.organization)
    for filters in (MetricFilters(), MetricFilters(hidden_key="x", hidden_value="")):
        points = selectors.metric_trend(
            organization=world.organization, metric="nps", filters=filters, period="day"
        )
        assert [point.period for point in points] == [dt.date(2026, 3, day)] or filters.hidden_key
    points = selectors.metric_trend(
        organization=world.organization, metric="nps", filters=MetricFilters(), period="day"
    )
    assert [point.period for point in points] == [dt.date(2026, 3, day)]
    one_day = MetricFilters(date_from=dt.date(2026, 3, day), date_to=dt.date(2026, 3, day))
    assert (
        selectors.metric_figure(
            organization=world.organization, metric="nps", filters=one_day
        ).estimate.n
        == 1
    )
    raw = selectors.metric_figure(
        organization=world.organization,
        metric="nps",
        filters=one_day.__class__(
            date_from=one_day.date_from, date_to=one_day.date_to, product="none-sold"
        ),
    )
    assert raw.estimate.n == 0


def test_weekly_and_quarterly_trends_bucket_in_the_organization_zone(world: World) -> None:
    populate(world)
    rollups.rollups_rebuild(organization=world.organization)
    weeks = selectors.metric_trend(
        organization=world.organization, metric="nps", filters=MetricFilters(), period="week"
    )
    assert [point.period.weekday() for point in weeks] == [0] * len(weeks)
    assert sum(point.estimate.n for point in weeks) == 42
    quarters = selectors.metric_trend(
        organization=world.organization, metric="csat", filters=MetricFilters(), period="quarter"
    )
    assert [point.period for point in quarters] == [dt.date(2026, 1, 1)]


def test_previous_period_change_comes_with_its_test(world: World) -> None:
    for index in range(40):
        world.respond(nps=10 if index % 10 else 0, completed_at=START + dt.timedelta(days=7))
        world.respond(nps=2 if index % 10 else 10, completed_at=START)
    figure = _figure(
        world,
        date_from=START.date() + dt.timedelta(days=4),
        date_to=START.date() + dt.timedelta(days=7),
    )
    assert figure.previous is not None and figure.change is not None
    assert figure.estimate.value == 80 and figure.previous.value == -80
    assert figure.change.difference == 160
    assert figure.change.test is not None and figure.change.significant


def test_breakdown_flags_only_segments_significant_after_holm(world: World) -> None:
    for index in range(60):
        world.respond(csat=5 if index % 6 else 2, channel="email")
        world.respond(csat=1 if index % 6 else 4, channel="widget")
        world.respond(csat=4 if index % 2 else 2, channel="link")
    rollups.rollups_rebuild(organization=world.organization)
    breakdown = selectors.metric_breakdown(
        organization=world.organization, metric="csat", filters=MetricFilters(), dimension="channel"
    )
    directions = {row.value: row.direction for row in breakdown.rows}
    assert directions == {"email": "above", "widget": "below", "link": ""}
    assert breakdown.correction == "Holm"
    rows = {row.value: row for row in breakdown.rows}
    assert rows["link"].versus_rest is not None
    assert rows["link"].versus_rest.adjusted_p is not None
    assert rows["link"].label == "Link"


def test_breakdown_by_agent_names_agents_in_few_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    populate(world)
    rollups.rollups_rebuild(organization=world.organization)
    with django_assert_max_num_queries(3):
        breakdown = selectors.metric_breakdown(
            organization=world.organization,
            metric="nps",
            filters=MetricFilters(),
            dimension="agent",
        )
    labels = {row.label for row in breakdown.rows}
    assert {"Ada Agent", "Ben Agent", "None"} <= labels


def test_funnel_and_first_contact_resolution(world: World) -> None:
    InteractionFactory(customer=world.customers[0], resolved_on_first_contact=None)
    fcr = selectors.first_contact_resolution(
        organization=world.organization, filters=MetricFilters()
    )
    assert (fcr.n, fcr.value) == (3, pytest.approx(200 / 3))
    agent = MetricFilters(dimensions=(("agent", str(world.agents[1].pk)),))
    assert (
        selectors.first_contact_resolution(organization=world.organization, filters=agent).value
        == 50
    )
    funnel = selectors.response_funnel(organization=world.organization, filters=MetricFilters())
    assert (funnel.sent, funnel.answered) == (0, 0) and funnel.response_rate.value is None


def test_drivers_and_csi_from_the_database(
    world: World, django_assert_max_num_queries: Any
) -> None:
    populate(world)
    question = selectors.driver_questions(organization=world.organization)[0]
    assert question.matrix_key == "attributes" and question.outcome_key == "nps"
    with django_assert_max_num_queries(2):  # the (empty) driver rollups, then the raw answers
        moments = selectors.driver_moments(
            organization=world.organization, question=question, filters=MetricFilters()
        )
    assert moments.n == 42
    assert moments.sums[-1] == sum((index * 7) % 11 for index in range(42))
    analysis = selectors.driver_analysis(
        organization=world.organization, question=question, filters=MetricFilters()
    )
    assert analysis is not None and 0 <= analysis.r_squared <= 1
    rollups.rollups_rebuild(organization=world.organization)
    csi, weights = selectors.satisfaction_index(
        organization=world.organization,
        question=question,
        filters=MetricFilters(),
        weights={"quality": 2, "delivery": 1, "price": 1},
    )
    assert weights == {"quality": 0.5, "delivery": 0.25, "price": 0.25}
    means = {
        "quality": sum(1 + i % 5 for i in range(42)) / 42,
        "delivery": sum(1 + (i * 2) % 5 for i in range(42)) / 42,
        "price": sum(1 + (i // 3) % 5 for i in range(42)) / 42,
    }
    expected = sum(weights[k] * (means[k] - 1) * 25 for k in means)
    assert csi.value == pytest.approx(expected)
    assert csi.low is not None and csi.value is not None and csi.low < csi.value


def test_parse_filters_refuses_bad_input() -> None:
    from clearloop.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="date like"):
        selectors.parse_filters({"date_from": "yesterday"})
    with pytest.raises(ValidationFailed, match="after"):
        selectors.parse_filters({"date_from": "2026-02-02", "date_to": "2026-02-01"})
    with pytest.raises(ValidationFailed, match="an id"):
        selectors.parse_filters({"survey": "one"})
    parsed = selectors.parse_filters({"channel": "email", "agent": "3", "date_to": "2026-02-01"})
    assert parsed.dimension_filters == {"agent": "3", "channel": "email"}
    assert selectors.parse_filters(selectors.filter_params(parsed)) == parsed
