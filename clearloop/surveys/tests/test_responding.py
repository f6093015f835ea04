"""The respondent services: start or resume, save a page, complete, submit at once."""

from __future__ import annotations

import uuid

import pytest
from django.utils import translation
from django.utils.translation import gettext

from clearloop.core.errors import Conflict, ValidationFailed
from clearloop.feedback.models import FeedbackItem, FeedbackSource
from clearloop.surveys.models import Answer, Response
from clearloop.surveys.responding import (
    first_unanswered_page,
    questionnaire_of,
    response_complete,
    response_save_page,
    response_start_or_resume,
    response_submit,
    rule_matches,
    sign_hidden_fields,
    stored_values,
    unsign_hidden_fields,
)

pytestmark = pytest.mark.django_db


def _start(distribution, submission_id=None, language="en", hidden=None):
    return response_start_or_resume(
        distribution=distribution,
        submission_id=submission_id or uuid.uuid4(),
        language=language,
        hidden_fields=hidden or {},
    )


def test_rule_matches_ranges_and_choices():
    assert rule_matches({}, {})
    assert rule_matches({"question": "nps", "min": 0, "max": 6}, {"nps": 3})
    assert not rule_matches({"question": "nps", "min": 0, "max": 6}, {"nps": 7})
    assert not rule_matches({"question": "nps", "min": 0, "max": 6}, {})
    assert rule_matches({"question": "why", "in": ["late"]}, {"why": ["late", "rude"]})
    assert rule_matches({"question": "why", "in": ["late"]}, {"why": "late"})
    assert not rule_matches({"question": "why", "in": ["late"]}, {"why": ["rude"]})


def test_start_is_idempotent_on_the_submission_id(distribution):
    submission_id = uuid.uuid4()
    first = _start(distribution, submission_id, hidden={"order": "A-1"})
    again = _start(distribution, submission_id, hidden={"order": "forged"})
    assert again.pk == first.pk
    assert Response.objects.count() == 1
    assert again.hidden_fields == {"order": "A-1"}
    assert first.version.number >= 1 and first.channel == "link"


def test_detractor_sees_the_detractor_follow_up_and_completes(distribution):
    response = _start(distribution)
    response_save_page(response=response, page=1, answers={"nps": "3"})
    with pytest.raises(ValidationFailed) as error:
        response_save_page(response=response, page=2, answers={"promoter_reason": ["fast"]})
    assert set(error.value.fields) == {"detractor_reason"}
    response_save_page(
        response=response,
        page=2,
        answers={"detractor_reason": "late", "ratings": {"speed": "2"}, "comment": " Too slow "},
    )
    done = response_complete(response=response)
    assert done.completed_at is not None
    values = stored_values(response=done, questionnaire=questionnaire_of(response=done))
    assert values == {
        "nps": 3,
        "detractor_reason": ["late"],
        "ratings": {"speed": 2},
        "comment": "Too slow",
    }


def test_promoter_sees_the_promoter_follow_up(distribution):
    response = _start(distribution)
    response_save_page(response=response, page=1, answers={"nps": 10})
    response_save_page(response=response, page=2, answers={"promoter_reason": ["fast", "friendly"]})
    response_complete(response=response)
    keys = set(Answer.objects.filter(response=response).values_list("question__key", flat=True))
    assert keys == {"nps", "promoter_reason"}


def test_changing_the_score_drops_the_answer_of_the_branch_no_longer_taken(distribution):
    response = _start(distribution)
    response_save_page(response=response, page=1, answers={"nps": 2})
    response_save_page(response=response, page=2, answers={"detractor_reason": "late"})
    response_save_page(response=response, page=1, answers={"nps": 9})
    with pytest.raises(ValidationFailed):  # now a promoter: the promoter question is required
        response_complete(response=response)
    response_save_page(response=response, page=2, answers={"promoter_reason": ["fast"]})
    response_complete(response=response)
    keys = set(Answer.objects.filter(response=response).values_list("question__key", flat=True))
    assert keys == {"nps", "promoter_reason"}


def test_saving_a_page_again_replaces_its_answers(distribution):
    response = _start(distribution)
    response_save_page(response=response, page=1, answers={"nps": 4})
    response_save_page(response=response, page=1, answers={"nps": 8})
    assert list(Answer.objects.filter(response=response).values_list("number", flat=True)) == [8]


def test_a_failure_mid_save_stores_nothing_of_that_page(distribution, monkeypatch):
    response = _start(distribution)
    response_save_page(response=response, page=1, answers={"nps": 2})
    response_save_page(response=response, page=2, answers={"detractor_reason": "late"})

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Answer.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        response_save_page(response=response, page=2, answers={"detractor_reason": "damaged"})
    monkeypatch.undo()
    assert Answer.objects.get(response=response, question__key="detractor_reason").choices == [
        "late"
    ]


def test_a_partial_response_resumes_at_the_first_unanswered_page(distribution):
    submission_id = uuid.uuid4()
    response = _start(distribution, submission_id)
    questionnaire = questionnaire_of(response=response)
    assert first_unanswered_page(questionnaire, {}) == 1
    response_save_page(response=response, page=1, answers={"nps": 7})
    resumed = _start(distribution, submission_id, language="ja")
    values = stored_values(response=resumed, questionnaire=questionnaire)
    assert first_unanswered_page(questionnaire, values) == 2
    assert resumed.language == "ja"


