"""The Analytics page, the home dashboard and the drill-down list: what they show, bad
filters (400), another organization's ids (404), and query-count baselines."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from clearloop.analytics import rollups
from clearloop.analytics.tests.data import World, build_world, populate
from clearloop.conftest import Persona

ALL_TIME = {"date_from": "2026-01-01", "date_to": "2026-12-31"}


@pytest.fixture
def world(alice: Persona) -> World:
    built = build_world(alice.organization)
    populate(built)
    rollups.rollups_rebuild(organization=built.organization)
    return built


def test_analytics_page_shows_figures_charts_and_drilldown_links(
    world: World, alice: Persona
) -> None:
    response = alice.client().get(reverse("web:analytics"), {**ALL_TIME, "by": "agent"})
    assert response.status_code == 200
    html = response.content.decode()
    for test_id in (
        "tile-nps",
        "trend-chart",
        "histogram-chart",
        "breakdown",
        "funnel",
        "drivers-chart",
    ):
        assert f'data-testid="{test_id}"' in html
    assert "Ada Agent" in html and "Ben Agent" in html
    assert reverse("web:analytics_responses") in html
    assert 'id="trend-data" type="application/json"' in html
    assert response.context["counted_from"] == "rollups"
    assert "<script>" not in html  # data travels in json_script, no inline code (CSP)


def test_every_filter_narrows_the_figures(world: World, alice: Persona) -> None:
    client = alice.client()
    base = client.get(reverse("web:analytics"), ALL_TIME).context["tiles"][0].n
    narrowed = {
        "channel": "email",
        "language": "ja",
        "region": "North",
        "segment": "Business",
        "agent": str(world.agents[0].pk),
        "team": str(world.teams[1].pk),
        "product": "Sofa",
        "survey": str(world.survey.pk),
    }
    for name, value in narrowed.items():
        tile = client.get(reverse("web:analytics"), {**ALL_TIME, name: value}).context["tiles"][0]
        assert tile.n < base or name == "survey", name


def test_bad_filters_are_a_400_with_the_reason(world: World, alice: Persona) -> None:
    client = alice.client()
    for params in (
        {"date_from": "tomorrow"},
        {"metric": "karma"},
        {"by": "zodiac"},
        {"period": "era"},
    ):
        response = client.get(reverse("web:analytics"), params)
        assert response.status_code == 400
        assert "cannot be used" in response.content.decode()
    assert client.get(reverse("web:analytics_responses"), {"score": "x"}).status_code == 400


def test_another_organizations_survey_is_404(world: World, charlie: Persona) -> None:
    client = charlie.client()
    assert client.get(reverse("web:analytics"), {"survey": world.survey.pk}).status_code == 404
    responses = client.get(reverse("web:analytics_responses"), {"survey": world.survey.pk})
    assert responses.status_code == 404
    # charlie's own drill-down never lists Acme's responses
    mine = client.get(reverse("web:analytics_responses"), ALL_TIME)
    assert mine.context["page"].paginator.count == 0


def test_drilldown_lists_the_responses_behind_a_bar(world: World, alice: Persona) -> None:
    params = {**ALL_TIME, "metric": "nps", "channel": "email", "score": "7"}
    response = alice.client().get(reverse("web:analytics_responses"), params)
    assert response.status_code == 200
    listed = list(response.context["page"])
    expected = [r for i, r in enumerate(world.responses) if i % 3 == 1 and (i * 7) % 11 == 7]
    assert {r.pk for r in listed} == {r.pk for r in expected}
    assert all(r.score == 7 for r in listed)
    html = response.content.decode()
    assert reverse("web:survey_response", args=[world.survey.pk, listed[0].pk]) in html


def test_drilldown_to_a_survey_reuses_its_response_list(world: World) -> None:
    from clearloop.analytics.dashboards import drill_url
    from clearloop.analytics.selectors import MetricFilters

    url = drill_url(
        MetricFilters(survey_id=world.survey.pk, dimensions=(("channel", "email"),)), "nps"
    )
    assert url.startswith(reverse("web:survey_responses", args=[world.survey.pk]))
    assert "channel=email" in url
    other = drill_url(MetricFilters(survey_id=world.survey.pk, dimensions=(("agent", "3"),)), "nps")
    assert other.startswith(reverse("web:analytics_responses"))


def test_home_dashboard_shows_headline_figures(world: World, alice: Persona) -> None:
    response = alice.client().get(reverse("web:home"))
    assert response.status_code == 200
    assert [tile.key for tile in response.context["tiles"]] == ["nps", "csat", "ces"]
    assert 'data-testid="home-trend-chart"' in response.content.decode()


def test_query_count_baselines(
    world: World, alice: Persona, django_assert_max_num_queries: Any
) -> None:
    client = alice.client()
    client.get(reverse("web:home"))
    with django_assert_max_num_queries(17):
        assert client.get(reverse("web:home")).status_code == 200
    # 29 for the survey figures, + 4 for SLA compliance (overall, by priority, by team, names)
    # + 1 for the CSI (its rows in one GROUP BY; settings and questions shared with the page).
    with django_assert_max_num_queries(34):
        assert client.get(reverse("web:analytics"), {**ALL_TIME, "by": "team"}).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("web:analytics_responses"), ALL_TIME).status_code == 200


def test_agents_without_dashboards_capability_are_refused(world: World, bob: Persona) -> None:
    from clearloop.accounts.roles import Capability, role_allows

    status = bob.client().get(reverse("web:analytics")).status_code
    assert status == (200 if role_allows(bob.membership.role, Capability.VIEW_DASHBOARDS) else 403)
