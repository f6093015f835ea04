"""Configurable dashboards: tiles over saved filters and a rolling window, figures against
hand-computed values, sharing (private, team, organization), editing rights, bad input,
and another organization's dashboards (404 everywhere)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from clearloop.accounts.models import Team
from clearloop.accounts.roles import Role
from clearloop.analytics import rollups
from clearloop.analytics.tests.data import World, build_world
from clearloop.boards import services
from clearloop.boards.models import Dashboard, DashboardTile, TileKind, Visibility
from clearloop.conftest import Persona, _persona

TODAY = dt.datetime(2026, 3, 31, 12, 0, tzinfo=dt.UTC)
IN_WINDOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def world(alice: Persona, frozen: None) -> World:
    """Five answers in the last 30 days (three promoters, one passive, one detractor:
    NPS 40), two of them by email, and one old detractor outside the window."""
    built = build_world(alice.organization)
    for score, channel in ((10, "email"), (10, "link"), (9, "link"), (7, "email"), (3, "link")):
        built.respond(nps=score, csat=5, completed_at=IN_WINDOW, channel=channel)
    built.respond(nps=0, csat=1, completed_at=dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC))
    rollups.rollups_rebuild(organization=built.organization)
    return built


def _nps_interval(promoters: int, passives: int, detractors: int) -> tuple[float, float, float]:
    n = promoters + passives + detractors
    plus, minus = promoters / n, detractors / n
    value = 100 * (plus - minus)
    error = 100 * math.sqrt((plus + minus - (plus - minus) ** 2) / n)
    # The interval is clipped to the scale, -100…100.
    return value, max(-100, value - 1.959964 * error), min(100, value + 1.959964 * error)


def _board(persona: Persona, **values: Any) -> Dashboard:
    values.setdefault("name", "Service")
    values.setdefault("window_days", 30)
    return services.dashboard_create(by=persona.membership, **values)


def _api(persona: Persona, role: str | None = None) -> Client:
    return Client(headers={"authorization": f"Bearer {persona.api_token(role)}"})


def test_new_dashboard_starts_with_figures_and_the_trend(world: World, alice: Persona) -> None:
    client = alice.client()
    response = client.post(
        reverse("web:analytics_dashboard_new"),
        {"name": "Weekly service review", "visibility": "private", "window_days": "30"},
    )
    assert response.status_code == 302
    dashboard = Dashboard.objects.get(name="Weekly service review")
    assert [tile.kind for tile in dashboard.tiles.all()] == ["metric"] * 3 + ["trend"]
    html = client.get(response["Location"]).content.decode()
    assert 'data-testid="tile-nps"' in html
    assert ">40</a>" in html and "n = 5" in html
    assert (
        'data-testid="trend-chart"' in html
        and f'id="tile-{dashboard.tiles.last().pk}-data"' in html
    )


def test_saved_filters_apply_to_every_tile(world: World, alice: Persona) -> None:
    dashboard = _board(alice, filters={"channel": "email"})
    body = _api(alice).get(f"/api/v1/dashboards/{dashboard.pk}/figures/").json()
    nps = next(panel for panel in body["panels"] if panel["metric"] == "nps")
    assert nps["figure"]["n"] == 2
    assert nps["figure"]["value"] == pytest.approx(50.0)  # one promoter, one passive
    assert body["date_from"] == "2026-03-02" and body["date_to"] == "2026-03-31"
    page = alice.client().get(reverse("web:analytics_dashboard", args=[dashboard.pk]))
    assert 'data-testid="dashboard-filters"' in page.content.decode()


def test_api_figures_match_the_hand_computed_nps_and_interval(world: World, alice: Persona) -> None:
    dashboard = _board(alice, starter_tiles=False)
    services.tile_add(dashboard=dashboard, by=alice.membership, kind=TileKind.METRIC, metric="nps")
    services.tile_add(
        dashboard=dashboard,
        by=alice.membership,
        kind=TileKind.BREAKDOWN,
        metric="nps",
        dimension="channel",
    )
    body = _api(alice).get(f"/api/v1/dashboards/{dashboard.pk}/figures/").json()
    figure = body["panels"][0]["figure"]
    value, low, high = _nps_interval(3, 1, 1)
    assert figure["value"] == pytest.approx(value)
    assert figure["low"] == pytest.approx(low, abs=0.01)
    assert figure["high"] == pytest.approx(high, abs=0.01)
    assert figure["n"] == 5 and figure["enough"] is False  # fewer than 30 answers
    rows = {row["label"]: row["n"] for row in body["panels"][1]["rows"]}
    assert rows == {"Email": 2, "Link": 3} or sorted(rows.values()) == [2, 3]


def test_private_dashboard_is_hidden_from_colleagues(
    world: World, alice: Persona, bob: Persona
) -> None:
    dashboard = _board(alice)
    assert (
        bob.client().get(reverse("web:analytics_dashboard", args=[dashboard.pk])).status_code == 404
    )
    # An API token acts as the person who made it: another admin's token does not see it.
    dana = _persona("dana@acme.test", "Dana Diaz", alice.organization, Role.ADMIN)
    assert _api(dana).get(f"/api/v1/dashboards/{dashboard.pk}/").status_code == 404
    assert dashboard.pk not in [row["id"] for row in _api(dana).get("/api/v1/dashboards/").json()]
    assert _api(alice).get(f"/api/v1/dashboards/{dashboard.pk}/").status_code == 200


def test_shared_dashboard_is_read_by_all_and_changed_only_by_its_maker(
    world: World, alice: Persona, bob: Persona
) -> None:
    dashboard = _board(alice, visibility=Visibility.ORGANIZATION)
    client = bob.client()
    page = client.get(reverse("web:analytics_dashboard", args=[dashboard.pk]))
    assert page.status_code == 200 and 'data-testid="tile-form"' not in page.content.decode()
    assert (
        client.get(reverse("web:analytics_dashboard_edit", args=[dashboard.pk])).status_code == 403
    )
    added = client.post(
        reverse("web:analytics_dashboard_tile_add", args=[dashboard.pk]), {"kind": "comments"}
    )
    assert added.status_code == 403
    assert (
        client.post(reverse("web:analytics_dashboard_delete", args=[dashboard.pk])).status_code
        == 403
    )
    dana = _persona("dana@acme.test", "Dana Diaz", alice.organization, Role.ADMIN)
    assert _api(dana, Role.MANAGER).delete(f"/api/v1/dashboards/{dashboard.pk}/").status_code == 403
    assert dashboard.tiles.count() == 4 and Dashboard.objects.filter(pk=dashboard.pk).exists()
    # A copy is bob's own, private and editable.
    copied = client.post(reverse("web:analytics_dashboard_copy", args=[dashboard.pk]))
    copy = Dashboard.objects.exclude(pk=dashboard.pk).get()
    assert copied.status_code == 302 and copy.created_by == bob.user
    assert copy.visibility == Visibility.PRIVATE and copy.tiles.count() == 4
    assert client.get(reverse("web:analytics_dashboard_edit", args=[copy.pk])).status_code == 200


def test_team_dashboard_reaches_team_members_only(
    world: World, alice: Persona, bob: Persona
) -> None:
    team = Team.objects.create(organization=alice.organization, name="Escalations")
    dashboard = _board(alice, visibility=Visibility.TEAM, team=team)
    url = reverse("web:analytics_dashboard", args=[dashboard.pk])
    assert bob.client().get(url).status_code == 404
    team.members.add(bob.user)
    assert bob.client().get(url).status_code == 200


def test_another_organizations_dashboard_is_404_everywhere(
    world: World, alice: Persona, charlie: Persona
) -> None:
    dashboard = _board(alice, visibility=Visibility.ORGANIZATION)
    tile = dashboard.tiles.first()
    assert tile is not None
    client = charlie.client()
    for name in ("web:analytics_dashboard", "web:analytics_dashboard_edit"):
        assert client.get(reverse(name, args=[dashboard.pk])).status_code == 404
    for name in (
        "web:analytics_dashboard_delete",
        "web:analytics_dashboard_copy",
        "web:analytics_dashboard_tile_add",
    ):
        assert (
            client.post(reverse(name, args=[dashboard.pk]), {"kind": "comments"}).status_code == 404
        )
    assert (
        client.post(
            reverse("web:analytics_dashboard_tile", args=[tile.pk]), {"action": "remove"}
        ).status_code
        == 404
    )
    api = _api(charlie)
    for path in ("", "figures/"):
        assert api.get(f"/api/v1/dashboards/{dashboard.pk}/{path}").status_code == 404
    assert api.delete(f"/api/v1/dashboards/{dashboard.pk}/tiles/{tile.pk}/").status_code == 404
    assert (
        api.patch(
            f"/api/v1/dashboards/{dashboard.pk}/", {"name": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert DashboardTile.objects.filter(pk=tile.pk).exists()


def test_foreign_survey_or_team_in_a_dashboard_is_refused(
    world: World, alice: Persona, charlie: Persona
) -> None:
    other = build_world(charlie.organization)
    foreign_team = Team.objects.create(organization=charlie.organization, name="Theirs")
    api = _api(alice)
    body = {"name": "Peek", "filters": {"survey": str(other.survey.pk)}}
    assert api.post("/api/v1/dashboards/", body, content_type="application/json").status_code == 404
    body = {"name": "Peek", "visibility": "team", "team": foreign_team.pk}
    assert api.post("/api/v1/dashboards/", body, content_type="application/json").status_code == 404
    assert not Dashboard.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "A", "window_days": 12}, "window_days"),
        ({"name": "A", "filters": {"password": "x"}}, "filters"),
        ({"name": "A", "filters": {"date_from": "2026-01-01"}}, "filters"),
        ({"name": "A", "visibility": "team"}, "team"),
        ({"name": "A", "tiles": [{"kind": "pie"}]}, "tiles"),
        ({"name": "A", "tiles": [{"kind": "trend", "period": "fortnight"}]}, "period"),
        ({"name": "A", "tiles": [{"kind": "breakdown", "dimension": "mood"}]}, "dimension"),
        ({"name": "A", "tiles": [{"kind": "metric", "metric": "happiness"}]}, "metric"),
    ],
)
def test_bad_dashboards_are_refused_with_400_and_nothing_stored(
    world: World, alice: Persona, body: dict[str, Any], field: str
) -> None:
    response = _api(alice).post("/api/v1/dashboards/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.content.decode()
    assert not Dashboard.objects.exists() and not DashboardTile.objects.exists()


def test_bad_form_input_is_a_400_page_with_the_reason(world: World, alice: Persona) -> None:
    response = alice.client().post(
        reverse("web:analytics_dashboard_new"),
        {"name": "Team board", "visibility": "team", "window_days": "30"},
    )
    assert response.status_code == 400
    assert "Choose the team" in response.content.decode()
    assert not Dashboard.objects.exists()


def test_tiles_move_and_are_removed(world: World, alice: Persona) -> None:
    dashboard = _board(alice)
    client = alice.client()
    first, second = list(dashboard.tiles.all())[:2]
    client.post(reverse("web:analytics_dashboard_tile", args=[second.pk]), {"action": "up"})
    assert list(dashboard.tiles.values_list("pk", flat=True))[:2] == [second.pk, first.pk]
    client.post(reverse("web:analytics_dashboard_tile", args=[first.pk]), {"action": "remove"})
    assert not dashboard.tiles.filter(pk=first.pk).exists()
    added = client.post(
        reverse("web:analytics_dashboard_tile_add", args=[dashboard.pk]),
        {"kind": "breakdown", "metric": "csat", "dimension": "channel", "title": "CSAT by channel"},
    )
    assert added.status_code == 302
    html = client.get(added["Location"]).content.decode()
    assert "CSAT by channel" in html and 'data-testid="breakdown-chart"' in html


def test_a_tile_that_cannot_be_computed_says_why(world: World, alice: Persona) -> None:
    dashboard = _board(alice, starter_tiles=False)
    services.tile_add(dashboard=dashboard, by=alice.membership, kind=TileKind.METRIC, metric="mean")
    services.tile_add(dashboard=dashboard, by=alice.membership, kind=TileKind.COMMENTS)
    page = alice.client().get(reverse("web:analytics_dashboard", args=[dashboard.pk]))
    assert page.status_code == 200
    assert 'class="message message-error"' in page.content.decode()
    body = _api(alice).get(f"/api/v1/dashboards/{dashboard.pk}/figures/").json()
    assert body["panels"][0]["error"]
    assert "items" in body["panels"][1]


def test_viewer_may_build_a_dashboard_of_their_own(world: World, alice: Persona) -> None:
    response = _api(alice, Role.VIEWER).post(
        "/api/v1/dashboards/",
        {"name": "Mine", "tiles": [{"kind": "trend", "metric": "csat", "period": "day"}]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert [tile["kind"] for tile in response.json()["tiles"]] == ["trend"]


def test_a_deleted_team_leaves_its_dashboard_to_the_maker(
    world: World, alice: Persona, bob: Persona
) -> None:
    team = Team.objects.create(organization=alice.organization, name="Night shift")
    team.members.add(bob.user)
    dashboard = _board(alice, visibility=Visibility.TEAM, team=team)
    team.delete()
    url = reverse("web:analytics_dashboard", args=[dashboard.pk])
    assert bob.client().get(url).status_code == 404
    assert alice.client().get(url).status_code == 200


def test_the_list_costs_the_same_queries_for_more_dashboards(
    world: World, alice: Persona, django_assert_max_num_queries: Any
) -> None:
    client = alice.client()
    _board(alice)
    client.get(reverse("web:analytics_dashboards"))  # warm the session
    for index in range(5):
        _board(alice, name=f"Board {index}", visibility=Visibility.ORGANIZATION)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("web:analytics_dashboards"))
    assert response.status_code == 200 and response.content.decode().count("Board ") == 5
