"""Survey writes: versioning, lifecycle, duplicate, import/export, distributions."""

from __future__ import annotations

import json

import pytest

from clearloop.accounts.roles import Role
from clearloop.conftest import Persona
from clearloop.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from clearloop.surveys import selectors, services
from clearloop.surveys.models import (
    Distribution,
    Question,
    ResponseChannel,
    Survey,
    SurveyStatus,
    SurveyVersion,
)
from clearloop.surveys.tests.factories import AnswerFactory, ResponseFactory
from clearloop.surveys.tests.test_definition import sample_definition

pytestmark = pytest.mark.django_db


def create(persona: Persona, languages: tuple[str, ...] = ("en",)) -> Survey:
    return services.survey_create(
        organization=persona.organization,
        definition=sample_definition(languages),
        by=persona.membership,
    )


def test_create_makes_a_draft_with_an_unpublished_version_one(alice):
    survey = create(alice)
    assert survey.status == SurveyStatus.DRAFT
    (version,) = survey.versions.all()
    assert (version.number, version.published_at) == (1, None)
    assert version.thank_you == {"en": "Thank you!"}
    assert list(version.questions.values_list("key", flat=True)) == [
        "nps",
        "delivery",
        "what_went_wrong",
        "what_did_you_love",
        "aspects",
        "satisfaction",
    ]


def test_stored_questions_answer_the_model_helpers(alice):
    version = selectors.survey_current_version(create(alice))
    questions = {q.key: q for q in version.questions.all()}
    assert questions["nps"].scale == (0, 10)
    assert questions["delivery"].scale == (1, 7)
    assert questions["aspects"].scale == (1, 5)
    assert questions["aspects"].row_keys == ["speed", "courtesy"]
    assert questions["what_went_wrong"].choice_keys == ["late", "damaged"]
    assert questions["what_went_wrong"].show_if == {"question": "nps", "min": 0, "max": 6}
    assert questions["what_went_wrong"].organization_id == alice.organization.pk


def test_invalid_definition_stores_nothing(alice):
    document = sample_definition()
    document["questions"][0]["texts"] = {}
    with pytest.raises(ValidationFailed):
        services.survey_create(
            organization=alice.organization, definition=document, by=alice.membership
        )
    assert not Survey.objects.exists() and not Question.objects.exists()


def test_viewer_cannot_create(alice, acme):
    viewer = Persona(alice.user, alice.membership)
    viewer.membership.role = Role.VIEWER
    with pytest.raises(PermissionDenied):
        create(viewer)


def test_member_of_another_organization_cannot_edit(alice, charlie):
    survey = create(alice)
    with pytest.raises(NotFound):
        services.survey_publish(survey=survey, by=charlie.membership)
    assert selectors.survey_draft(survey) is not None


def test_editing_a_draft_replaces_its_questions_in_place(alice):
    survey = create(alice)
    document = sample_definition()
    document["questions"] = document["questions"][:2]
    document["name"] = "Renamed"
    services.survey_update_draft(survey=survey, definition=document, by=alice.membership)
    (version,) = survey.versions.all()
    assert version.number == 1
    assert version.questions.count() == 2
    survey.refresh_from_db()
    assert survey.name == "Renamed"


def test_editing_a_live_survey_creates_version_two_and_old_answers_keep_their_questions(alice):
    survey = create(alice)
    version_one = services.survey_publish(survey=survey, by=alice.membership)
    nps_v1 = version_one.questions.get(key="nps")
    answer = AnswerFactory(response=ResponseFactory(version=version_one), question=nps_v1, number=3)

    document = sample_definition()
    document["questions"][0]["texts"]["en"] = "Would you recommend us?"
    services.survey_update_draft(survey=survey, definition=document, by=alice.membership)

    draft = selectors.survey_draft(survey)
    assert draft is not None and draft.number == 2
    assert draft.questions.get(key="nps").texts["en"] == "Would you recommend us?"
    nps_v1.refresh_from_db()
    assert nps_v1.texts["en"] == "How likely are you to recommend us?"
    answer.refresh_from_db()
    assert answer.question_id == nps_v1.pk and answer.response.version_id == version_one.pk
    # Respondents keep getting version 1 until version 2 is published.
    assert selectors.survey_current_version(survey) == version_one
    version_two = services.survey_publish(survey=survey, by=alice.membership)
    assert selectors.survey_current_version(survey) == version_two
    assert version_one.questions.count() == 6


