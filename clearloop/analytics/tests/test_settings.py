"""Analytics settings: the minimum n and the CSI weights, edited on a page and through
the API by managers and up; bad input is a clear 400; the threshold decides what is
greyed out."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from clearloop.accounts.models import Organization
from clearloop.accounts.roles import Role
from clearloop.analytics import rollups, selectors, services
from clearloop.analytics.models import AnalyticsSettings
from clearloop.analytics.tests.data import World, build_world, populate
from clearloop.conftest import Persona, _persona
from clearloop.core.errors import ValidationFailed

URL = "/api/v1/analytics/settings/"


@pytest.fixture
def world(alice: Persona) -> World:
    built = build_world(alice.organization)
    populate(built)
    rollups.rollups_rebuild(organization=built.organization)
    return built


@pytest.fixture
def maria(acme: Organization) -> Persona:
    return _persona("maria@acme.test", "Maria Manager", acme, Role.MANAGER)


def _api(persona: Persona, role: str | None = None) -> Client:
    """A client with a token of `persona`'s organization (of `role`; tokens are made by
    an owner, as only admins and up make tokens)."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {persona.api_token(role)}")


def _patch(persona: Persona, body: Any, role: str | None = None) -> Any:
    return _api(persona, role).patch(URL, json.dumps(body), content_type="application/json")


# --- Service ---------------------------------------------------------------------------


def test_update_saves_minimum_and_weights(world: World) -> None:
    row = services.analytics_settings_update(
        organization=world.organization, minimum_n=50, csi_weights={"quality": 2, "price": 0}
    )
    assert (row.minimum_n, row.csi_weights) == (50, {"quality": 2.0, "price": 0.0})
    again = services.analytics_settings_update(organization=world.organization, csi_weights={})
    assert again.pk == row.pk and again.minimum_n == 50 and again.csi_weights == {}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"minimum_n": 0}, "from 1 to 10000"),
        ({"minimum_n": 10_001}, "from 1 to 10000"),
        ({"minimum_n": "30"}, "whole number"),
        ({"minimum_n": True}, "whole number"),
        ({"csi_weights": [1, 2]}, "must be an object"),
        ({"csi_weights": {"quality": -1}}, "0 or more"),
        ({"csi_weights": {"quality": "heavy"}}, "0 or more"),
        ({"csi_weights": {"quality": float("nan")}}, "0 or more"),
        ({"csi_weights": {"quality": 0, "price": 0}}, "At least one CSI weight"),
        ({"csi_weights": {"shoe_size": 1}}, "No attribute 'shoe_size'"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(
    world: World, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationFailed, match=message):
        services.analytics_settings_update(organization=world.organization, **changes)
    assert not AnalyticsSettings.objects.filter(organization=world.organization).exists()


# --- API -------------------------------------------------------------------------------


def test_api_reads_defaults_and_the_attributes(world: World, alice: Persona) -> None:
    body = _api(alice, Role.VIEWER).get(URL).json()
    assert body["minimum_n"] == 30 and body["csi_weights"] == {}
    assert body["csi_weights_source"] == "drivers"
    assert [item["key"] for item in body["attributes"]] == ["quality", "delivery", "price"]


def test_manager_patches_and_the_figures_follow(world: World, alice: Persona) -> None:
    response = _patch(
        alice,
        role=Role.MANAGER,
        body={"minimum_n": 5, "csi_weights": {"quality": 1, "delivery": 3}},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["minimum_n"] == 5 and body["csi_weights_source"] == "configured"
    assert body["csi_weights"] == {"quality": 1.0, "delivery": 3.0}
    assert selectors.analytics_settings(organization=world.organization).minimum_n == 5


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"minimum_n": 0}, "minimum_n must be"),
        ({"csi_weights": {"quality": -2}}, "0 or more"),
        ({"colour": "blue"}, "Unknown setting 'colour'"),
        ([1, 2], "JSON object"),
    ],
)
def test_api_bad_input_is_a_clear_400(
    world: World, alice: Persona, body: Any, message: str
) -> None:
    response = _patch(alice, body, Role.MANAGER)
    assert response.status_code == 400
    assert message in response.json()["detail"]


def test_roles_without_the_capability_get_403(world: World, alice: Persona) -> None:
    for role in (Role.VIEWER, Role.AGENT, Role.ANALYST):
        assert _patch(alice, {"minimum_n": 5}, role).status_code == 403
    assert selectors.analytics_settings(organization=world.organization).minimum_n == 30


def test_another_organization_changes_only_its_own_settings(world: World, charlie: Persona) -> None:
    assert _patch(charlie, {"minimum_n": 7}).status_code == 200
    assert selectors.analytics_settings(organization=world.organization).minimum_n == 30
    # Acme's attribute keys mean nothing in Globex.
    assert _patch(charlie, {"csi_weights": {"quality": 1}}).status_code == 400


# --- Page ------------------------------------------------------------------------------


def test_page_shows_and_saves_the_settings(world: World, maria: Persona) -> None:
    client = maria.client()
    page = client.get(reverse("web:analytics_settings"))
    assert page.status_code == 200
    assert 'name="weight_quality"' in page.content.decode()
    saved = client.post(
        reverse("web:analytics_settings"),
        {"minimum_n": "12", "weight_quality": "2", "weight_delivery": "", "weight_price": "1"},
    )
    assert saved.status_code == 302
    current = selectors.analytics_settings(organization=world.organization)
    assert (current.minimum_n, current.csi_weights) == (12, {"quality": 2.0, "price": 1.0})


def test_page_refuses_bad_input_with_400(world: World, maria: Persona) -> None:
    client = maria.client()
    too_big = client.post(reverse("web:analytics_settings"), {"minimum_n": "20000"})
    assert too_big.status_code == 400
    zeros = client.post(
        reverse("web:analytics_settings"),
        {"minimum_n": "30", "weight_quality": "0", "weight_price": "0"},
    )
    assert zeros.status_code == 400
    assert "At least one CSI weight" in zeros.content.decode()
    assert selectors.analytics_settings(organization=world.organization).csi_weights == {}


def test_agent_sees_the_settings_but_cannot_save(world: World, bob: Persona) -> None:
    client = bob.client()
    page = client.get(reverse("web:analytics_settings"))
    assert page.status_code == 200 and "Only managers and admins" in page.content.decode()
    assert client.post(reverse("web:analytics_settings"), {"minimum_n": "3"}).status_code == 403


def test_analytics_page_links_the_settings(world: World, alice: Persona) -> None:
    html = alice.client().get(reverse("web:analytics")).content.decode()
    assert reverse("web:analytics_settings") in html


def test_threshold_changes_what_is_greyed_out(world: World, alice: Persona) -> None:
    """The FCR tile counts 3 interactions: greyed out under the default 30, not under 3."""
    client = alice.client()
    params = {"date_from": "2025-01-01", "date_to": "2026-12-31"}

    def fcr_tile_classes() -> str:
        html = client.get(reverse("web:analytics"), params).content.decode()
        start = html.index('data-testid="tile-fcr"')
        return html[html.rindex("<section", 0, start) : start]

    assert "estimate-thin" in fcr_tile_classes()
    services.analytics_settings_update(organization=world.organization, minimum_n=3)
    assert "estimate-thin" not in fcr_tile_classes()
    fcr = _api(alice).get("/api/v1/analytics/fcr/").json()
    assert fcr["n"] == 3 and fcr["enough"] is True
