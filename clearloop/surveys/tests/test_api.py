"""The surveys API: CRUD on definitions, lifecycle actions, import/export, distributions,
tenancy (404 for another organization's survey on every route) and roles (viewer 403)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clearloop.accounts.roles import Role
from clearloop.accounts.tests.test_api import api, assert_problem
from clearloop.surveys import services
from clearloop.surveys.models import Distribution, Survey, SurveyStatus, SurveyVersion
from clearloop.surveys.tests.factories import ResponseFactory
from clearloop.surveys.tests.test_definition import sample_definition

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def survey(alice) -> Survey:
    return services.survey_create(
        organization=alice.organization, definition=sample_definition(), by=alice.membership
    )


@pytest.fixture
def client(alice):
    return api(alice.api_token())


def test_create_returns_the_draft_with_its_definition(client):
    response = client.post("/api/v1/surveys/", sample_definition(("en", "ja")), content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["has_draft"] is True
    assert body["published_version"] is None
    assert body["definition"] == sample_definition(("en", "ja"))
    assert body["draft"] == body["definition"]


def test_invalid_definition_is_a_400_with_every_problem(client):
    document = sample_definition(("en", "ja"))
    del document["questions"][1]["texts"]["ja"]
    document["questions"][0]["key"] = "delivery"
    body = assert_problem(client.post("/api/v1/surveys/", document, content_type=JSON), 400)
    assert body["errors"]["questions[1].texts"].startswith("Question 2 (delivery): a text")
    assert "questions[1].key" in body["errors"]
    assert not Survey.objects.exists()


def test_a_list_body_is_a_400(client):
    assert_problem(client.post("/api/v1/surveys/", [1, 2], content_type=JSON), 400)


def test_list_filters_by_status_and_paginates(client, alice, survey):
    live = services.survey_create(
        organization=alice.organization, definition=sample_definition(), by=alice.membership
    )
    services.survey_publish(survey=live, by=alice.membership)
    body = client.get("/api/v1/surveys/?status=live").json()
    assert [s["id"] for s in body["results"]] == [live.pk]
    assert body["results"][0]["published_version"] == 1
    assert body["results"][0]["has_draft"] is False
    page = client.get("/api/v1/surveys/?page_size=1").json()
    assert len(page["results"]) == 1 and page["next"]
    assert_problem(client.get("/api/v1/surveys/?status=sleeping"), 400)


def test_list_takes_a_fixed_number_of_queries(client, alice, survey, django_assert_num_queries):
    for _ in range(3):
        version = services.survey_publish(
            survey=services.survey_create(
                organization=alice.organization,
                definition=sample_definition(),
                by=alice.membership,
            ),
            by=alice.membership,
        )
        ResponseFactory(version=version)
    # token lookup, token last-used update, and the one list query
    with django_assert_num_queries(3):
        body = client.get("/api/v1/surveys/").json()
    assert sorted(s["response_count"] for s in body["results"]) == [0, 1, 1, 1]


def test_put_on_a_live_survey_creates_version_two(client, alice, survey):
    services.survey_publish(survey=survey, by=alice.membership)
    document = sample_definition()
    document["questions"] = document["questions"][:2]
    body = client.put(f"/api/v1/surveys/{survey.pk}/", document, content_type=JSON).json()
    assert body["published_version"] == 1 and body["has_draft"] is True
    assert len(body["definition"]["questions"]) == 6
    assert len(body["draft"]["questions"]) == 2
    assert SurveyVersion.objects.filter(survey=survey).count() == 2


def test_patch_changes_top_level_fields_and_keeps_questions(client, survey):
    body = client.patch(
        f"/api/v1/surveys/{survey.pk}/", {"name": "Renamed"}, content_type=JSON
    ).json()
    assert body["name"] == "Renamed"
    assert len(body["draft"]["questions"]) == 6


def test_publish_close_reopen(client, survey):
    base = f"/api/v1/surveys/{survey.pk}"
    published = client.post(f"{base}/publish/")
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "live"
    body = assert_problem(client.post(f"{base}/publish/"), 409)
    assert "no draft" in body["detail"]
    assert client.post(f"{base}/close/").json()["status"] == "closed"
    assert_problem(client.post(f"{base}/close/"), 409)
    assert client.post(f"{base}/reopen/").json()["status"] == "live"


def test_duplicate(client, survey):
    response = client.post(
        f"/api/v1/surveys/{survey.pk}/duplicate/", {"name": "Copy"}, content_type=JSON
    )
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "Copy"
    assert response.json()["definition"]["questions"] == sample_definition()["questions"]
    assert_problem(
        client.post(f"/api/v1/surveys/{survey.pk}/duplicate/", {}, content_type=JSON), 400
    )


def test_delete_only_without_responses(client, alice, survey):
    version = services.survey_publish(survey=survey, by=alice.membership)
    ResponseFactory(version=version)
    assert_problem(client.delete(f"/api/v1/surveys/{survey.pk}/"), 409)
    assert Survey.objects.filter(pk=survey.pk).exists()
    empty = services.survey_create(
        organization=alice.organization, definition=sample_definition(), by=alice.membership
    )
    assert client.delete(f"/api/v1/surveys/{empty.pk}/").status_code == 204
    assert not Survey.objects.filter(pk=empty.pk).exists()


@pytest.mark.parametrize("languages", [("en",), ("zh-hans",), ("ja",), ("en", "zh-hans", "ja")])
def test_export_then_import_round_trip(client, alice, charlie, languages):
    created = client.post("/api/v1/surveys/", sample_definition(languages), content_type=JSON)
    exported = client.get(f"/api/v1/surveys/{created.json()['id']}/export/")
    assert exported.status_code == 200
    assert exported["Content-Disposition"].startswith("attachment;")
    document = exported.content
    imported = api(charlie.api_token()).post("/api/v1/surveys/import/", document, content_type=JSON)
    assert imported.status_code == 201, imported.content
    assert imported.json()["definition"] == sample_definition(languages)
    assert Survey.objects.get(pk=imported.json()["id"]).organization_id == charlie.organization.pk


def test_import_as_a_file_upload(client):
    upload = SimpleUploadedFile(
        "survey.json",
        json.dumps(sample_definition(("ja",)), ensure_ascii=False).encode(),
        content_type="application/json",
    )
    response = client.post("/api/v1/surveys/import/", {"file": upload})
    assert response.status_code == 201, response.content
    assert response.json()["languages"] == ["ja"]


def test_import_of_malformed_json_is_a_400_naming_the_place(client):
    body = assert_problem(
        client.post(
            "/api/v1/surveys/import/", '{"name": "x",\n "questions": [}', content_type=JSON
        ),
        400,
    )
    assert "line 2, column 16" in body["detail"]
    assert not Survey.objects.exists()


def test_import_of_an_oversized_document_is_a_400(client):
    document = json.dumps({**sample_definition(), "name": "x" * (1024 * 1024 + 1)})
    body = assert_problem(client.post("/api/v1/surveys/import/", document, content_type=JSON), 400)
    assert "1024 KB" in body["detail"]
    upload = SimpleUploadedFile("big.json", document.encode(), content_type=JSON)
    body = assert_problem(client.post("/api/v1/surveys/import/", {"file": upload}), 400)
    assert "1024 KB" in body["detail"]
    assert not Survey.objects.exists()


def test_import_of_an_invalid_definition_is_a_400_and_stores_nothing(client):
    document = sample_definition()
    document["questions"][2]["show_if"] = {"question": "satisfaction", "min": 1}
    body = assert_problem(
        client.post("/api/v1/surveys/import/", json.dumps(document), content_type=JSON), 400
    )
    assert "earlier page" in body["errors"]["questions[2].show_if"]
    assert not Survey.objects.exists()


def test_export_of_an_older_version(client, alice, survey):
    services.survey_publish(survey=survey, by=alice.membership)
    document = sample_definition()
    document["questions"] = document["questions"][:1]
    client.put(f"/api/v1/surveys/{survey.pk}/", document, content_type=JSON)
    base = f"/api/v1/surveys/{survey.pk}/export/"
    assert len(client.get(f"{base}?version=1").json()["questions"]) == 6
    assert len(client.get(f"{base}?version=2").json()["questions"]) == 1
    assert_problem(client.get(f"{base}?version=9"), 404)
    assert_problem(client.get(f"{base}?version=x"), 400)


def test_distributions_create_list_and_toggle(client, survey):
    base = f"/api/v1/surveys/{survey.pk}/distributions/"
    created = client.post(base, {"kind": "link", "name": "Website"}, content_type=JSON)
    assert created.status_code == 201, created.content
    token = created.json()["public_token"]
    assert len(token) == 43 and created.json()["active"] is True
    listed = client.get(base).json()["results"]
    assert [d["public_token"] for d in listed] == [token]
    toggled = client.patch(f"{base}{created.json()['id']}/", {"active": False}, content_type=JSON)
    assert toggled.json()["active"] is False
    assert not Distribution.objects.get().active
    assert_problem(client.post(base, {"kind": "pigeon"}, content_type=JSON), 400)


class TestTenancy:
    """charlie (Globex) against every route of Acme's survey: 404, nothing changes."""

    def test_every_survey_route_is_404_for_another_organization(self, charlie, survey):
        client = api(charlie.api_token())
        base = f"/api/v1/surveys/{survey.pk}"
        definition = sample_definition()
        assert_problem(client.get(f"{base}/"), 404)
        assert_problem(client.put(f"{base}/", definition, content_type=JSON), 404)
        assert_problem(client.patch(f"{base}/", {"name": "pwned"}, content_type=JSON), 404)
        assert_problem(client.delete(f"{base}/"), 404)
        for name in ("publish", "close", "reopen"):
            assert_problem(client.post(f"{base}/{name}/"), 404)
        assert_problem(client.post(f"{base}/duplicate/", {"name": "x"}, content_type=JSON), 404)
        assert_problem(client.get(f"{base}/export/"), 404)
        assert_problem(client.get(f"{base}/distributions/"), 404)
        assert_problem(
            client.post(f"{base}/distributions/", {"kind": "link"}, content_type=JSON), 404
        )
        survey.refresh_from_db()
        assert survey.name == "After delivery" and survey.status == SurveyStatus.DRAFT
        assert Survey.objects.filter(organization=survey.organization).count() == 1
        assert not Distribution.objects.exists()

    def test_another_organizations_distribution_is_404(self, alice, charlie, survey):
        distribution = services.distribution_create(survey=survey, kind="link", by=alice.membership)
        own = services.survey_create(
            organization=charlie.organization,
            definition=sample_definition(),
            by=charlie.membership,
        )
        client = api(charlie.api_token())
        for base in (f"/api/v1/surveys/{survey.pk}", f"/api/v1/surveys/{own.pk}"):
            path = f"{base}/distributions/{distribution.pk}/"
            assert_problem(client.get(path), 404)
            assert_problem(client.patch(path, {"active": False}, content_type=JSON), 404)
        distribution.refresh_from_db()
        assert distribution.active

    def test_lists_show_only_own_surveys(self, charlie, survey):
        assert api(charlie.api_token()).get("/api/v1/surveys/").json()["results"] == []


