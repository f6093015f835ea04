"""The analytics API: figures with n and intervals, tenancy (404), bad input (400), and a
query-count baseline."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from clearloop.analytics import rollups
from clearloop.analytics.tests.data import World, build_world, populate
from clearloop.conftest import Persona

BASE = "/api/v1/analytics"


@pytest.fixture
def world(alice: Persona) -> World:
    built = build_world(alice.organization)
    populate(built)
    rollups.rollups_rebuild(organization=built.organization)
    return built


def _get(persona: Persona, path: str, **params: Any) -> Any:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {persona.api_token()}")
    return client.get(f"{BASE}/{path}", params)


def test_metric_has_value_n_interval_and_change(world: World, alice: Persona) -> None:
    response = _get(alice, "metrics/nps/", date_from="2026-03-09", date_to="2026-03-22")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["metric"]["key"] == "nps" and body["counted_from"] == "rollups"
    estimate = body["estimate"]
    assert estimate["n"] > 0 and estimate["low"] <= estimate["value"] <= estimate["high"]
    assert body["previous"]["n"] > 0
    assert body["change"]["test"]["test"] == "multinomial bootstrap"


def test_trend_breakdown_funnel_fcr_and_drivers(world: World, alice: Persona) -> None:
    trend = _get(alice, "metrics/csat/trend/", period="week").json()
    assert sum(point["estimate"]["n"] for point in trend["points"]) == 42
    breakdown = _get(alice, "metrics/csat/breakdown/", by="channel", language="en").json()
    assert breakdown["correction"] == "Holm"
    assert {row["value"] for row in breakdown["rows"]} <= {"link", "email", "widget"}
    assert _get(alice, "funnel/").json()["sent"] == 0
    assert _get(alice, "fcr/").json()["n"] == 3
    drivers = _get(alice, "drivers/").json()
    assert drivers["n"] == 42 and len(drivers["drivers"]) == 3
    assert drivers["drivers"][0]["name"]
    raw = _get(alice, "metrics/nps/", hidden_key="order", hidden_value="SO-1").json()
    assert raw["counted_from"] == "raw"


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        ("metrics/loyalty/", {}, "Unknown metric"),
        ("metrics/nps/", {"date_from": "soon"}, "date like"),
        ("metrics/nps/trend/", {"period": "decade"}, "Unknown period"),
        ("metrics/nps/breakdown/", {"by": "shoe_size"}, "Unknown dimension"),
        ("metrics/mean/", {}, "needs a question"),
        ("metrics/nps/", {"agent": "ada"}, "takes an id"),
    ],
)
def test_bad_input_is_a_clear_400(
    world: World, alice: Persona, path: str, params: dict[str, str], message: str
) -> None:
    response = _get(alice, path, **params)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_another_organizations_survey_or_segment_is_404(
    world: World, charlie: Persona, alice: Persona
) -> None:
    for path in ("metrics/nps/", "metrics/nps/trend/", "funnel/", "fcr/", "drivers/"):
        assert _get(charlie, path, survey=world.survey.pk).status_code == 404
    from clearloop.customers.models import Segment

    segment = Segment.objects.create(organization=world.organization, name="All", rules={})
    assert _get(charlie, "metrics/nps/", saved_segment=segment.pk).status_code == 404
    # charlie's own figures stay empty: nothing of Acme's leaks through the rollups
    assert _get(charlie, "metrics/nps/").json()["estimate"]["n"] == 0
    assert _get(alice, "metrics/nps/", survey=world.survey.pk).status_code == 200


def test_without_a_token_it_is_401(world: World) -> None:
    assert Client().get(f"{BASE}/metrics/nps/").status_code == 401


def test_query_count_baseline(
    world: World, alice: Persona, django_assert_max_num_queries: Any
) -> None:
    token = alice.api_token()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    with django_assert_max_num_queries(6):
        assert (
            client.get(
                f"{BASE}/metrics/nps/", {"date_from": "2026-03-09", "date_to": "2026-03-15"}
            ).status_code
            == 200
        )
    with django_assert_max_num_queries(6):
        assert client.get(f"{BASE}/metrics/nps/breakdown/", {"by": "team"}).status_code == 200


def test_schema_documents_the_analytics_endpoints(client: Client, db: None) -> None:
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/analytics/metrics/{metric}/breakdown/" in schema
