import pytest
from django.core.management import call_command
from django.test import Client
from drf_spectacular.validation import validate_schema

from clearloop.accounts.models import ApiToken, Team
from clearloop.accounts.roles import Role

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "status", "detail", "code"}


def api(secret: str | None = None) -> Client:
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return Client(headers=headers)


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body.keys() >= PROBLEM_KEYS
    assert body["status"] == status
    return body


def test_schema_is_a_valid_openapi_3_document():
    response = Client().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    assert "/api/v1/teams/" in schema["paths"]


def test_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn turns any drf-spectacular warning (untyped field, unknown auth) into an error
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    assert "bearerToken" in (tmp_path / "s.yml").read_text()


def test_docs_page_is_served_without_any_cdn():
    html = Client().get("/api/v1/docs/").content.decode()
    assert "swagger" in html.lower()
    assert "cdn" not in html and "//unpkg" not in html and "jsdelivr" not in html


def test_request_without_token_gets_401_problem():
    response = api().get("/api/v1/me/")
    body = assert_problem(response, 401)
    assert "Bearer" in body["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_bad_token_gets_401_problem():
    response = api("cl_not-a-real-token").get("/api/v1/me/")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_token_identifies_its_organization(alice):
    body = api(alice.api_token()).get("/api/v1/me/").json()
    assert body["organization"]["slug"] == "acme"
    assert body["token"]["role"] == Role.OWNER


def test_token_is_stored_only_as_a_hash(alice):
    secret = alice.api_token()
    token = ApiToken.objects.get()
    assert secret not in token.key_hash and token.prefix in secret
    assert not ApiToken.objects.filter(key_hash=secret).exists()


def test_revoked_token_is_refused(alice):
    secret = alice.api_token()
    client = api(secret)
    token_id = ApiToken.objects.get().pk
    assert client.delete(f"/api/v1/tokens/{token_id}/").status_code == 204
    assert_problem(client.get("/api/v1/me/"), 401)
    assert ApiToken.objects.get().revoked_at is not None


def test_created_token_secret_is_returned_once_and_works(alice):
    client = api(alice.api_token())
    created = client.post(
        "/api/v1/tokens/", {"name": "Helpdesk", "role": "viewer"}, content_type="application/json"
    )
    assert created.status_code == 201
    secret = created.json()["token"]
    assert api(secret).get("/api/v1/me/").json()["token"]["name"] == "Helpdesk"
    listed = client.get(f"/api/v1/tokens/{created.json()['id']}/").json()
    assert "token" not in listed


def test_token_cannot_mint_a_token_above_its_role(alice):
    client = api(alice.api_token(role=Role.ADMIN))
    response = client.post(
        "/api/v1/tokens/", {"name": "x", "role": "owner"}, content_type="application/json"
    )
    assert_problem(response, 403)


def test_viewer_token_cannot_create_teams(alice):
    body = assert_problem(
        api(alice.api_token(role=Role.VIEWER)).post(
            "/api/v1/teams/", {"name": "X"}, content_type="application/json"
        ),
        403,
    )
    assert "role" in body["detail"]
    assert not Team.objects.exists()


def test_team_crud_through_the_api(alice, bob):
    client = api(alice.api_token())
    created = client.post(
        "/api/v1/teams/",
        {"name": "Phone", "members": [bob.user.pk]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    team_id = created.json()["id"]
    assert created.json()["members"] == [bob.user.pk]
    patched = client.patch(
        f"/api/v1/teams/{team_id}/",
        {"description": "Inbound calls"},
        content_type="application/json",
    )
    assert patched.json()["description"] == "Inbound calls"
    assert client.delete(f"/api/v1/teams/{team_id}/").status_code == 204


def test_duplicate_team_name_is_a_409_problem(alice):
    client = api(alice.api_token())
    client.post("/api/v1/teams/", {"name": "Phone"}, content_type="application/json")
    body = assert_problem(
        client.post("/api/v1/teams/", {"name": "phone"}, content_type="application/json"), 409
    )
    assert body["errors"] == {"name": "duplicate"}


def test_invalid_body_is_a_400_problem_with_field_errors(alice):
    body = assert_problem(
        api(alice.api_token()).post(
            "/api/v1/teams/", {"members": "x"}, content_type="application/json"
        ),
        400,
    )
    assert "name" in body["errors"]


def test_malformed_json_is_a_400_problem(alice):
    assert_problem(
        api(alice.api_token()).post("/api/v1/teams/", "{not json", content_type="application/json"),
        400,
    )


def test_unknown_api_path_is_a_404_problem():
    assert_problem(api().get("/api/v1/no-such-thing/"), 404)


def test_members_list_is_paginated_and_counted_in_few_queries(
    alice, bob, django_assert_max_num_queries
):
    client = api(alice.api_token())
    with django_assert_max_num_queries(4):
        body = client.get("/api/v1/members/?page_size=1").json()
    assert len(body["results"]) == 1
    assert body["next"]
    second = client.get(body["next"]).json()
    assert {r["email"] for r in body["results"] + second["results"]} == {
        "alice@acme.test",
        "bob@acme.test",
    }


class TestTenancy:
    """charlie's token (Globex) against Acme's objects: 404, and nothing changes."""

    def test_foreign_team_is_not_found_for_read_update_delete(self, alice, charlie):
        team = Team.objects.create(organization=alice.organization, name="Phone")
        client = api(charlie.api_token())
        assert_problem(client.get(f"/api/v1/teams/{team.pk}/"), 404)
        assert_problem(
            client.patch(
                f"/api/v1/teams/{team.pk}/", {"name": "pwned"}, content_type="application/json"
            ),
            404,
        )
        assert_problem(client.delete(f"/api/v1/teams/{team.pk}/"), 404)
        team.refresh_from_db()
        assert team.name == "Phone"

    def test_foreign_token_cannot_be_revoked(self, alice, charlie):
        alice.api_token()
        foreign = ApiToken.objects.get(organization=alice.organization)
        assert_problem(api(charlie.api_token()).delete(f"/api/v1/tokens/{foreign.pk}/"), 404)
        foreign.refresh_from_db()
        assert foreign.revoked_at is None

    def test_lists_show_only_own_organization(self, alice, bob, charlie):
        Team.objects.create(organization=alice.organization, name="Acme team")
        client = api(charlie.api_token())
        assert client.get("/api/v1/teams/").json()["results"] == []
        emails = {m["email"] for m in client.get("/api/v1/members/").json()["results"]}
        assert emails == {"charlie@globex.test"}

    def test_foreign_user_cannot_be_put_in_a_team(self, alice, charlie):
        body = assert_problem(
            api(alice.api_token()).post(
                "/api/v1/teams/",
                {"name": "Mixed", "members": [charlie.user.pk]},
                content_type="application/json",
            ),
            400,
        )
        assert "members" in body["errors"]
        assert not Team.objects.filter(name="Mixed").exists()  # nothing half-written