def test_editing_the_draft_of_a_live_survey_twice_keeps_one_draft(alice):
    survey = create(alice)
    services.survey_publish(survey=survey, by=alice.membership)
    for _ in range(2):
        services.survey_update_draft(
            survey=survey, definition=sample_definition(), by=alice.membership
        )
    versions = [(v.number, v.is_published) for v in survey.versions.order_by("number")]
    assert versions == [(1, True), (2, False)]


def test_publish_sets_live_and_refuses_without_a_draft(alice):
    survey = create(alice)
    version = services.survey_publish(survey=survey, by=alice.membership)
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.LIVE and version.published_at is not None
    with pytest.raises(Conflict, match="no draft"):
        services.survey_publish(survey=survey, by=alice.membership)


def test_close_and_reopen(alice):
    survey = create(alice)
    with pytest.raises(Conflict, match="Only a live survey"):
        services.survey_close(survey=survey, by=alice.membership)
    services.survey_publish(survey=survey, by=alice.membership)
    assert services.survey_close(survey=survey, by=alice.membership).status == "closed"
    with pytest.raises(Conflict, match="Only a live survey"):
        services.survey_close(survey=survey, by=alice.membership)
    assert services.survey_reopen(survey=survey, by=alice.membership).status == "live"
    with pytest.raises(Conflict, match="Only a closed survey"):
        services.survey_reopen(survey=survey, by=alice.membership)


def test_duplicate_copies_the_newest_definition_into_a_new_draft(alice):
    survey = create(alice, ("en", "ja"))
    services.survey_publish(survey=survey, by=alice.membership)
    copy = services.survey_duplicate(survey=survey, name="Copy", by=alice.membership)
    assert copy.pk != survey.pk and copy.status == SurveyStatus.DRAFT
    assert copy.languages == ["en", "ja"]
    exported = services.survey_export(survey=copy)
    assert exported == {**sample_definition(("en", "ja")), "name": "Copy"}


def test_delete_refuses_a_survey_with_responses(alice):
    survey = create(alice)
    version = services.survey_publish(survey=survey, by=alice.membership)
    ResponseFactory(version=version)
    with pytest.raises(Conflict, match="close it instead"):
        services.survey_delete(survey=survey, by=alice.membership)
    empty = create(alice)
    services.survey_delete(survey=empty, by=alice.membership)
    assert not Survey.objects.filter(pk=empty.pk).exists()


@pytest.mark.parametrize("languages", [("en",), ("zh-hans",), ("ja",), ("ja", "en", "zh-hans")])
def test_export_import_round_trip(alice, charlie, languages):
    survey = create(alice, languages)
    exported = services.survey_export(survey=survey)
    assert exported == sample_definition(languages)
    document = json.dumps(exported, ensure_ascii=False).encode()
    imported = services.survey_import(
        organization=charlie.organization, document=document, by=charlie.membership
    )
    assert imported.organization_id == charlie.organization.pk
    assert services.survey_export(survey=imported) == exported


def test_export_of_a_given_version(alice):
    survey = create(alice)
    version_one = services.survey_publish(survey=survey, by=alice.membership)
    document = sample_definition()
    document["questions"] = document["questions"][:1]
    services.survey_update_draft(survey=survey, definition=document, by=alice.membership)
    assert len(services.survey_export(survey=survey, version=version_one)["questions"]) == 6
    draft = selectors.survey_draft(survey)
    assert len(services.survey_export(survey=survey, version=draft)["questions"]) == 1
    other = create(alice)
    with pytest.raises(NotFound):
        services.survey_export(survey=other, version=version_one)