def test_required_and_range_errors_speak_the_respondents_language(distribution):
    response = _start(distribution, language="ja")
    with pytest.raises(ValidationFailed) as missing:
        response_save_page(response=response, page=1, answers={})
    with pytest.raises(ValidationFailed) as out_of_range:
        response_save_page(response=response, page=1, answers={"nps": 11})
    with translation.override("ja"):
        assert missing.value.fields == {"nps": gettext("This question needs an answer.")}
        expected = gettext("Choose a number from %(low)d to %(high)d.") % {"low": 0, "high": 10}
    assert out_of_range.value.fields == {"nps": expected}
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"nps": 2, "detractor_reason": "lost"}, "detractor_reason"),
        ({"nps": 2, "detractor_reason": ["late", "damaged"]}, "detractor_reason"),
        ({"nps": 2, "detractor_reason": "late", "ratings": {"speed": 6}}, "ratings"),
        ({"nps": 2, "detractor_reason": "late", "ratings": {"colour": 3}}, "ratings"),
        ({"nps": "ten"}, "nps"),
        ({"nps": True}, "nps"),
        ({"nps": 9, "promoter_reason": ["fast"], "contact": "maybe"}, "contact"),
        ({"nps": 9, "promoter_reason": ["fast"], "shoe_size": 44}, "shoe_size"),
    ],
)
def test_submit_refuses_bad_answers_and_stores_nothing(distribution, answers, field):
    with pytest.raises(ValidationFailed) as error:
        response_submit(
            distribution=distribution,
            submission_id=uuid.uuid4(),
            language="en",
            hidden_fields={},
            answers=answers,
        )
    assert field in error.value.fields
    assert not Response.objects.exists()


def test_completing_twice_changes_nothing_and_makes_one_feedback_item(distribution):
    response = _start(distribution, language="ja")
    response_save_page(response=response, page=1, answers={"nps": 5})
    response_save_page(
        response=response, page=2, answers={"detractor_reason": "late", "comment": "遅すぎる"}
    )
    first = response_complete(response=response)
    second = response_complete(response=response)
    assert second.completed_at == first.completed_at
    item = FeedbackItem.objects.get()
    assert (item.source, item.response_id, item.language, item.text) == (
        FeedbackSource.SURVEY_COMMENT,
        response.pk,
        "ja",
        "遅すぎる",
    )
    assert item.occurred_at == first.completed_at


def test_a_completed_response_cannot_be_changed(distribution):
    response = _start(distribution)
    response_save_page(response=response, page=1, answers={"nps": 9})
    response_save_page(response=response, page=2, answers={"promoter_reason": ["fast"]})
    response_complete(response=response)
    with pytest.raises(Conflict):
        response_save_page(response=response, page=1, answers={"nps": 0})
    assert Answer.objects.get(response=response, question__key="nps").number == 9


def test_complete_refuses_a_response_missing_required_answers(distribution):
    response = _start(distribution)
    response_save_page(response=response, page=1, answers={"nps": 1})
    with pytest.raises(ValidationFailed) as error:
        response_complete(response=response)
    assert set(error.value.fields) == {"detractor_reason"}
    response.refresh_from_db()
    assert response.completed_at is None


def test_submit_under_retries_stores_one_response_and_one_comment(distribution):
    arguments = {
        "distribution": distribution,
        "submission_id": uuid.uuid4(),
        "language": "en",
        "hidden_fields": {"agent": "kim"},
        "answers": {"nps": 10, "promoter_reason": ["fast"], "comment": "Great"},
    }
    first, created = response_submit(**arguments)
    again, created_again = response_submit(**arguments)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Response.objects.count() == 1
    assert Answer.objects.count() == 3
    assert FeedbackItem.objects.count() == 1
    assert first.hidden_fields == {"agent": "kim"}


def test_submit_completes_a_partial_response_left_by_the_page_form(distribution):
    submission_id = uuid.uuid4()
    partial = _start(distribution, submission_id)
    response_save_page(response=partial, page=1, answers={"nps": 6})
    response, created = response_submit(
        distribution=distribution,
        submission_id=submission_id,
        language="en",
        hidden_fields={},
        answers={"nps": 6, "detractor_reason": "damaged"},
    )
    assert created and response.pk == partial.pk and response.completed_at is not None
    assert Answer.objects.filter(response=partial).count() == 2


def test_hidden_fields_are_bound_to_their_distribution(distribution, acme):
    from clearloop.surveys.tests.conftest import build_survey

    token = sign_hidden_fields(distribution, {"order": "A-17", "channel": "shop"})
    assert unsign_hidden_fields(distribution, token) == {"order": "A-17", "channel": "shop"}
    with pytest.raises(ValidationFailed):
        unsign_hidden_fields(distribution, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    with pytest.raises(ValidationFailed):
        unsign_hidden_fields(build_survey(acme), token)
