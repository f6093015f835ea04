"""SLA compliance (DESIGN.md): % of cases whose first response (and resolution) met the
policy's target, business hours honoured. Reference values worked out by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from clearloop.accounts.models import Organization, Team
from clearloop.analytics import metrics, selectors
from clearloop.analytics.selectors import MetricFilters
from clearloop.cases import sla
from clearloop.cases.models import Case, CasePriority, CaseStatus
from clearloop.conftest import Persona

UTC = dt.UTC
SATURDAY_NOON = dt.datetime(2026, 3, 7, 12, 0, tzinfo=UTC)  # 2026-03-02 is a Monday
OFFICE = sla.BusinessCalendar(
    "UTC", sla.parse_week({str(d): [["09:00", "17:00"]] for d in range(5)})
)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def make_case(organization: Organization, *, opened: dt.datetime, **fields: Any) -> Case:
    case = Case.objects.create(organization=organization, subject="Late parcel", **fields)
    Case.objects.filter(pk=case.pk).update(created_at=opened)  # auto_now_add ignores a value
    return case


@pytest.fixture
def support(acme: Organization) -> Team:
    return Team.objects.create(organization=acme, name="Support")


@pytest.fixture
def week_of_cases(acme: Organization, support: Team) -> list[Case]:
    """Seen on Saturday noon:
    1 responded and resolved in time                    first met,    resolution met
    2 responded late, open past its resolution target   first missed, resolution missed
    3 due Monday 10:00, nothing done yet                not counted,  not counted
    4 paused (waiting on the customer: no due times)    not counted,  not counted
    5 never answered, closed unresolved before its due  first missed, resolution met
    First response 1/3, resolution 2/3."""
    return [
        make_case(
            acme,
            opened=at(2, 9),
            team=support,
            priority=CasePriority.HIGH,
            first_response_due_at=at(2, 13),
            first_responded_at=at(2, 12),
            resolution_due_at=at(3, 17),
            resolved_at=at(3, 10),
            status=CaseStatus.RESOLVED,
        ),
        make_case(
            acme,
            opened=at(2, 9),
            team=support,
            first_response_due_at=at(2, 13),
            first_responded_at=at(2, 14),
            resolution_due_at=at(4, 9),
            status=CaseStatus.OPEN,
        ),
        make_case(
            acme,
            opened=at(6, 16),
            first_response_due_at=at(9, 10),
            resolution_due_at=at(10, 17),
        ),
        make_case(
            acme, opened=at(4, 9), status=CaseStatus.WAITING_ON_CUSTOMER, paused_at=at(4, 10)
        ),
        make_case(
            acme,
            opened=at(4, 9),
            first_response_due_at=at(5, 10),
            resolution_due_at=at(6, 17),
            closed_at=at(5, 9),
            status=CaseStatus.CLOSED,
        ),
    ]


# --- Pure arithmetic -----------------------------------------------------------------


def test_compliance_of_one_met_out_of_three_has_a_wilson_interval() -> None:
    """p = 1/3, n = 3, z² = 3.8415: centre (1/3 + 0.6402)/2.2805 = 0.4269, half width
    1.96·sqrt(0.0741 + 0.1067)/2.2805 = 0.3654 → 6.15% to 79.23%."""
    estimate = metrics.sla_compliance(1, 3, minimum_n=3)
    assert estimate.value == pytest.approx(100 / 3)
    assert estimate.low == pytest.approx(6.149, abs=1e-3)
    assert estimate.high == pytest.approx(79.234, abs=1e-3)
    assert estimate.enough


def test_compliance_with_no_case_due_is_empty_and_all_met_is_100() -> None:
    empty = metrics.sla_compliance(0, 0)
    assert (empty.value, empty.n, empty.low, empty.enough) == (None, 0, None, False)
    full = metrics.sla_compliance(3, 3)
    assert full.value == 100.0 and full.high == 100.0
    assert full.low == pytest.approx(43.850, abs=1e-3)


def test_more_met_than_due_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot meet"):
        metrics.sla_compliance(4, 3)


# --- Counted in the database ---------------------------------------------------------


def test_compliance_counts_settled_cases_only(
    acme: Organization, week_of_cases: list[Case]
) -> None:
    figure = selectors.sla_compliance(
        organization=acme, filters=MetricFilters(), now=SATURDAY_NOON, minimum_n=3
    )
    assert (figure.first_response.n, figure.first_response.value) == (3, pytest.approx(100 / 3))
    assert figure.first_response.low == pytest.approx(6.149, abs=1e-3)
    assert (figure.resolution.n, figure.resolution.value) == (3, pytest.approx(200 / 3))
    assert figure.resolution.low == pytest.approx(20.766, abs=1e-3)
    assert figure.ignored == ()


def test_no_cases_give_n_zero_without_a_value(acme: Organization) -> None:
    figure = selectors.sla_compliance(organization=acme, filters=MetricFilters())
    assert figure.first_response.n == 0 and figure.first_response.value is None
    assert figure.resolution.n == 0 and not figure.resolution.enough


def test_case_due_monday_after_a_weekend_is_not_missed_on_saturday(acme: Organization) -> None:
    """Opened Friday 16:00 with a 2-hour target on 09:00-17:00 weekdays: one hour on
    Friday, one on Monday → due Monday 10:00. Not counted on Saturday; missed at 10:30."""
    opened = at(6, 16)
    due = sla.add_business_seconds(opened, 2 * 3600, OFFICE)
    assert due == at(9, 10)
    make_case(acme, opened=opened, first_response_due_at=due, resolution_due_at=at(10, 17))
    filters = MetricFilters()
    saturday = selectors.sla_compliance(organization=acme, filters=filters, now=SATURDAY_NOON)
    assert saturday.first_response.n == 0
    monday = selectors.sla_compliance(organization=acme, filters=filters, now=at(9, 10, 30))
    assert (monday.first_response.n, monday.first_response.value) == (1, 0.0)


def test_filters_narrow_to_dates_team_and_priority(
    acme: Organization, support: Team, week_of_cases: list[Case]
) -> None:
    def first(filters: MetricFilters, priority: str = "") -> tuple[int, float | None]:
        estimate = selectors.sla_compliance(
            organization=acme, filters=filters, priority=priority, now=SATURDAY_NOON
        ).first_response
        return estimate.n, estimate.value

    monday = dt.date(2026, 3, 2)
    assert first(MetricFilters(date_from=monday, date_to=monday)) == (2, 50.0)
    assert first(MetricFilters(date_from=dt.date(2026, 3, 3))) == (1, 0.0)
    assert first(MetricFilters().with_dimension("team", str(support.pk))) == (2, 50.0)
    assert first(MetricFilters().with_dimension("team", "none")) == (1, 0.0)
    assert first(MetricFilters(), priority="high") == (1, 100.0)


def test_channel_is_the_interaction_or_response_channel(acme: Organization) -> None:
    from clearloop.customers.tests.factories import CustomerFactory, InteractionFactory

    customer = CustomerFactory(organization=acme)
    chat = InteractionFactory(organization=acme, customer=customer, channel="chat")
    make_case(
        acme,
        opened=at(2, 9),
        interaction=chat,
        first_response_due_at=at(2, 10),
        first_responded_at=at(2, 9, 30),
    )
    make_case(acme, opened=at(2, 9), first_response_due_at=at(2, 10))
    chat_only = MetricFilters().with_dimension("channel", "chat")
    figure = selectors.sla_compliance(organization=acme, filters=chat_only, now=SATURDAY_NOON)
    assert (figure.first_response.n, figure.first_response.value) == (1, 100.0)
    by_hand = MetricFilters().with_dimension("channel", "none")
    figure = selectors.sla_compliance(organization=acme, filters=by_hand, now=SATURDAY_NOON)
    assert (figure.first_response.n, figure.first_response.value) == (1, 0.0)


def test_filters_that_do_not_describe_cases_are_named(acme: Organization) -> None:
    filters = MetricFilters(product="Kettle").with_dimension("region", "EU")
    figure = selectors.sla_compliance(organization=acme, filters=filters)
    assert figure.ignored == ("product", "region")


def test_breakdown_by_team_and_by_priority(
    acme: Organization, support: Team, week_of_cases: list[Case]
) -> None:
    teams = selectors.sla_compliance_breakdown(
        organization=acme, filters=MetricFilters(), by="team", now=SATURDAY_NOON
    )
    assert [(row.value, row.label) for row in teams] == [
        (str(support.pk), "Support"),
        ("none", "None"),
    ]
    assert teams[0].compliance.first_response.value == 50.0
    assert teams[0].compliance.resolution.value == 50.0
    assert (teams[1].compliance.first_response.n, teams[1].compliance.resolution.value) == (
        1,
        100.0,
    )
    priorities = selectors.sla_compliance_breakdown(
        organization=acme, filters=MetricFilters(), by="priority", now=SATURDAY_NOON
    )
    assert [row.value for row in priorities] == ["high", "normal"]
    assert priorities[0].compliance.first_response.value == 100.0
    assert priorities[1].compliance.first_response.n == 2


def test_bad_priority_or_breakdown_is_a_validation_error(acme: Organization) -> None:
    from clearloop.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="Unknown priority"):
        selectors.sla_compliance(organization=acme, filters=MetricFilters(), priority="asap")
    with pytest.raises(ValidationFailed, match="breaks down by"):
        selectors.sla_compliance_breakdown(organization=acme, filters=MetricFilters(), by="agent")


def test_one_query_per_figure(
    acme: Organization, week_of_cases: list[Case], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        selectors.sla_compliance(organization=acme, filters=MetricFilters(), minimum_n=30)


# --- API and page ----------------------------------------------------------------------


def _api(persona: Persona, **params: Any) -> Any:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {persona.api_token()}")
    return client.get("/api/v1/analytics/sla-compliance/", params)


def test_api_gives_compliance_with_n_interval_and_breakdowns(
    alice: Persona, week_of_cases: list[Case], time_machine: Any
) -> None:
    time_machine.move_to(SATURDAY_NOON, tick=False)
    response = _api(alice)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["first_response"]["n"] == 3
    assert body["first_response"]["value"] == pytest.approx(100 / 3)
    assert body["first_response"]["low"] == pytest.approx(6.149, abs=1e-3)
    assert body["resolution"]["value"] == pytest.approx(200 / 3)
    assert body["first_response"]["enough"] is False  # 3 cases < the default 30
    assert [row["name"] for row in body["by_team"]] == ["Support", "None"]
    assert [row["value"] for row in body["by_priority"]] == ["high", "normal"]
    assert body["ignored_filters"] == []
    high = _api(alice, priority="high").json()
    assert high["first_response"]["n"] == 1 and high["first_response"]["value"] == 100.0


def test_api_bad_priority_or_date_is_a_clear_400(alice: Persona) -> None:
    response = _api(alice, priority="asap")
    assert response.status_code == 400
    assert "Unknown priority" in response.json()["detail"]
    assert _api(alice, date_from="tomorrow").status_code == 400


def test_api_another_organization_sees_only_its_own_cases(
    charlie: Persona, week_of_cases: list[Case], support: Team
) -> None:
    body = _api(charlie, team=str(support.pk)).json()
    assert body["first_response"]["n"] == 0 and body["by_team"] == []
    assert _api(charlie).json()["resolution"]["n"] == 0


def test_analytics_page_shows_the_sla_tiles(
    alice: Persona, week_of_cases: list[Case], time_machine: Any
) -> None:
    time_machine.move_to(SATURDAY_NOON, tick=False)
    response = alice.client().get(
        "/analytics/", {"date_from": "2026-03-01", "date_to": "2026-03-07", "product": "Kettle"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="tile-sla_first_response"' in html
    assert 'data-testid="tile-sla_resolution"' in html
    assert "33%" in html and "67%" in html
    assert "Not narrowed by product" in html
    assert 'data-testid="sla-by-team"' in html and "Support" in html