class TestRoles:
    """A viewer token reads everything and writes nothing."""

    def test_viewer_can_read(self, alice, survey):
        client = api(alice.api_token(role=Role.VIEWER))
        assert client.get("/api/v1/surveys/").status_code == 200
        assert client.get(f"/api/v1/surveys/{survey.pk}/").status_code == 200
        assert client.get(f"/api/v1/surveys/{survey.pk}/export/").status_code == 200
        assert client.get(f"/api/v1/surveys/{survey.pk}/distributions/").status_code == 200

    def test_viewer_cannot_write(self, alice, survey):
        client = api(alice.api_token(role=Role.VIEWER))
        base = f"/api/v1/surveys/{survey.pk}"
        definition = sample_definition()
        assert_problem(client.post("/api/v1/surveys/", definition, content_type=JSON), 403)
        assert_problem(client.post("/api/v1/surveys/import/", definition, content_type=JSON), 403)
        assert_problem(client.put(f"{base}/", definition, content_type=JSON), 403)
        assert_problem(client.patch(f"{base}/", {"name": "x"}, content_type=JSON), 403)
        assert_problem(client.delete(f"{base}/"), 403)
        for name in ("publish", "close", "reopen", "duplicate"):
            assert_problem(client.post(f"{base}/{name}/"), 403)
        assert_problem(
            client.post(f"{base}/distributions/", {"kind": "link"}, content_type=JSON), 403
        )
        assert Survey.objects.count() == 1 and not Distribution.objects.exists()

    def test_analyst_can_manage_surveys(self, alice):
        client = api(alice.api_token(role=Role.ANALYST))
        response = client.post("/api/v1/surveys/", sample_definition(), content_type=JSON)
        assert response.status_code == 201


