"""Saved inbox views in the API: list (shared and the token owner's own), save, delete;
sharing needs a curating role; another member's personal view and another
organization's views are 404."""

from __future__ import annotations

import pytest

from clearloop.accounts.roles import Role
from clearloop.accounts.tests.test_api import api, assert_problem
from clearloop.conftest import Persona
from clearloop.feedback.models import SavedView

pytestmark = pytest.mark.django_db

VIEWS = "/api/v1/feedback/views/"


def test_save_list_and_delete_views(alice: Persona, bob: Persona) -> None:
    client = api(alice.api_token())
    shared = client.post(
        VIEWS,
        {"name": "Chinese reviews", "query": "language=zh-hans&q=物流", "shared": True},
        content_type="application/json",
    )
    assert shared.status_code == 201, shared.content
    mine = client.post(VIEWS, {"name": "Mine"}, content_type="application/json").json()
    assert mine["shared"] is False and mine["query"] == ""
    SavedView.objects.create(organization=alice.organization, name="Bob's", owner=bob.membership)
    # A token reaches the shared views and its creator's own, not another member's.
    assert [v["name"] for v in client.get(VIEWS).json()] == ["Chinese reviews", "Mine"]
    assert client.delete(f"{VIEWS}{mine['id']}/").status_code == 204
    assert not SavedView.objects.filter(pk=mine["id"]).exists()


def test_a_viewer_token_saves_personal_views_but_cannot_share_or_delete_shared_ones(
    alice: Persona,
) -> None:
    client = api(alice.api_token(Role.VIEWER))  # acts with the token's role, not alice's
    assert_problem(
        client.post(VIEWS, {"name": "All", "shared": True}, content_type="application/json"), 403
    )
    own = client.post(VIEWS, {"name": "Own"}, content_type="application/json")
    assert own.status_code == 201
    shared = SavedView.objects.create(organization=alice.organization, name="Team")
    assert_problem(client.delete(f"{VIEWS}{shared.pk}/"), 403)
    assert client.delete(f"{VIEWS}{own.json()['id']}/").status_code == 204


def test_another_members_personal_view_is_404(alice: Persona, bob: Persona) -> None:
    private = SavedView.objects.create(
        organization=alice.organization, name="Bob's", owner=bob.membership
    )
    assert_problem(api(alice.api_token()).delete(f"{VIEWS}{private.pk}/"), 404)
    assert SavedView.objects.filter(pk=private.pk).exists()


def test_charlie_gets_404_on_acme_views_and_never_lists_them(
    alice: Persona, charlie: Persona
) -> None:
    shared = SavedView.objects.create(organization=alice.organization, name="Acme team")
    client = api(charlie.api_token())
    assert client.get(VIEWS).json() == []
    assert_problem(client.delete(f"{VIEWS}{shared.pk}/"), 404)
    assert SavedView.objects.filter(pk=shared.pk).exists()


def test_bad_input_is_a_400_with_the_field(alice: Persona) -> None:
    client = api(alice.api_token())
    body = assert_problem(client.post(VIEWS, {"name": ""}, content_type="application/json"), 400)
    assert "name" in body["errors"]
    assert_problem(client.post(VIEWS, "[", content_type="application/json"), 400)
    assert_problem(client.get(VIEWS, HTTP_AUTHORIZATION=""), 401)