def test_import_of_malformed_json_names_line_and_column(alice):
    with pytest.raises(ValidationFailed) as caught:
        services.survey_import(
            organization=alice.organization,
            document='{\n  "name": "x",\n  "questions": [,]\n}',
            by=alice.membership,
        )
    assert "line 3, column 17" in caught.value.message
    assert not Survey.objects.exists()


def test_import_of_an_oversized_document_is_refused(alice):
    document = json.dumps({**sample_definition(), "name": "x" * (1024 * 1024)})
    with pytest.raises(ValidationFailed, match="at most 1024 KB"):
        services.survey_import(
            organization=alice.organization, document=document, by=alice.membership
        )
    assert not Survey.objects.exists()


def test_import_of_non_utf8_is_refused(alice):
    with pytest.raises(ValidationFailed, match="UTF-8"):
        services.survey_import(
            organization=alice.organization, document=b"\xff\xfe{}", by=alice.membership
        )


def test_distribution_gets_a_long_random_token_and_can_be_switched_off(alice):
    survey = create(alice)
    link = services.distribution_create(
        survey=survey, kind=ResponseChannel.LINK, name="Website", by=alice.membership
    )
    qr = services.distribution_create(survey=survey, kind=ResponseChannel.QR, by=alice.membership)
    assert len(link.public_token) == 43 and link.public_token != qr.public_token
    assert link.active
    services.distribution_set_active(distribution=link, active=False, by=alice.membership)
    assert not Distribution.objects.get(pk=link.pk).active
    with pytest.raises(ValidationFailed):
        services.distribution_create(survey=survey, kind="pigeon", by=alice.membership)


def test_survey_detail_is_scoped(alice, charlie):
    survey = create(alice)
    assert selectors.survey_detail(alice.organization, survey.pk) == survey
    with pytest.raises(NotFound):
        selectors.survey_detail(charlie.organization, survey.pk)
    with pytest.raises(NotFound):
        selectors.survey_detail(alice.organization, "abc")


def test_versions_stay_consistent_when_publishing(alice):
    survey = create(alice)
    services.survey_publish(survey=survey, by=alice.membership)
    services.survey_update_draft(survey=survey, definition=sample_definition(), by=alice.membership)
    services.survey_publish(survey=survey, by=alice.membership)
    assert SurveyVersion.objects.filter(survey=survey, published_at__isnull=True).count() == 0
    assert selectors.survey_current_version(survey).number == 2


def test_distribution_update_checks_every_value_before_saving(alice):
    from clearloop.core.errors import ValidationFailed
    from clearloop.surveys.models import ResponseChannel
    from clearloop.surveys.services import distribution_create, distribution_update
    from clearloop.surveys.tests.results_data import results_version

    survey = results_version(alice.organization, name="Rules").survey
    email = distribution_create(survey=survey, kind=ResponseChannel.EMAIL, by=alice.membership)

    with pytest.raises(ValidationFailed) as refused:
        distribution_update(
            distribution=email, by=alice.membership, reminder_count=2, reminder_delay_hours=0
        )
    with pytest.raises(ValidationFailed):
        distribution_update(distribution=email, by=alice.membership, colour="red")
    with pytest.raises(ValidationFailed):
        distribution_update(distribution=email, by=alice.membership, reminder_count=True)

    assert refused.value.fields == {"reminder_delay_hours": "out_of_range"}
    email.refresh_from_db()
    assert (email.reminder_count, email.reminder_delay_hours) == (1, 72)
    distribution_update(distribution=email, by=alice.membership, reminder_count=3)
    email.refresh_from_db()
    assert email.reminder_count == 3
