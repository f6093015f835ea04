# ruff: noqa: RUF001  (Japanese questions end with a full-width question mark, on purpose)
"""The survey builder: its pure definition edits, and the pages that create, edit,
preview, publish, close, duplicate, delete, import and export surveys."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clearloop.accounts.roles import Role
from clearloop.accounts.tests.factories import MembershipFactory, UserFactory
from clearloop.conftest import Persona
from clearloop.core.errors import ValidationFailed
from clearloop.surveys import builder, selectors, services
from clearloop.surveys.definition import definition_from_version, validate_definition
from clearloop.surveys.forms import QuestionForm
from clearloop.surveys.models import (
    Answer,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyStatus,
    SurveyVersion,
)
from clearloop.surveys.tests.results_data import respond

pytestmark = pytest.mark.django_db

# --- Pure builder functions ------------------------------------------------------------------


def _definition(*questions: dict[str, Any], languages: list[str] | None = None) -> dict:
    return {
        "name": "Test",
        "default_language": "en",
        "languages": languages or ["en"],
        "thank_you": {},
        "thank_you_url": "",
        "questions": list(questions),
    }


def _q(key: str, page: int = 1, kind: str = "text", **extra: Any) -> dict[str, Any]:
    return {
        "key": key,
        "kind": kind,
        "page": page,
        "required": False,
        "texts": {"en": key.title()},
        "options": {},
        "show_if": {},
        **extra,
    }


@pytest.mark.parametrize("point", list(builder.StartingPoint))
def test_every_starting_point_is_a_valid_definition(point):
    definition = builder.starting_definition(
        point, name="New", default_language="en", languages=["en", "zh-hans", "ja"]
    )

    cleaned = validate_definition(definition)
    assert all(set(q["texts"]) == {"en", "zh-hans", "ja"} for q in cleaned["questions"])


def test_nps_starting_point_asks_why_and_follows_up_per_nps_group():
    definition = builder.starting_definition(
        "nps", name="NPS", default_language="en", languages=["en"]
    )

    rules = {q["key"]: q["show_if"] for q in definition["questions"]}
    assert [q["kind"] for q in definition["questions"]][:2] == ["nps", "text"]
    assert rules["reason"] == {}
    assert rules["detractor"] == {"question": "nps", "min": 0, "max": 6}
    assert rules["passive"] == {"question": "nps", "min": 7, "max": 8}
    assert rules["promoter"] == {"question": "nps", "min": 9, "max": 10}


def test_adding_a_language_fills_every_text_and_removing_it_drops_them():
    choice = _q(
        "reason",
        kind="single_choice",
        options={
            "choices": [{"key": "a", "texts": {"en": "A"}}, {"key": "b", "texts": {"en": "B"}}]
        },
    )
    definition = _definition(_q("comment"), choice)
    settings = {"name": "Test", "default_language": "en", "thank_you_url": ""}

    added = builder.apply_settings(
        definition, languages=["en", "ja"], thank_you={"ja": "ありがとう"}, **settings
    )
    assert validate_definition(added)["questions"][1]["options"]["choices"][0]["texts"] == {
        "en": "A",
        "ja": "A",
    }
    assert builder.untranslated(added) == {"comment": ["ja"], "reason": ["ja"]}
    removed = builder.apply_settings(added, languages=["en"], thank_you={}, **settings)
    assert validate_definition(removed)["questions"][0]["texts"] == {"en": "Comment"}
    assert definition["languages"] == ["en"]  # the input is never changed


def test_known_wording_is_found_again_in_the_language_added():
    text = builder.texts_in(builder.NPS_TEXT, ["ja"])["ja"]

    assert builder.known_translation(str(builder.NPS_TEXT), "en", "ja") == text
    assert builder.known_translation("Our own words", "en", "ja") is None


def test_add_question_puts_a_valid_placeholder_on_the_last_page():
    definition = _definition(_q("one"), _q("two", page=2), languages=["en", "ja"])
    definition["questions"][0]["texts"]["ja"] = "一"
    definition["questions"][1]["texts"]["ja"] = "二"

    for kind in QuestionKind.values:
        definition, _key = builder.add_question(definition, kind)
        assert definition["questions"][-1]["page"] == 2
    validate_definition(definition)
    keys = [q["key"] for q in definition["questions"]]
    assert len(keys) == len(set(keys))


def test_moving_crosses_page_boundaries_and_closes_empty_pages():
    definition = _definition(_q("a"), _q("b"), _q("c", page=2))

    down = builder.move_question(definition, "a", "down")
    assert [q["key"] for q in down["questions"]] == ["b", "a", "c"]
    across = builder.move_question(down, "a", "down")
    assert [(q["key"], q["page"]) for q in across["questions"]] == [("b", 1), ("a", 2), ("c", 2)]
    back = builder.move_question(builder.move_question(across, "c", "up"), "c", "up")
    assert [(q["key"], q["page"]) for q in back["questions"]] == [("b", 1), ("c", 1), ("a", 2)]
    new_page = builder.move_question(definition, "b", "down")
    assert [q["page"] for q in new_page["questions"]] == [1, 2, 2]
    lonely = builder.move_question(_definition(_q("a"), _q("b", page=2)), "b", "down")
    assert [q["page"] for q in lonely["questions"]] == [1, 2]


def test_update_renames_the_rules_that_name_the_question_and_sorts_by_page():
    definition = _definition(
        _q("score", kind="nps"),
        _q("why", page=2, show_if={"question": "score", "max": 6}),
    )
    changes = builder.QuestionChanges(
        key="nps", texts={"en": "Score?"}, required=True, page=1, options={}, show_if={}
    )

    updated, index = builder.update_question(definition, "score", changes)

    assert index == 0
    assert updated["questions"][1]["show_if"] == {"question": "nps", "max": 6}
    validate_definition(updated)


def test_a_question_others_depend_on_cannot_be_deleted():
    definition = _definition(
        _q("score", kind="nps"), _q("why", page=2, show_if={"question": "score", "max": 6})
    )

    with pytest.raises(ValidationFailed, match="why"):
        builder.delete_question(definition, "score")
    assert [q["page"] for q in builder.delete_question(definition, "why")["questions"]] == [1]
    with pytest.raises(KeyError):
        builder.delete_question(definition, "missing")


def test_choice_lines_take_keys_or_make_them_and_match_other_languages_by_line():
    items = builder.parse_items(
        {"en": "late|It arrived late\nDamaged box\n", "ja": "遅れた\ndamaged_box|破損"},
        "en",
        prefix="choice",
    )

    assert items == [
        {"key": "late", "texts": {"en": "It arrived late", "ja": "遅れた"}},
        {"key": "damaged_box", "texts": {"en": "Damaged box", "ja": "破損"}},
    ]
    assert builder.parse_items({"ja": "早い\n安い"}, "ja", "choice")[1]["key"] == "choice_2"
    assert builder.format_items(items, "ja") == "late|遅れた\ndamaged_box|破損"
    with pytest.raises(ValueError, match="more lines"):
        builder.parse_items({"en": "A", "ja": "あ\nい"}, "en", "choice")
    with pytest.raises(ValueError, match="nope"):
        builder.parse_items({"en": "A", "ja": "nope|あ"}, "en", "choice")


@pytest.mark.parametrize(
    ("operator", "low", "high", "choices", "rule"),
    [
        ("between", 0, 6, [], {"question": "q", "min": 0, "max": 6}),
        ("at_least", 9, None, [], {"question": "q", "min": 9}),
        ("at_most", None, 3, [], {"question": "q", "max": 3}),
        ("any_of", None, None, ["a", "b"], {"question": "q", "in": ["a", "b"]}),
    ],
)
def test_branching_rules_round_trip_through_the_form_values(operator, low, high, choices, rule):
    assert builder.condition_from_form("q", operator, low, high, choices) == rule
    values = builder.condition_to_form(rule)
    assert (values["operator"], values["low"], values["high"]) == (operator, low, high)
    assert builder.describe_condition(rule).startswith("Shown when q")


def test_an_incomplete_branching_rule_is_refused():
    assert builder.condition_from_form("", "between", None, None, []) == {}
    with pytest.raises(ValueError):
        builder.condition_from_form("q", "between", 0, None, [])
    with pytest.raises(ValueError):
        builder.condition_from_form("q", "any_of", None, None, [])


# --- Pages -----------------------------------------------------------------------------------


def _create(persona: Persona, point: str = "nps", languages: tuple[str, ...] = ("en",)) -> Survey:
    definition = builder.starting_definition(
        point, name="Delivery", default_language=languages[0], languages=languages
    )
    return services.survey_create(
        organization=persona.organization, definition=definition, by=persona.membership
    )


def _working(survey: Survey) -> dict[str, Any]:
    version = selectors.survey_latest_version(survey)
    assert version is not None
    return definition_from_version(version)


def _url(name: str, survey: Survey, **kwargs: Any) -> str:
    return reverse(name, kwargs={"pk": survey.pk, **kwargs})


def _post_data(initial: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """What the browser posts for a form showing `initial`, with `changes`."""
    data: dict[str, Any] = {}
    for name, value in {**initial, **changes}.items():
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    return data


def _question_data(survey: Survey, key: str, **changes: Any) -> dict[str, Any]:
    definition = _working(survey)
    question = definition["questions"][builder.index_of(definition, key)]
    return _post_data(QuestionForm.initial_for(question, definition["languages"]), **changes)


def _question_url(survey: Survey, key: str) -> str:
    return _url("web:survey_question_edit", survey, key=key)


@pytest.mark.parametrize("point", list(builder.StartingPoint))
def test_creating_from_a_starting_point_opens_the_builder_of_a_draft(alice, point):
    response = alice.client().post(
        reverse("web:survey_new"),
        {
            "starting_point": point,
            "name": "After delivery",
            "default_language": "en",
            "languages": ["en", "ja"],
        },
    )

    survey = Survey.objects.get(organization=alice.organization)
    assert response.status_code == 302
    assert response["Location"] == _url("web:survey_edit", survey)
    assert survey.status == SurveyStatus.DRAFT and survey.languages == ["en", "ja"]
    expected = builder.starting_definition(
        point, name="After delivery", default_language="en", languages=["en", "ja"]
    )
    assert _working(survey)["questions"] == validate_definition(expected)["questions"]
    page = alice.client().get(response["Location"]).content.decode()
    assert "After delivery" in page and "Draft version 1" in page


def test_new_survey_page_offers_every_starting_point_and_import(alice):
    html = alice.client().get(reverse("web:survey_new")).content.decode()

    for value, _label in builder.STARTING_POINT_CHOICES:
        assert f'value="{value}"' in html
    assert reverse("web:survey_import") in html
    assert 'enctype="multipart/form-data"' in html
    assert " style=" not in html


def test_a_new_survey_without_a_name_is_refused_and_nothing_is_created(alice):
    response = alice.client().post(
        reverse("web:survey_new"), {"starting_point": "csat", "name": "", "default_language": "en"}
    )

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Survey.objects.exists()


@pytest.mark.parametrize("kind", QuestionKind.values)
def test_adding_then_editing_each_kind_of_question(alice, kind):
    survey = _create(alice, "blank", languages=("en", "ja"))
    client = alice.client()

    added = client.post(_url("web:survey_question_add", survey), {"kind": kind})

    key = _working(survey)["questions"][-1]["key"]
    assert added["Location"] == _question_url(survey, key)
    form_page = client.get(added["Location"])
    assert form_page.status_code == 200
    assert 'lang="ja"' in form_page.content.decode()
    changes: dict[str, Any] = {"text_en": "Edited?", "text_ja": "編集？", "required": True}
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        changes.update(choices_en="fast|Fast\ncheap|Cheap\nOther", choices_ja="速い\n安い\nその他")
    if kind == QuestionKind.MATRIX:
        changes.update(rows_en="Taste\nPrice", rows_ja="味\n価格", scale_min=0, scale_max=10)
    if kind in builder.LABELLED_KINDS:
        changes.update(low_en="Bad", low_ja="悪い")
    if kind == QuestionKind.CSAT:
        changes.update(style="faces")
    saved = client.post(added["Location"], _question_data(survey, key, **changes))

    assert saved.status_code == 302, saved.content.decode()
    question = _working(survey)["questions"][-1]
    assert question["texts"] == {"en": "Edited?", "ja": "編集？"}
    assert question["required"] is True
    if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        assert [c["key"] for c in question["options"]["choices"]] == ["fast", "cheap", "other"]
        assert question["options"]["choices"][2]["texts"] == {"en": "Other", "ja": "その他"}
    if kind == QuestionKind.MATRIX:
        assert question["options"]["rows"][1] == {
            "key": "price",
            "texts": {"en": "Price", "ja": "価格"},
        }
        assert (question["options"]["min"], question["options"]["max"]) == (0, 10)
    if kind in builder.LABELLED_KINDS:
        assert question["options"]["labels"] == {"low": {"en": "Bad", "ja": "悪い"}}
    if kind == QuestionKind.CSAT:
        assert question["options"]["style"] == "faces"


def test_a_branching_rule_is_built_from_the_selects(alice):
    survey = _create(alice, "nps")
    client = alice.client()
    client.post(_url("web:survey_question_add", survey), {"kind": "multiple_choice"})
    data = _question_data(
        survey,
        "multiple_choice",
        page=3,
        show_if_question="nps",
        show_if_operator="at_least",
        show_if_low=9,
    )

    assert client.post(_question_url(survey, "multiple_choice"), data).status_code == 302

    question = _working(survey)["questions"][-1]
    assert (question["page"], question["show_if"]) == (3, {"question": "nps", "min": 9})
    edit_page = client.get(_url("web:survey_edit", survey)).content.decode()
    assert "Shown when nps is at least 9" in edit_page


def test_a_choice_rule_keeps_only_the_answers_of_the_chosen_question(alice):
    survey = _create(alice, "blank")
    client = alice.client()
    client.post(_url("web:survey_question_add", survey), {"kind": "single_choice"})
    client.post(_url("web:survey_question_add", survey), {"kind": "single_choice"})
    client.post(_url("web:survey_question_add", survey), {"kind": "text"})
    client.post(_question_url(survey, "comment_2"), _question_data(survey, "comment_2", page=2))

    data = _question_data(
        survey,
        "comment_2",
        show_if_question="choice",
        show_if_choices=["choice:option_2", "choice_2:option_1"],
    )
    assert client.post(_question_url(survey, "comment_2"), data).status_code == 302

    assert _working(survey)["questions"][-1]["show_if"] == {
        "question": "choice",
        "in": ["option_2"],
    }


def test_a_refused_question_shows_why_in_the_users_language_and_saves_nothing(alice):
    survey = _create(alice, "nps", languages=("en", "ja"))
    before = _working(survey)
    client = alice.client()

    response = client.post(
        _question_url(survey, "reason"),
        _question_data(
            survey,
            "reason",
            text_ja="",
            show_if_question="nps",
            show_if_low=0,
            show_if_high=6,
            page=1,
        ),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was saved" in html
    assert "a text is missing in ja" in html
    assert "show_if may only depend on a question on an earlier page" in html
    assert _working(survey) == before
    alice.user.language = "ja"
    alice.user.save(update_fields=["language"])
    japanese = alice.client().post(
        _question_url(survey, "reason"), _question_data(survey, "reason", text_ja="")
    )
    assert japanese.status_code == 400
    assert "ja のテキストがありません" in japanese.content.decode()


def test_a_bad_choice_line_is_shown_next_to_the_choices(alice):
    survey = _create(alice, "blank", languages=("en", "ja"))
    client = alice.client()
    client.post(_url("web:survey_question_add", survey), {"kind": "single_choice"})
    before = _working(survey)

    response = client.post(
        _question_url(survey, "choice"),
        _question_data(survey, "choice", choices_en="A\nB", choices_ja="あ\nい\nう"),
    )

    assert response.status_code == 400
    assert "more lines than the en list" in response.content.decode()
    assert _working(survey) == before


def test_settings_change_languages_and_thank_you_and_refusals_show_next_to_the_form(alice):
    survey = _create(alice, "csat")
    client = alice.client()
    url = _url("web:survey_edit", survey)
    settings = {
        "name": "Renamed",
        "default_language": "en",
        "languages": ["en", "zh-hans"],
        "thank_you_en": "Thanks!",
        "thank_you_ja": "dropped: ja is not offered",
        "thank_you_url": "https://example.com/done",
    }

    assert client.post(url, settings).status_code == 302

    survey.refresh_from_db()
    definition = _working(survey)
    assert (survey.name, survey.languages) == ("Renamed", ["en", "zh-hans"])
    assert definition["thank_you"] == {"en": "Thanks!"}
    assert all("zh-hans" in q["texts"] for q in definition["questions"])
    bad = client.post(url, {**settings, "thank_you_url": "javascript:alert(1)", "name": ""})
    html = bad.content.decode()
    assert bad.status_code == 400
    assert "The settings were not saved." in html
    assert "The survey needs a name." in html and "full http:// or https:// address" in html
    assert _working(survey) == definition


def test_questions_move_and_delete_from_the_list(alice):
    survey = _create(alice, "csat")
    client = alice.client()

    client.post(_url("web:survey_question_move", survey, key="comment"), {"direction": "up"})
    assert [q["key"] for q in _working(survey)["questions"]] == ["comment", "csat"]
    client.post(_url("web:survey_question_move", survey, key="comment"), {"direction": "down"})
    assert [q["key"] for q in _working(survey)["questions"]] == ["csat", "comment"]
    response = client.post(_url("web:survey_question_delete", survey, key="comment"), follow=True)

    assert [q["key"] for q in _working(survey)["questions"]] == ["csat"]
    assert "Question comment deleted." in response.content.decode()
    last = client.post(_url("web:survey_question_delete", survey, key="csat"), follow=True)
    assert "A survey needs at least one question." in last.content.decode()
    assert [q["key"] for q in _working(survey)["questions"]] == ["csat"]


def test_deleting_a_question_a_rule_depends_on_is_refused(alice):
    survey = _create(alice, "nps")

    response = alice.client().post(
        _url("web:survey_question_delete", survey, key="nps"), follow=True
    )

    assert "nps cannot be deleted" in response.content.decode()
    assert len(_working(survey)["questions"]) == 5


def test_an_unknown_question_key_is_not_found(alice):
    survey = _create(alice)
    client = alice.client()

    assert client.get(_question_url(survey, "missing")).status_code == 404
    move = _url("web:survey_question_move", survey, key="missing")
    assert client.post(move, {"direction": "up"}).status_code == 404


def test_editing_a_published_survey_opens_a_draft_and_answers_keep_their_version(alice):
    survey = _create(alice, "nps")
    client = alice.client()
    published = client.post(_url("web:survey_publish", survey), follow=True)
    assert "Version 1 is published" in published.content.decode()
    version_one = SurveyVersion.objects.get(survey=survey, number=1)
    stored = respond(version_one, {"nps": 3, "reason": "slow"})
    page = client.get(_url("web:survey_edit", survey)).content.decode()
    assert "Respondents get version 1" in page and "There is no draft" in page

    data = _question_data(survey, "nps", text_en="Would you recommend us?")
    assert client.post(_question_url(survey, "nps"), data).status_code == 302

    draft = selectors.survey_draft(survey)
    assert draft is not None and draft.number == 2
    page = client.get(_url("web:survey_edit", survey)).content.decode()
    assert "Draft version 2" in page and "respondents keep getting version 1" in page
    stored.refresh_from_db()
    assert stored.version_id == version_one.pk
    answered = Answer.objects.get(response=stored, question__key="nps").question
    assert answered.version_id == version_one.pk
    assert answered.texts["en"] == str(builder.NPS_TEXT)
    assert Question.objects.get(version=draft, key="nps").texts["en"] == "Would you recommend us?"


def test_preview_walks_the_pages_with_branching_and_stores_nothing(alice):
    survey = _create(alice, "nps", languages=("en", "ja"))
    client = alice.client()
    url = _url("web:survey_preview", survey)

    first = client.get(url)
    html = first.content.decode()
    assert first.status_code == 200
    assert "Preview — answers are not saved." in html
    assert "Preview of draft version 1 (not published)" in html
    assert 'name="q-nps"' in html and 'name="q-reason"' not in html
    state = first.context["hidden_token"]

    missing = client.post(url, {"page": 1, "language": "en", "h": state})
    assert missing.status_code == 400 and 'id="error-nps"' in missing.content.decode()
    second = client.post(url, {"page": 1, "language": "en", "h": state, "q-nps": "3"})
    html = second.content.decode()
    assert 'name="q-reason"' in html and 'name="q-detractor"' in html
    assert 'name="q-promoter"' not in html
    done = client.post(
        url, {"page": 2, "language": "en", "h": second.context["hidden_token"], "q-reason": "x"}
    )
    assert "Your answers have been saved." in done.content.decode()  # the public wording
    assert "Preview — answers are not saved." in done.content.decode()
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_preview_in_japanese_uses_the_public_page_in_japanese(alice):
    survey = _create(alice, "csat", languages=("en", "ja"))

    response = alice.client().get(_url("web:survey_preview", survey), {"language": "ja"})

    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert builder.texts_in(builder.CSAT_TEXT, ["ja"])["ja"] in html
    assert "survey.css" in html and " style=" not in html


def test_preview_of_the_live_version_while_a_draft_waits(alice):
    survey = _create(alice, "csat")
    services.survey_publish(survey=survey, by=alice.membership)
    definition = _working(survey)
    definition["questions"][0]["texts"]["en"] = "Draft wording"
    services.survey_update_draft(survey=survey, definition=definition, by=alice.membership)

    live = alice.client().get(_url("web:survey_preview", survey), {"version": "live"})
    draft = alice.client().get(_url("web:survey_preview", survey))

    assert "Preview of live version 1" in live.content.decode()
    assert "Draft wording" not in live.content.decode()
    assert "Draft wording" in draft.content.decode()


def test_publish_close_reopen_and_duplicate_from_the_results_page(alice):
    survey = _create(alice, "ces")
    client = alice.client()
    results = client.get(_url("web:survey_results", survey)).content.decode()
    assert "Publish version 1" in results and 'data-testid="edit-tab"' in results

    back = client.post(_url("web:survey_publish", survey), {"return_to": "results"})
    assert back["Location"] == _url("web:survey_results", survey)
    client.post(_url("web:survey_close", survey))
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.CLOSED
    client.post(_url("web:survey_reopen", survey))
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.LIVE
    refused = client.post(_url("web:survey_reopen", survey), follow=True)
    assert "Only a closed survey can be reopened" in refused.content.decode()

    copy_response = client.post(_url("web:survey_duplicate", survey))
    copy = Survey.objects.exclude(pk=survey.pk).get()
    assert copy_response["Location"] == _url("web:survey_edit", copy)
    assert copy.name == "Copy of Delivery" and copy.status == SurveyStatus.DRAFT
    assert _working(copy)["questions"] == _working(survey)["questions"]


def test_delete_asks_first_and_refuses_a_survey_with_responses(alice):
    survey = _create(alice, "csat")
    client = alice.client()
    url = _url("web:survey_delete", survey)

    confirm = client.get(url)
    assert confirm.status_code == 200 and "This cannot be undone." in confirm.content.decode()
    assert Survey.objects.filter(pk=survey.pk).exists()
    assert client.post(url)["Location"] == reverse("web:surveys")
    assert not Survey.objects.filter(pk=survey.pk).exists()

    answered = _create(alice, "csat")
    services.survey_publish(survey=answered, by=alice.membership)
    respond(SurveyVersion.objects.get(survey=answered), {"csat": 4})
    url = _url("web:survey_delete", answered)
    assert "cannot be deleted" in client.get(url).content.decode()
    refused = client.post(url, follow=True)
    assert "has responses and cannot be deleted" in refused.content.decode()
    assert Survey.objects.filter(pk=answered.pk).exists()


def test_export_json_downloads_what_import_reads_back(alice):
    survey = _create(alice, "nps", languages=("en", "ja"))
    client = alice.client()

    exported = client.get(_url("web:survey_definition_export", survey), {"version": 1})
    assert exported["Content-Disposition"] == f'attachment; filename="survey-{survey.pk}-v1.json"'
    document = json.loads(exported.content)
    assert document == _working(survey)

    upload = SimpleUploadedFile("nps.json", exported.content, content_type="application/json")
    imported = client.post(reverse("web:survey_import"), {"file": upload})
    copy = Survey.objects.exclude(pk=survey.pk).get()
    assert imported["Location"] == _url("web:survey_edit", copy)
    assert _working(copy) == document
    missing = client.get(_url("web:survey_definition_export", survey), {"version": 9})
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"name": "x", ', "The file is not valid JSON"),
        (b"\xff\xfe", "The file is not UTF-8 text"),
        (
            b'{"name": "", "questions": [{"key": "a b", "kind": "stars"}]}',
            "The survey needs a name.",
        ),
    ],
)
def test_importing_a_bad_file_explains_why_and_creates_nothing(alice, content, message):
    upload = SimpleUploadedFile("survey.json", content, content_type="application/json")

    response = alice.client().post(reverse("web:survey_import"), {"file": upload})

    html = response.content.decode()
    assert response.status_code == 400
    assert "The file was not imported; no survey was created." in html
    assert message in html
    assert not Survey.objects.exists()


def test_importing_without_a_file_asks_for_one(alice):
    response = alice.client().post(reverse("web:survey_import"), {})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


# --- Who may do what -------------------------------------------------------------------------

BUILDER_GETS = ["web:survey_edit", "web:survey_delete", "web:survey_definition_export"]
BUILDER_POSTS = [
    ("web:survey_edit", {}),
    ("web:survey_question_add", {}),
    ("web:survey_question_edit", {"key": "csat"}),
    ("web:survey_question_move", {"key": "csat"}),
    ("web:survey_question_delete", {"key": "csat"}),
    ("web:survey_publish", {}),
    ("web:survey_close", {}),
    ("web:survey_reopen", {}),
    ("web:survey_duplicate", {}),
    ("web:survey_delete", {}),
    ("web:survey_preview", {}),
]


@pytest.fixture
def viewer(acme) -> Persona:
    user = UserFactory(email="vera@acme.test", full_name="Vera Viewer")
    return Persona(user, MembershipFactory(organization=acme, user=user, role=Role.VIEWER))


@pytest.fixture
def survey(alice) -> Survey:
    return _create(alice, "csat")


@pytest.mark.parametrize("persona", ["bob", "viewer"])
def test_agents_and_viewers_may_not_build(request, survey, persona):
    client = request.getfixturevalue(persona).client()
    before = _working(survey)

    for name, extra in BUILDER_POSTS:
        if name == "web:survey_preview":
            continue
        response = client.post(_url(name, survey, **extra), {"kind": "text", "direction": "up"})
        assert response.status_code == 403, name
    assert client.get(_url("web:survey_edit", survey)).status_code == 403
    assert client.get(_question_url(survey, "csat")).status_code == 403
    assert client.get(reverse("web:survey_new")).status_code == 403
    assert client.post(reverse("web:survey_import")).status_code == 403
    assert _working(survey) == before and Survey.objects.count() == 1


@pytest.mark.parametrize("persona", ["bob", "viewer"])
def test_agents_and_viewers_see_no_builder_actions_but_may_preview(request, survey, persona):
    client = request.getfixturevalue(persona).client()

    results = client.get(_url("web:survey_results", survey)).content.decode()
    listing = client.get(reverse("web:surveys")).content.decode()

    assert 'data-testid="edit-tab"' not in results and 'data-testid="lifecycle"' not in results
    assert reverse("web:survey_new") not in listing
    assert _url("web:survey_edit", survey) not in listing
    assert client.get(_url("web:survey_preview", survey)).status_code == 200
    assert client.get(_url("web:survey_definition_export", survey)).status_code == 200


def test_an_analyst_may_build(acme, survey):
    user = UserFactory(email="ann@acme.test")
    analyst = Persona(user, MembershipFactory(organization=acme, user=user, role=Role.ANALYST))

    assert analyst.client().get(_url("web:survey_edit", survey)).status_code == 200


def test_another_organization_gets_404_on_every_builder_url(charlie, survey):
    client = charlie.client()
    before = _working(survey)

    for name in [*BUILDER_GETS, "web:survey_preview"]:
        assert client.get(_url(name, survey)).status_code == 404, name
    assert client.get(_question_url(survey, "csat")).status_code == 404
    for name, extra in BUILDER_POSTS:
        data = {"kind": "text", "direction": "up", "page": 1}
        assert client.post(_url(name, survey, **extra), data).status_code == 404, name

    assert _working(survey) == before
    assert Survey.objects.count() == 1 and selectors.survey_draft(survey) is not None


@pytest.mark.parametrize(
    "name",
    [
        "web:survey_question_add",
        "web:survey_publish",
        "web:survey_close",
        "web:survey_reopen",
        "web:survey_duplicate",
    ],
)
def test_lifecycle_changes_accept_only_post(alice, survey, name):
    assert alice.client().get(_url(name, survey)).status_code == 405