def test_schema_lists_the_survey_routes(client):
    from django.test import Client

    paths = Client().get("/api/v1/schema/?format=json").json()["paths"]
    assert "/api/v1/surveys/{id}/publish/" in paths
    assert "/api/v1/surveys/import/" in paths
    assert "/api/v1/surveys/{survey_pk}/distributions/{id}/" in paths


def test_a_distribution_is_created_with_its_send_delay_and_allowed_origins(client, survey):
    base = f"/api/v1/surveys/{survey.pk}/distributions/"
    body = {"kind": "widget", "send_delay_minutes": 15, "allowed_origins": ["https://a.example"]}
    created = client.post(base, body, content_type=JSON)
    assert created.status_code == 201, created.content
    assert created.json()["send_delay_minutes"] == 15
    assert created.json()["allowed_origins"] == ["https://a.example"]
    bad = {"kind": "widget", "allowed_origins": ["https://a.example/*"]}
    assert_problem(client.post(base, bad, content_type=JSON), 400)
    assert Distribution.objects.count() == 1


def test_schema_lists_the_invitation_response_and_trigger_routes():
    from django.test import Client

    paths = Client().get("/api/v1/schema/?format=json").json()["paths"]
    invitations = "/api/v1/surveys/{survey_pk}/distributions/{distribution_pk}/invitations/"
    assert invitations in paths and f"{invitations}{{id}}/resend/" in paths
    assert "/api/v1/surveys/{survey_pk}/responses/{id}/" in paths
    assert "/api/v1/interactions/closed/" in paths
