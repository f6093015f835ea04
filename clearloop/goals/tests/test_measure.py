"""Counting a metric for a scope: the figure matches the counts, scopes narrow the rows,
and the daily series is grouped by day in the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from clearloop.accounts.models import Organization
from clearloop.accounts.tests.factories import TeamFactory
from clearloop.cases.models import Case
from clearloop.customers.models import InteractionChannel
from clearloop.customers.tests.factories import CustomerFactory, InteractionFactory
from clearloop.goals import measure
from clearloop.goals.measure import Metric, Scope, ScopeKind
from clearloop.goals.tests.data import add_scores, exact_nps_scores
from clearloop.surveys.models import QuestionKind

DAY = dt.date(2025, 3, 3)


WHOLE = Scope()


def _nps(organization: Organization, scope: Scope = WHOLE) -> float | None:
    return measure.measure(
        organization=organization, metric=Metric.NPS, scope=scope, start=DAY, end=DAY
    ).value


def test_nps_matches_the_counts(acme: Organization, django_assert_num_queries) -> None:
    add_scores(acme, DAY, exact_nps_scores(50, 30, 20))
    add_scores(acme, DAY - dt.timedelta(days=1), exact_nps_scores(0, 0, 10))  # outside
    with django_assert_num_queries(1):
        estimate = measure.measure(
            organization=acme, metric=Metric.NPS, scope=Scope(), start=DAY, end=DAY
        )
    assert estimate.value == pytest.approx(30.0)
    assert estimate.n == 100


def test_other_organizations_rows_are_never_counted(
    acme: Organization, globex: Organization
) -> None:
    add_scores(acme, DAY, exact_nps_scores(10, 0, 0))
    add_scores(globex, DAY, exact_nps_scores(0, 0, 10))
    assert _nps(acme) == pytest.approx(100.0)


def test_scopes_narrow_to_region_channel_and_team(acme: Organization) -> None:
    team = TeamFactory(organization=acme)
    asia = CustomerFactory(organization=acme, region="Asia")
    phone = InteractionFactory(customer=asia, channel=InteractionChannel.PHONE, team=team)
    add_scores(acme, DAY, exact_nps_scores(10, 0, 0), customer=asia, interaction=phone)
    europe = CustomerFactory(organization=acme, region="Europe")
    add_scores(acme, DAY, exact_nps_scores(0, 0, 10), customer=europe)
    assert _nps(acme) == pytest.approx(0.0)
    assert _nps(acme, Scope(ScopeKind.REGION, "asia")) == pytest.approx(100.0)
    assert _nps(acme, Scope(ScopeKind.REGION, "Europe")) == pytest.approx(-100.0)
    assert _nps(acme, Scope(ScopeKind.CHANNEL, "phone")) == pytest.approx(100.0)
    assert _nps(acme, Scope(ScopeKind.TEAM, str(team.pk))) == pytest.approx(100.0)
    assert _nps(acme, Scope(ScopeKind.TEAM, "nonsense")) is None


def test_segment_scope_uses_the_saved_rules(acme: Organization, alice) -> None:
    from clearloop.customers.segments import segment_create

    segment = segment_create(
        organization=acme,
        name="Asia",
        rules={
            "match": "all",
            "rules": [{"kind": "profile", "field": "region", "op": "is", "value": "Asia"}],
        },
        by=alice.membership,
    )
    add_scores(
        acme,
        DAY,
        exact_nps_scores(3, 0, 1),
        customer=CustomerFactory(organization=acme, region="Asia"),
    )
    add_scores(
        acme,
        DAY,
        exact_nps_scores(0, 0, 5),
        customer=CustomerFactory(organization=acme, region="Europe"),
    )
    assert _nps(acme, Scope(ScopeKind.SEGMENT, str(segment.pk))) == pytest.approx(50.0)


def test_csat_and_ces(acme: Organization) -> None:
    add_scores(acme, DAY, [5, 4, 3, 1], kind=QuestionKind.CSAT)
    add_scores(acme, DAY, [7, 5, 3], kind=QuestionKind.CES)
    csat = measure.measure(organization=acme, metric=Metric.CSAT, scope=Scope(), start=DAY, end=DAY)
    ces = measure.measure(organization=acme, metric=Metric.CES, scope=Scope(), start=DAY, end=DAY)
    assert csat.value == pytest.approx(50.0)
    assert ces.value == pytest.approx(5.0)
    assert ces.standard_error == pytest.approx(2 / 3**0.5)  # sd 2, n 3


def test_wait_time_and_fcr_from_interactions(acme: Organization) -> None:
    moment = dt.datetime.combine(DAY, dt.time(10), tzinfo=dt.UTC)
    for seconds, resolved in [(30, True), (60, True), (90, False), (None, None)]:
        InteractionFactory(
            organization=acme,
            started_at=moment,
            wait_seconds=seconds,
            resolved_on_first_contact=resolved,
        )
    wait = measure.measure(
        organization=acme, metric=Metric.WAIT_TIME, scope=Scope(), start=DAY, end=DAY
    )
    fcr = measure.measure(organization=acme, metric=Metric.FCR, scope=Scope(), start=DAY, end=DAY)
    assert (wait.value, wait.n) == (pytest.approx(60.0), 3)
    assert fcr.value == pytest.approx(200 / 3)


def test_daily_series_is_one_grouped_query(acme: Organization, django_assert_num_queries) -> None:
    for offset in range(5):
        add_scores(acme, DAY + dt.timedelta(days=offset), exact_nps_scores(offset, 1, 1))
    with django_assert_num_queries(1):
        series = measure.daily_series(
            organization=acme,
            metric=Metric.NPS,
            scope=Scope(),
            start=DAY,
            end=DAY + dt.timedelta(days=10),
        )
    assert [day.day for day in series] == [DAY + dt.timedelta(days=i) for i in range(5)]
    assert series[0].estimate.value == pytest.approx(-50.0)
    assert series[4].estimate.value == pytest.approx(100 * 3 / 6)


def _case(organization: Organization, opened: dt.datetime, **times: Any) -> Case:
    customer = CustomerFactory(organization=organization)
    case = Case.objects.create(
        organization=organization, customer=customer, subject="Late", **times
    )
    Case.objects.filter(pk=case.pk).update(created_at=opened)  # auto_now_add on create
    return case


def test_first_response_time_and_sla_compliance_from_cases(acme: Organization) -> None:
    opened = dt.datetime.combine(DAY, dt.time(9), tzinfo=dt.UTC)
    hour = dt.timedelta(hours=1)
    team = TeamFactory(organization=acme)
    due = opened + 4 * hour
    # Answered after 1 h and 3 h (both in time), after 6 h (late); one unanswered and
    # overdue (a miss); one unanswered but not due yet (neither hit nor miss).
    _case(acme, opened, first_response_due_at=due, first_responded_at=opened + hour, team=team)
    _case(acme, opened, first_response_due_at=due, first_responded_at=opened + 3 * hour)
    _case(acme, opened, first_response_due_at=due, first_responded_at=opened + 6 * hour)
    _case(acme, opened, first_response_due_at=due)
    _case(acme, opened, first_response_due_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC))
    _case(
        Organization.objects.create(name="Other", slug="other"), opened, first_response_due_at=due
    )

    def figure(metric: str, scope: Scope = WHOLE) -> Any:
        return measure.measure(organization=acme, metric=metric, scope=scope, start=DAY, end=DAY)

    response_time = figure(Metric.FIRST_RESPONSE_TIME)
    assert (response_time.value, response_time.n) == (pytest.approx(10 / 3 * 3600), 3)
    compliance = figure(Metric.SLA_COMPLIANCE)
    assert (compliance.value, compliance.n) == (pytest.approx(50.0), 4)
    assert figure(Metric.SLA_COMPLIANCE, Scope(ScopeKind.TEAM, str(team.pk))).value == 100.0
    assert Metric.FIRST_RESPONSE_TIME in measure.LOWER_IS_BETTER
    series = measure.daily_series(
        organization=acme, metric=Metric.FIRST_RESPONSE_TIME, scope=WHOLE, start=DAY, end=DAY
    )
    assert series[0].estimate.value == pytest.approx(10 / 3 * 3600)
